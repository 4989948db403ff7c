using SymbolicGrad.Network.Tests.Checking;
using SymbolicGrad.Network.Tests.Models.SecondOrder;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// <c>NameHvp</c> of static functions of Vec and Mat values: H·t against central differences of the generated gradient
/// along random directions and against closed forms, the gradient it adds equal to <c>NameGradient</c>'s bit for bit, the
/// value bit for bit, buffers added into, shapes checked, no allocation once warm, one per-thread workspace per thread.
/// </summary>
public sealed class TensorHvpTests
{
    private const int In = 5, Hidden = 4, Classes = 3;

    /// <summary>
    /// One function under test: its differentiable parameters' arrays, the function, its
    /// gradient (into the given arrays) and its Hvp (direction, gradient, H·t), each returning the value.
    /// </summary>
    private sealed record Case(
        string Name,
        float[][] Parameters,
        Func<float> Function,
        Func<float[][], float> Gradient,
        Func<float[][], float[][], float[][], float> Hvp);

    public static TheoryData<string> Names => new(Cases(1).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_matches_central_differences_of_the_gradient_along_random_directions(string name)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var c = Cases(seed).Single(x => x.Name == name);
            var direction = RandomLike(c.Parameters, seed + 100);
            var hv = Zeros(c);
            c.Hvp(direction, Zeros(c), hv);
            var estimate = GradientDifference(c, direction, 1e-3f);
            double scale = 1 + estimate.SelectMany(e => e).Max(Math.Abs);
            Assert.True(hv.SelectMany(h => h).Any(h => h != 0), $"{name}: H·t is zero, which tests nothing");
            for (int k = 0; k < hv.Length; k++)
            {
                for (int i = 0; i < hv[k].Length; i++)
                {
                    Assert.True(Math.Abs(hv[k][i] - estimate[k][i]) <= 2e-3 * scale,
                        $"{name} (seed {seed}): (H·t) of parameter {k} at {i} is {hv[k][i]}, central differences of the gradient give {estimate[k][i]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_adds_the_gradient_NameGradient_adds_and_returns_its_value_bit_for_bit(string name)
    {
        var c = Cases(7).Single(x => x.Name == name);
        var direction = RandomLike(c.Parameters, 77);
        var expected = Zeros(c);
        float value = c.Gradient(expected);
        var gradient = Zeros(c);
        float hvpValue = c.Hvp(direction, gradient, Zeros(c));
        Assert.Equal(value, hvpValue);
        Assert.True(Math.Abs(c.Function() - value) <= 1e-6f * (1 + Math.Abs(value)), $"{name}: value {value}, function {c.Function()}");
        for (int k = 0; k < gradient.Length; k++) Assert.Equal(expected[k], gradient[k]);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_adds_into_its_buffers(string name)
    {
        var c = Cases(5).Single(x => x.Name == name);
        var direction = RandomLike(c.Parameters, 55);
        var (gradient, hv) = (Zeros(c), Zeros(c));
        c.Hvp(direction, gradient, hv);
        var (gradient2, hv2) = (Copy(gradient), Copy(hv));
        c.Hvp(direction, gradient2, hv2);
        for (int k = 0; k < hv.Length; k++)
        {
            for (int i = 0; i < hv[k].Length; i++)
            {
                // Terms are added one by one into what the buffer holds, so the sum may round differently from 2·x.
                Assert.True(Math.Abs(gradient2[k][i] - 2 * gradient[k][i]) <= 1e-6f * (1 + Math.Abs(gradient[k][i])), $"{name}: gradient {gradient2[k][i]} after two calls, {gradient[k][i]} after one");
                Assert.True(Math.Abs(hv2[k][i] - 2 * hv[k][i]) <= 1e-6f * (1 + Math.Abs(hv[k][i])), $"{name}: H·t {hv2[k][i]} after two calls, {hv[k][i]} after one");
            }
        }
    }

    [Fact]
    public void The_Hessian_of_a_quadratic_form_in_x_is_A_plus_its_transpose_exactly()
    {
        // f(A, x) = xᵀ·A·x: ∂f/∂x = (A + Aᵀ)·x, ∂f/∂A = x·xᵀ. Along (tA, tx): (H·t)_x = (A + Aᵀ)·tx + (tA + tAᵀ)·x and
        // (H·t)_A = tx·xᵀ + x·txᵀ. Dyadic values: exact in float.
        float[] a = [1f, 2f, -0.5f, 0.25f], x = [0.5f, -2f];
        float[] tA = [0f, 0f, 0f, 0f], tX = [2f, 0.25f];
        var (dA, dX, hvA, hvX) = (new float[4], new float[2], new float[4], new float[2]);
        float value = TensorHvpFunctions.QuadraticHvp(new Mat(a, 2, 2), new Vec(x), new Mat(tA, 2, 2), new Vec(tX),
            new Mat(dA, 2, 2), new Vec(dX), new Mat(hvA, 2, 2), new Vec(hvX));
        Assert.Equal(-0.25f, value);
        // A + Aᵀ = [[2, 1.5], [1.5, 0.5]]: ·x = (−2, −0.25), ·tx = (4.375, 3.125).
        Assert.Equal(new[] { -2f, -0.25f }, dX);
        Assert.Equal(new[] { 0.25f, -1f, -1f, 4f }, dA);
        Assert.Equal(new[] { 4.375f, 3.125f }, hvX);
        // tx·xᵀ + x·txᵀ = [[1 + 1, −4 + 0.125], [0.125 − 4, −0.5 − 0.5]].
        Assert.Equal(new[] { 2f, -3.875f, -3.875f, -1f }, hvA);

        // With tA too: (tA + tAᵀ)·x joins (H·t)_x.
        tA = [0.5f, 0f, 1f, -1f];
        Array.Clear(hvX);
        Array.Clear(hvA);
        TensorHvpFunctions.QuadraticHvp(new Mat(a, 2, 2), new Vec(x), new Mat(tA, 2, 2), new Vec(tX),
            new Mat(new float[4], 2, 2), new Vec(new float[2]), new Mat(hvA, 2, 2), new Vec(hvX));
        // tA + tAᵀ = [[1, 1], [1, −2]]: ·x = (−1.5, 4.5).
        Assert.Equal(new[] { 4.375f - 1.5f, 3.125f + 4.5f }, hvX);
        Assert.Equal(new[] { 2f, -3.875f, -3.875f, -1f }, hvA);
    }

    [Fact]
    public void A_buffer_or_direction_of_the_wrong_shape_is_an_ArgumentException_naming_it()
    {
        var (a, x) = (new Mat(2, 2), new Vec(2));
        void Call(Mat tA, Vec tX, Mat dA, Vec dX, Mat hvA, Vec hvX) => TensorHvpFunctions.QuadraticHvp(a, x, tA, tX, dA, dX, hvA, hvX);
        var cases = new (string Name, Action Call)[]
        {
            ("tA", () => Call(new Mat(2, 3), new Vec(2), new Mat(2, 2), new Vec(2), new Mat(2, 2), new Vec(2))),
            ("tX", () => Call(new Mat(2, 2), new Vec(3), new Mat(2, 2), new Vec(2), new Mat(2, 2), new Vec(2))),
            ("dA", () => Call(new Mat(2, 2), new Vec(2), new Mat(1, 4), new Vec(2), new Mat(2, 2), new Vec(2))),
            ("dX", () => Call(new Mat(2, 2), new Vec(2), new Mat(2, 2), new Vec(1), new Mat(2, 2), new Vec(2))),
            ("hvA", () => Call(new Mat(2, 2), new Vec(2), new Mat(2, 2), new Vec(2), new Mat(4, 1), new Vec(2))),
            ("hvX", () => Call(new Mat(2, 2), new Vec(2), new Mat(2, 2), new Vec(2), new Mat(2, 2), new Vec(5))),
        };
        foreach (var (name, call) in cases)
        {
            var error = Assert.Throws<ArgumentException>(call);
            Assert.Equal(name, error.ParamName);
            Assert.Contains($"QuadraticHvp: {name} must have the shape of", error.Message);
        }
        var transposed = Assert.Throws<ArgumentException>(() => TensorHvpFunctions.MlpHvp(new Mat(Hidden, In), new Vec(Hidden), new Mat(Classes, Hidden),
            new Vec(Classes), new Vec(In), 0, new Mat(Hidden, In), new Vec(Hidden), new Mat(Classes, Hidden), new Vec(Classes),
            new Mat(Hidden, In), new Vec(Hidden), new Mat(Classes, Hidden), new Vec(Classes),
            new Mat(In, Hidden), new Vec(Hidden), new Mat(Classes, Hidden), new Vec(Classes)));
        Assert.Equal("hvW1", transposed.ParamName);
    }

    [Fact]
    public void Hvp_allocates_nothing_after_warm_up()
    {
        foreach (var c in Cases(3))
        {
            var direction = RandomLike(c.Parameters, 5);
            var (gradient, hv) = (Zeros(c), Zeros(c));
            c.Hvp(direction, gradient, hv);
            c.Hvp(direction, gradient, hv);
            // Another thread's garbage collection or the runtime's one-time work can move the count under load: a
            // measurement that saw bytes is taken again, up to three times; calls that allocate fail every time.
            long allocated = 0;
            for (int attempt = 0; attempt < 3; attempt++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int k = 0; k < 100; k++) c.Hvp(direction, gradient, hv);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (allocated == 0) break;
            }
            Assert.True(allocated == 0, $"{c.Name}Hvp allocates {allocated} bytes in 100 calls");
        }
    }

    [Fact]
    public void Threads_calling_one_Hvp_at_once_get_the_sequential_results()
    {
        const int Threads = 4, Calls = 100;
        var random = new Random(11);
        var w1 = RandomMat(random, Hidden, In); var b1 = RandomVec(random, Hidden);
        var w2 = RandomMat(random, Classes, Hidden); var b2 = RandomVec(random, Classes);
        var inputs = Enumerable.Range(0, 16).Select(_ => RandomVec(random, In)).ToArray();
        var tW1 = RandomMat(random, Hidden, In); var tB1 = RandomVec(random, Hidden);
        var tW2 = RandomMat(random, Classes, Hidden); var tB2 = RandomVec(random, Classes);
        float[] Call(int t, int j)
        {
            var (dW1, dB1, dW2, dB2) = (new Mat(Hidden, In), new Vec(Hidden), new Mat(Classes, Hidden), new Vec(Classes));
            var (hvW1, hvB1, hvW2, hvB2) = (new Mat(Hidden, In), new Vec(Hidden), new Mat(Classes, Hidden), new Vec(Classes));
            float value = TensorHvpFunctions.MlpHvp(w1, b1, w2, b2, inputs[(t * 5 + j) % inputs.Length], (t + j) % Classes, tW1, tB1, tW2, tB2,
                dW1, dB1, dW2, dB2, hvW1, hvB1, hvW2, hvB2);
            return [value, .. dW1.Span, .. dB1.Span, .. dW2.Span, .. dB2.Span, .. hvW1.Span, .. hvB1.Span, .. hvW2.Span, .. hvB2.Span];
        }
        Concurrently.AssertSameAsSequential(Threads, Calls, Call);
    }

    // ---- The cases ------------------------------------------------------------------------------

    private static IEnumerable<Case> Cases(int seed)
    {
        var random = new Random(seed);
        float[] Values(int n, float scale = 1f) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
        float[] Positive(int n) => Enumerable.Range(0, n).Select(_ => (float)(0.1 + 0.8 * random.NextDouble())).ToArray();
        static Mat M(float[] a, int rows, int cols) => new(a, rows, cols);
        static Vec V(float[] a) => new(a);

        {
            float[] w1 = Values(Hidden * In), b1 = Values(Hidden), w2 = Values(Classes * Hidden), b2 = Values(Classes);
            var x = V(Values(In));
            yield return new Case("Mlp", [w1, b1, w2, b2],
                () => TensorHvpFunctions.Mlp(M(w1, Hidden, In), V(b1), M(w2, Classes, Hidden), V(b2), x, 1),
                g => TensorHvpFunctions.MlpGradient(M(w1, Hidden, In), V(b1), M(w2, Classes, Hidden), V(b2), x, 1,
                    M(g[0], Hidden, In), V(g[1]), M(g[2], Classes, Hidden), V(g[3])),
                (t, g, h) => TensorHvpFunctions.MlpHvp(M(w1, Hidden, In), V(b1), M(w2, Classes, Hidden), V(b2), x, 1,
                    M(t[0], Hidden, In), V(t[1]), M(t[2], Classes, Hidden), V(t[3]),
                    M(g[0], Hidden, In), V(g[1]), M(g[2], Classes, Hidden), V(g[3]),
                    M(h[0], Hidden, In), V(h[1]), M(h[2], Classes, Hidden), V(h[3])));
        }
        {
            float[] w = Values(Classes * In);
            var (x, y) = (V(Values(In)), V(Values(Classes)));
            yield return new Case("TanhRegression", [w],
                () => TensorHvpFunctions.TanhRegression(M(w, Classes, In), x, y),
                g => TensorHvpFunctions.TanhRegressionGradient(M(w, Classes, In), x, y, M(g[0], Classes, In)),
                (t, g, h) => TensorHvpFunctions.TanhRegressionHvp(M(w, Classes, In), x, y, M(t[0], Classes, In), M(g[0], Classes, In), M(h[0], Classes, In)));
        }
        {
            float[] w = Values(Classes * In), b = Values(Classes);
            var (x, target) = (V(Values(In)), V(Positive(Classes)));
            yield return new Case("Logistic", [w, b],
                () => TensorHvpFunctions.Logistic(M(w, Classes, In), V(b), x, target),
                g => TensorHvpFunctions.LogisticGradient(M(w, Classes, In), V(b), x, target, M(g[0], Classes, In), V(g[1])),
                (t, g, h) => TensorHvpFunctions.LogisticHvp(M(w, Classes, In), V(b), x, target, M(t[0], Classes, In), V(t[1]),
                    M(g[0], Classes, In), V(g[1]), M(h[0], Classes, In), V(h[1])));
        }
        {
            float[] z = Values(In, 3f);
            var target = V(Positive(In));
            yield return new Case("SoftTargets", [z],
                () => TensorHvpFunctions.SoftTargets(V(z), target),
                g => TensorHvpFunctions.SoftTargetsGradient(V(z), target, V(g[0])),
                (t, g, h) => TensorHvpFunctions.SoftTargetsHvp(V(z), target, V(t[0]), V(g[0]), V(h[0])));
        }
        {
            float[] z = Values(In, 3f), w = Values(In);
            yield return new Case("Expectation", [z, w],
                () => TensorHvpFunctions.Expectation(V(z), V(w)),
                g => TensorHvpFunctions.ExpectationGradient(V(z), V(w), V(g[0]), V(g[1])),
                (t, g, h) => TensorHvpFunctions.ExpectationHvp(V(z), V(w), V(t[0]), V(t[1]), V(g[0]), V(g[1]), V(h[0]), V(h[1])));
        }
        {
            float[] a = Values(In * In), x = Values(In);
            yield return new Case("Quadratic", [a, x],
                () => TensorHvpFunctions.Quadratic(M(a, In, In), V(x)),
                g => TensorHvpFunctions.QuadraticGradient(M(a, In, In), V(x), M(g[0], In, In), V(g[1])),
                (t, g, h) => TensorHvpFunctions.QuadraticHvp(M(a, In, In), V(x), M(t[0], In, In), V(t[1]), M(g[0], In, In), V(g[1]), M(h[0], In, In), V(h[1])));
        }
        {
            float[] a = Values(In), b = Values(Hidden);
            yield return new Case("Joined", [a, b],
                () => TensorHvpFunctions.Joined(V(a), V(b), 2),
                g => TensorHvpFunctions.JoinedGradient(V(a), V(b), 2, V(g[0]), V(g[1])),
                (t, g, h) => TensorHvpFunctions.JoinedHvp(V(a), V(b), 2, V(t[0]), V(t[1]), V(g[0]), V(g[1]), V(h[0]), V(h[1])));
        }
        {
            float[] x = Values(In), y = Values(In);
            yield return new Case("Elementwise", [x, y],
                () => TensorHvpFunctions.Elementwise(V(x), V(y)),
                g => TensorHvpFunctions.ElementwiseGradient(V(x), V(y), V(g[0]), V(g[1])),
                (t, g, h) => TensorHvpFunctions.ElementwiseHvp(V(x), V(y), V(t[0]), V(t[1]), V(g[0]), V(g[1]), V(h[0]), V(h[1])));
        }
        {
            float[] x = Values(In);
            var target = V(Values(In));
            yield return new Case("Robust", [x],
                () => TensorHvpFunctions.Robust(V(x), target),
                g => TensorHvpFunctions.RobustGradient(V(x), target, V(g[0])),
                (t, g, h) => TensorHvpFunctions.RobustHvp(V(x), target, V(t[0]), V(g[0]), V(h[0])));
        }
        {
            float[] x = Values(In), y = Values(In);
            yield return new Case("Mixed", [x, y],
                () => TensorHvpFunctions.Mixed(V(x), V(y)),
                g => TensorHvpFunctions.MixedGradient(V(x), V(y), V(g[0]), V(g[1])),
                (t, g, h) => TensorHvpFunctions.MixedHvp(V(x), V(y), V(t[0]), V(t[1]), V(g[0]), V(g[1]), V(h[0]), V(h[1])));
        }
        {
            float[] x = Values(In, 0.5f), y = Values(In, 0.5f);
            yield return new Case("SoftplusDot", [x, y],
                () => TensorHvpFunctions.SoftplusDot(V(x), V(y)),
                g => TensorHvpFunctions.SoftplusDotGradient(V(x), V(y), V(g[0]), V(g[1])),
                (t, g, h) => TensorHvpFunctions.SoftplusDotHvp(V(x), V(y), V(t[0]), V(t[1]), V(g[0]), V(g[1]), V(h[0]), V(h[1])));
        }
    }

    /// <summary>(∇f(p + h·t) − ∇f(p − h·t)) / 2h from the generated gradient, the parameters moved in place and restored.</summary>
    private static double[][] GradientDifference(Case c, float[][] direction, float h)
    {
        var saved = c.Parameters.Select(p => (float[])p.Clone()).ToArray();
        float[][] At(float step)
        {
            for (int k = 0; k < c.Parameters.Length; k++)
            {
                for (int i = 0; i < c.Parameters[k].Length; i++) c.Parameters[k][i] = saved[k][i] + step * direction[k][i];
            }
            var gradient = Zeros(c);
            c.Gradient(gradient);
            return gradient;
        }
        var plus = At(h);
        var minus = At(-h);
        At(0);
        return plus.Select((p, k) => p.Select((v, i) => ((double)v - minus[k][i]) / (2 * h)).ToArray()).ToArray();
    }

    private static float[][] Zeros(Case c) => c.Parameters.Select(p => new float[p.Length]).ToArray();

    private static float[][] Copy(float[][] arrays) => arrays.Select(a => (float[])a.Clone()).ToArray();

    private static float[][] RandomLike(float[][] parameters, int seed)
    {
        var random = new Random(seed);
        return parameters.Select(p => p.Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    private static Vec RandomVec(Random random, int n) => new(Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());

    private static Mat RandomMat(Random random, int rows, int cols) =>
        new(Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), rows, cols);
}
