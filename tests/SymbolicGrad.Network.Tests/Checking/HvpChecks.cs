namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>
/// One model method under test for <c>NameHvp</c>, for one fixed sample: the plain method, its generated gradient (into
/// <c>Parameters.Gradients</c>) and its Hvp (direction, gradient, hv), each returning the value.
/// </summary>
internal sealed record HvpCase(
    string Name,
    Model Model,
    Func<float> Loss,
    Func<float> Gradient,
    Func<float[], float[], float[], float> Hvp);

/// <summary>
/// The checks every model method's <c>NameHvp</c> passes, over the flat parameter layout (direction, gradient and H·v each
/// laid out like <c>Parameters.Values</c>), shared by the Hvp tests of dense models and of layers.
/// </summary>
internal static class HvpChecks
{
    /// <summary>H·v against central differences of the generated gradient along a random v, and not mostly zero.</summary>
    public static void MatchesCentralDifferencesOfTheGradient(HvpCase c, int seed)
    {
        var v = RandomDirection(c.Model, seed + 100);
        var hv = Zeros(c);
        c.Hvp(v, Zeros(c), hv);
        var estimate = GradientDifference(c, v, 1e-3f);
        double scale = 1 + estimate.Max(Math.Abs);
        Assert.True(hv.Count(h => Math.Abs(h) > 1e-4) > hv.Length / 4, $"{c.Name} (seed {seed}): H·v is mostly zero, which tests little");
        for (int i = 0; i < hv.Length; i++)
        {
            Assert.True(Math.Abs(hv[i] - estimate[i]) <= 2e-3 * scale,
                $"{c.Name} (seed {seed}): (H·v)[{i}] is {hv[i]}, central differences of the gradient give {estimate[i]}");
        }
    }

    /// <summary>The Hvp adds the gradient <c>NameGradient</c> adds, bit for bit, and returns its value; nothing goes through the store.</summary>
    /// <returns>The value both returned.</returns>
    public static float AddsTheGradientBitForBit(HvpCase c, int seed)
    {
        c.Model.Parameters.ZeroGradients();
        float value = c.Gradient();
        var expected = c.Model.Parameters.Gradients.ToArray();
        var gradient = Zeros(c);
        float hvpValue = c.Hvp(RandomDirection(c.Model, seed), gradient, Zeros(c));
        Assert.Equal(value, hvpValue);
        Assert.Equal(expected, gradient);
        Assert.Contains(expected, g => g != 0);
        // Nothing went through the store.
        Assert.Equal(expected, c.Model.Parameters.Gradients.ToArray());
        return value;
    }

    /// <summary>vᵀ(H·u) = uᵀ(H·v) for two random directions, and not trivially zero.</summary>
    public static void IsSymmetric(HvpCase c, int seed)
    {
        var u = RandomDirection(c.Model, seed + 10);
        var v = RandomDirection(c.Model, seed + 20);
        var hu = Zeros(c);
        var hv = Zeros(c);
        c.Hvp(u, Zeros(c), hu);
        c.Hvp(v, Zeros(c), hv);
        double vHu = 0, uHv = 0, scale = 0;
        for (int i = 0; i < hu.Length; i++)
        {
            vHu += (double)v[i] * hu[i];
            uHv += (double)u[i] * hv[i];
            scale += Math.Abs((double)v[i] * hu[i]) + Math.Abs((double)u[i] * hv[i]);
        }
        Assert.True(Math.Abs(vHu) > 1e-3, $"{c.Name} (seed {seed}): vᵀHu = {vHu} tests nothing");
        Assert.True(Math.Abs(vHu - uHv) <= 1e-5 * scale, $"{c.Name} (seed {seed}): vᵀ(H·u) = {vHu}, uᵀ(H·v) = {uHv}");
    }

    /// <summary>Each of the three buffers, empty or one too short or long, is an ArgumentException naming it and the length.</summary>
    public static void RefusesBuffersOfTheWrongLength(HvpCase c)
    {
        int count = c.Model.Parameters.Count;
        foreach (int length in new[] { 0, count - 1, count + 1 })
        {
            var wrong = new float[length];
            foreach (var (buffer, call) in new (string, Action)[]
            {
                ("direction", () => c.Hvp(wrong, Zeros(c), Zeros(c))),
                ("gradient", () => c.Hvp(Zeros(c), wrong, Zeros(c))),
                ("hv", () => c.Hvp(Zeros(c), Zeros(c), wrong)),
            })
            {
                var error = Assert.Throws<ArgumentException>(call);
                Assert.Equal(buffer, error.ParamName);
                Assert.Contains(count.ToString(), error.Message);
            }
        }
    }

    /// <summary>
    /// A zero direction gives H·v = 0; a NaN in the last weight's tangent (the output layer's) reaches H·v, and the
    /// gradient, which does not read the direction, stays a number.
    /// </summary>
    public static void ZeroDirectionGivesZeroAndTheLastWeightsNaNShows(HvpCase c)
    {
        var v = Zeros(c);
        var hv = Zeros(c);
        c.Hvp(v, Zeros(c), hv);
        Assert.All(hv, h => Assert.Equal(0f, h));
        v[^1] = float.NaN;
        var gradient = Zeros(c);
        c.Hvp(v, gradient, hv);
        Assert.Contains(hv, float.IsNaN);
        Assert.All(gradient, g => Assert.False(float.IsNaN(g)));
    }

    /// <summary>100 calls after two warm-up calls allocate nothing (measured again once, for the runtime's own tiering).</summary>
    public static void AllocatesNothingOnceWarm(HvpCase c, int seed)
    {
        var v = RandomDirection(c.Model, seed);
        var gradient = Zeros(c);
        var hv = Zeros(c);
        c.Hvp(v, gradient, hv);
        c.Hvp(v, gradient, hv);
        long Allocated()
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 100; k++) c.Hvp(v, gradient, hv);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        // The runtime's own work (tiering up under load) can show once; the generated code's would show every time.
        long allocated = Allocated();
        if (allocated != 0) allocated = Allocated();
        Assert.True(allocated == 0, $"{c.Name}Hvp allocates {allocated} bytes per 100 calls");
    }

    /// <summary>(∇L(p + h·v) − ∇L(p − h·v)) / 2h from the generated gradient, the model's <c>Parameters.Values</c> moved in place, then restored.</summary>
    public static double[] GradientDifference(HvpCase c, float[] v, float h)
    {
        var store = c.Model.Parameters;
        var saved = store.Values.ToArray();
        float[] GradientAt(float step)
        {
            var values = store.Values;
            for (int i = 0; i < saved.Length; i++) values[i] = saved[i] + step * v[i];
            store.ZeroGradients();
            c.Gradient();
            return store.Gradients.ToArray();
        }
        var plus = GradientAt(h);
        var minus = GradientAt(-h);
        saved.CopyTo(store.Values);
        store.ZeroGradients();
        return plus.Select((p, i) => ((double)p - minus[i]) / (2 * h)).ToArray();
    }

    /// <summary>A zero buffer as long as the model's parameters.</summary>
    public static float[] Zeros(HvpCase c) => new float[c.Model.Parameters.Count];

    /// <summary>A direction with entries uniform in [−1, 1), one per parameter.</summary>
    public static float[] RandomDirection(Model model, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, model.Parameters.Count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>A vector with entries uniform in [−1, 1).</summary>
    public static Vec RandomVec(Random random, int n) => new(Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
}
