using SymbolicGrad.Network.Tests.Checking;
using SymbolicGrad.Network.Tests.Models.SecondOrder;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// <c>NameHvp</c> of model methods through convolution, max pooling, dropout and batch norm (forward over reverse: the
/// backward pass's convolution parts, pooling's routing by the saved argmax, dropout's mask and batch norm's backward pass,
/// through an image's per-sample statistics in training mode, pushed forward): H·v against
/// central differences of the generated gradient along v, the gradient and value bit for bit as <c>NameGradient</c>'s,
/// symmetry, buffer lengths, zero and NaN directions, no allocation once warm, threads, and pooling ties and NaN.
/// </summary>
public sealed class ModelHvpLayerTests
{
    /// <summary>
    /// One model method under test, for one fixed sample: the plain method, its generated gradient (into
    /// <c>Parameters.Gradients</c>) and its Hvp (direction, gradient, hv), each returning the value. In training mode each
    /// replays one random step, so that all three draw the same dropout masks.
    /// </summary>
    private sealed record Case(
        string Name,
        Model Model,
        Func<float> Loss,
        Func<float> Gradient,
        Func<float[], float[], float[], float> Hvp);

    public static TheoryData<string> Names => new(Cases(1).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_matches_central_differences_of_the_generated_gradient_along_v(string name)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var c = Cases(seed).Single(x => x.Name == name);
            var v = RandomDirection(c.Model, seed + 100);
            var hv = Zeros(c);
            c.Hvp(v, Zeros(c), hv);
            var estimate = GradientDifference(c, v, 1e-3f);
            double scale = 1 + estimate.Max(Math.Abs);
            Assert.True(hv.Count(h => Math.Abs(h) > 1e-4) > hv.Length / 4, $"{name} (seed {seed}): H·v is mostly zero, which tests little");
            for (int i = 0; i < hv.Length; i++)
            {
                Assert.True(Math.Abs(hv[i] - estimate[i]) <= 2e-3 * scale,
                    $"{name} (seed {seed}): (H·v)[{i}] is {hv[i]}, central differences of the gradient give {estimate[i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_adds_the_gradient_NameGradient_adds_and_returns_its_value_bit_for_bit(string name)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var c = Cases(seed).Single(x => x.Name == name);
            c.Model.Parameters.ZeroGradients();
            float value = c.Gradient();
            var expected = c.Model.Parameters.Gradients.ToArray();
            var gradient = Zeros(c);
            float hvpValue = c.Hvp(RandomDirection(c.Model, seed), gradient, Zeros(c));
            Assert.Equal(value, hvpValue);
            Assert.Equal(expected, gradient);
            Assert.Contains(expected, g => g != 0);
            Assert.Equal(expected, c.Model.Parameters.Gradients.ToArray());
            float plain = c.Loss();
            Assert.True(Math.Abs(value - plain) <= 1e-6 * Math.Abs(plain), $"{name}: Hvp {value}, method {plain}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_Hessian_is_symmetric_uT_H_v_equals_vT_H_u(string name)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var c = Cases(seed).Single(x => x.Name == name);
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
            Assert.True(Math.Abs(vHu) > 1e-3, $"{name} (seed {seed}): vᵀHu = {vHu} tests nothing");
            Assert.True(Math.Abs(vHu - uHv) <= 1e-5 * scale, $"{name} (seed {seed}): vᵀ(H·u) = {vHu}, uᵀ(H·v) = {uHv}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_buffer_of_the_wrong_length_is_an_ArgumentException_naming_it(string name)
    {
        var c = Cases(3).Single(x => x.Name == name);
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

    [Theory]
    [MemberData(nameof(Names))]
    public void A_zero_direction_gives_zero_hv_and_NaN_in_the_direction_shows(string name)
    {
        var c = Cases(4).Single(x => x.Name == name);
        var v = Zeros(c);
        var hv = Zeros(c);
        c.Hvp(v, Zeros(c), hv);
        Assert.All(hv, h => Assert.Equal(0f, h));
        // A NaN in the last weight's tangent (the output layer's) reaches H·v; the gradient does not read the direction.
        v[^1] = float.NaN;
        var gradient = Zeros(c);
        c.Hvp(v, gradient, hv);
        Assert.Contains(hv, float.IsNaN);
        Assert.All(gradient, g => Assert.False(float.IsNaN(g)));
        // A NaN in the first convolution's (or layer's) first weight's tangent reaches H·v too, through the backward pass.
        v = Zeros(c);
        v[0] = float.NaN;
        hv = Zeros(c);
        c.Hvp(v, Zeros(c), hv);
        Assert.Contains(hv, float.IsNaN);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_allocates_nothing_once_warm(string name)
    {
        var c = Cases(5).Single(x => x.Name == name);
        var v = RandomDirection(c.Model, 5);
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

    [Fact]
    public void Two_threads_calling_one_CNNs_Hvp_at_once_get_the_sequential_results()
    {
        const int Threads = 2, Calls = 100;
        var net = new HvpTwoConvNet(3);
        int count = net.Parameters.Count;
        var random = new Random(11);
        var inputs = Enumerable.Range(0, 8).Select(_ => RandomVec(random, 128)).ToArray();
        var directions = Enumerable.Range(0, 3).Select(k => RandomDirection(net, 40 + k)).ToArray();
        float[] Call(int t, int j)
        {
            var gradient = new float[count];
            var hv = new float[count];
            float value = net.LossHvp(inputs[(t * 5 + j) % inputs.Length], (t + j) % 3, directions[(t + j) % directions.Length], gradient, hv);
            return gradient.Concat(hv).Append(value).ToArray();
        }
        Concurrently.AssertSameAsSequential(Threads, Calls, Call);
    }

    [Fact]
    public void A_training_mode_Hvp_with_dropout_takes_one_random_step_as_the_gradient_does()
    {
        var net = new HvpDropoutNet(0.5f, 4) { Training = true };
        var x = RandomVec(new Random(4), 5);
        var direction = RandomDirection(net, 4);
        int count = net.Parameters.Count;
        long before = net.RandomStep;
        var (firstHv, secondHv, replayedHv) = (new float[count], new float[count], new float[count]);
        float first = net.LossHvp(x, 1, direction, new float[count], firstHv);
        Assert.Equal(before + 1, net.RandomStep);
        // Another step draws other masks (with p = 0.5 over 13 elements, the same ones are a 1 in 8192 chance).
        float second = net.LossHvp(x, 1, direction, new float[count], secondHv);
        Assert.NotEqual(firstHv, secondHv);
        net.RandomStep = before;
        Assert.Equal(first, net.LossHvp(x, 1, direction, new float[count], replayedHv));
        Assert.Equal(firstHv, replayedHv);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void An_Hvp_through_a_vectors_batch_norm_in_training_mode_is_the_ArgumentException_the_gradient_throws()
    {
        // One sample has one value per feature: no batch statistics. The gradient refuses it; so does the Hvp, alike.
        var net = new HvpBatchNormNet(5) { Training = true };
        var x = RandomVec(new Random(5), 4);
        var state = net.Parameters.State.ToArray();
        int count = net.Parameters.Count;
        var (gradient, hv) = (new float[count], new float[count]);
        var expected = Assert.Throws<ArgumentException>(() => net.LossGradient(x, 0));
        var error = Assert.Throws<ArgumentException>(() => net.LossHvp(x, 0, RandomDirection(net, 5), gradient, hv));
        Assert.Equal(expected.Message, error.Message);
        Assert.Contains("no batch statistics", error.Message);
        // Nothing was written: not the buffers, not the running statistics.
        Assert.All(gradient, g => Assert.Equal(0f, g));
        Assert.All(hv, h => Assert.Equal(0f, h));
        Assert.Equal(state, net.Parameters.State.ToArray());
    }

    [Fact]
    public void A_training_mode_Hvp_through_an_images_batch_norm_updates_the_running_statistics_once_as_the_gradient_does()
    {
        var net = new TrainingConvNormPoolNet(4) { Training = true };
        var x = RandomVec(new Random(4), 64);
        int count = net.Parameters.Count;
        var before = net.Parameters.State.ToArray();
        net.LossGradient(x, 2);
        var afterGradient = net.Parameters.State.ToArray();
        Assert.NotEqual(before, afterGradient);
        before.CopyTo(net.Parameters.State);
        var v = RandomDirection(net, 4);
        var hv = new float[count];
        net.LossHvp(x, 2, v, new float[count], hv);
        Assert.Equal(afterGradient, net.Parameters.State.ToArray());
        // Through the sample's statistics, not the running ones: evaluation mode gives another H·v.
        before.CopyTo(net.Parameters.State);
        net.Training = false;
        var evaluation = new float[count];
        net.LossHvp(x, 2, v, new float[count], evaluation);
        Assert.Equal(before, net.Parameters.State.ToArray());
        Assert.Contains(Enumerable.Range(0, count), i => Math.Abs(hv[i] - evaluation[i]) > 1e-3 * (1 + Math.Abs(hv[i])));
    }

    [Fact]
    public void Two_threads_calling_a_training_mode_batch_norm_CNNs_Hvp_at_once_get_the_sequential_results()
    {
        const int Threads = 2, Calls = 100;
        var net = new TrainingConvNormPoolNet(5) { Training = true };
        int count = net.Parameters.Count;
        var random = new Random(19);
        var inputs = Enumerable.Range(0, 8).Select(_ => RandomVec(random, 64)).ToArray();
        var directions = Enumerable.Range(0, 3).Select(k => RandomDirection(net, 50 + k)).ToArray();
        float[] Call(int t, int j)
        {
            var gradient = new float[count];
            var hv = new float[count];
            float value = net.LossHvp(inputs[(t * 5 + j) % inputs.Length], (t + j) % 3, directions[(t + j) % directions.Length], gradient, hv);
            return gradient.Concat(hv).Append(value).ToArray();
        }
        Concurrently.AssertSameAsSequential(Threads, Calls, Call);
    }

    // ---- Pooling ties and NaN ---------------------------------------------------------------------

    private const int Pixels = 32, Inputs = 3, Width = 16;

    /// <summary>
    /// Biases of the 1×2×16 image, row by row: windows of all-equal values, ties at the maximum in every position pair,
    /// ties below the maximum, and (in the second layout) NaN beside and among tied maxima.
    /// </summary>
    public static TheoryData<string, float[]> Layouts => new()
    {
        { "ties", [1, 1, 0, 2, 0, 1, 1, 0, 0, 3, 2, 2, 0, 1, 0, 0,
                   1, 1, 2, 1, 2, 2, 0, 1, 0, 3, 2, 1, 1, 1, 2, 2] },
        { "NaN", [float.NaN, 1, 0, float.NaN, 0, 1, 1, 0, 0, float.NaN, 2, 2, 0, 1, 0, 0,
                  1, 1, 2, float.NaN, 2, 2, float.NaN, 1, 0, 3, 2, 1, 1, 1, 2, 2] },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Disjoint_windows_route_the_adjoints_tangent_to_the_input_the_forward_pass_took(string layout, float[] biases) =>
        CheckTies(layout, biases, stride: 2, (net, x, d, g, h) => net.LossHvp(x, d, g, h), (net, x) => net.LossGradient(x));

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Overlapping_windows_route_the_adjoints_tangent_to_the_input_the_forward_pass_took(string layout, float[] biases) =>
        CheckTies(layout, biases, stride: 1, (net, x, d, g, h) => net.OverlappingHvp(x, d, g, h), (net, x) => net.OverlappingGradient(x));

    private delegate float TieHvp(HvpPoolTieNet net, Vec x, float[] direction, float[] gradient, float[] hv);

    /// <summary>
    /// L = Σₒ yₒ² with W = 0: each pixel's value is its bias, its tangent tp = Σₖ vW[p, k]·xₖ + vb[p]. ∂L/∂yₒ = 2yₒ goes to
    /// the pixel o took, and so does its tangent 2·tyₒ = 2·tp(o) (finite even where yₒ is NaN: the tangent of 2y does not
    /// read y). So (H·v)_b[p] = Σ over the outputs that took p of 2·tp and (H·v)_W[p, k] = (H·v)_b[p]·xₖ.
    /// </summary>
    private static void CheckTies(string layout, float[] biases, int stride, TieHvp hvp, Func<HvpPoolTieNet, Vec, float> gradientOf)
    {
        var net = new HvpPoolTieNet();
        biases.CopyTo(net.b.Span);
        var x = new Vec([0.75f, -1.25f, 0.5f]);
        var random = new Random(3);
        var direction = Enumerable.Range(0, net.Parameters.Count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        double PixelTangent(int p) => Enumerable.Range(0, Inputs).Sum(k => (double)direction[p * Inputs + k] * x[k]) + direction[Pixels * Inputs + p];
        double[] Expected(List<int> taken)
        {
            var expected = new double[Pixels * Inputs + Pixels];
            foreach (int p in taken)
            {
                double term = 2 * PixelTangent(p);
                expected[Pixels * Inputs + p] += term;
                for (int k = 0; k < Inputs; k++) expected[p * Inputs + k] += term * x[k];
            }
            return expected;
        }

        var taken = Taken(biases, stride);
        var expected = Expected(taken);
        var gradient = new float[net.Parameters.Count];
        var hv = new float[net.Parameters.Count];
        float value = hvp(net, x, direction, gradient, hv);
        for (int i = 0; i < hv.Length; i++)
        {
            Assert.True(Math.Abs(hv[i] - expected[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"{layout}, stride {stride}: (H·v)[{i}] is {hv[i]}, the closed form of the inputs taken {expected[i]}");
        }
        Assert.Equal(layout == "NaN", float.IsNaN(value));

        // A test that can fail: taking the last of the tied maxima instead gives another H·v.
        var last = Expected(Taken(biases, stride, lastOfTies: true));
        Assert.True(last.Zip(expected, (a, b) => Math.Abs(a - b)).Max() > 1e-2, $"{layout}, stride {stride}: the layout does not tell the first of ties from the last");

        // The value and the gradient route through the same inputs: the Hvp's gradient is NameGradient's, bit for bit.
        net.Parameters.ZeroGradients();
        float gradientValue = gradientOf(net, x);
        Assert.Equal(gradientValue, value);
        Assert.Equal(net.Parameters.Gradients.ToArray(), gradient);
    }

    /// <summary>
    /// The pixel each 2×2 window takes, by the kernel's documented scan: row by row, a value replaces the best so far
    /// when it is greater or NaN (so the first of tied values stays, and NaN wins); or, to show a test that can fail,
    /// the last of tied values.
    /// </summary>
    private static List<int> Taken(float[] values, int stride, bool lastOfTies = false)
    {
        var taken = new List<int>();
        for (int ox = 0; ox + 2 <= Width; ox += stride)
        {
            float best = float.NegativeInfinity;
            int at = ox;
            foreach (int p in new[] { ox, ox + 1, Width + ox, Width + ox + 1 })
            {
                float v = values[p];
                if (v > best || float.IsNaN(v) || (lastOfTies && v == best))
                {
                    best = v;
                    at = p;
                }
            }
            taken.Add(at);
        }
        return taken;
    }

    // ---- The cases ------------------------------------------------------------------------------

    private static IEnumerable<Case> Cases(int seed)
    {
        var random = new Random(seed);
        {
            // ReLU as the brief's CNN has it: random conv biases keep the 108 pre-activations away from the kink at these
            // seeds (central differences across a kink would see a jump H·v does not have).
            var net = new HvpCnnNet(seed);
            var x = RandomVec(random, 64);
            int label = seed % 4;
            yield return new Case("HvpCnnNet.Loss (ReLU)", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            var net = new HvpTwoConvNet(seed);
            var x = RandomVec(random, 128);
            int label = seed % 3;
            yield return new Case("HvpTwoConvNet.Loss (padding, stride, Tanh)", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            var net = new HvpStemConvNet(seed);
            var x = RandomVec(random, 6);
            var y = RandomVec(random, 3);
            yield return new Case("HvpStemConvNet.Error (conv after dense, pointwise, overlapping pooling)", net, () => net.Error(x, y),
                () => net.ErrorGradient(x, y), (v, g, h) => net.ErrorHvp(x, y, v, g, h));
        }
        {
            // Evaluation mode: dropout is the identity, in the method, its gradient and its Hvp.
            var net = new HvpDropoutNet(0.4f, seed) { Training = false };
            var x = RandomVec(random, 5);
            int label = seed % 3;
            yield return new Case("HvpDropoutNet.Loss (evaluation, Tanh)", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            // Training mode: each call takes a random step, as the gradient does; replaying the step replays the masks, so
            // the Hvp and the gradient (and its central differences) see the same ones.
            var net = new HvpDropoutNet(0.4f, seed) { Training = true };
            var x = RandomVec(random, 5);
            int label = (seed + 1) % 3;
            long step = net.RandomStep;
            yield return new Case("HvpDropoutNet.Loss (training, Tanh)", net,
                () =>
                {
                    net.RandomStep = step;
                    using (net.BeginForward()) return net.Loss(x, label);
                },
                () =>
                {
                    net.RandomStep = step;
                    return net.LossGradient(x, label);
                },
                (v, g, h) =>
                {
                    net.RandomStep = step;
                    return net.LossHvp(x, label, v, g, h);
                });
        }
        {
            var net = new HvpConvDropoutNet(0.3f, seed) { Training = true };
            var x = RandomVec(random, 36);
            int label = seed % 3;
            long step = net.RandomStep;
            yield return new Case("HvpConvDropoutNet.Loss (training, Tanh)", net,
                () =>
                {
                    net.RandomStep = step;
                    using (net.BeginForward()) return net.Loss(x, label);
                },
                () =>
                {
                    net.RandomStep = step;
                    return net.LossGradient(x, label);
                },
                (v, g, h) =>
                {
                    net.RandomStep = step;
                    return net.LossHvp(x, label, v, g, h);
                });
        }
        {
            // Evaluation mode: batch norm of vectors with the running statistics (in training mode one sample has none; see above).
            var net = new HvpBatchNormNet(seed) { Training = false };
            var x = RandomVec(random, 4);
            int label = seed % 3;
            yield return new Case("HvpBatchNormNet.Loss (evaluation, Tanh)", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            var net = new HvpConvBatchNormNet(seed) { Training = false };
            var x = RandomVec(random, 36);
            int label = (seed + 2) % 3;
            yield return new Case("HvpConvBatchNormNet.Loss (evaluation, BatchNorm2d, Tanh)", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            // Training mode: the statistics of the sample's positions, and dropout's masks replayed at one step. The method
            // itself refuses training-mode batch norm of one sample; the batched method on that one sample is its loss.
            var net = new HvpConvBatchNormNet(seed) { Training = true };
            var x = RandomVec(random, 36);
            int label = (seed + 1) % 3;
            long step = 29 + seed;
            yield return new Case("HvpConvBatchNormNet.Loss (training, BatchNorm2d, dropout, Tanh)", net,
                () =>
                {
                    net.RandomStep = step;
                    return net.LossBatch(ModelJvpTests.OneRow(x), [label]);
                },
                () =>
                {
                    net.RandomStep = step;
                    return net.LossGradient(x, label);
                },
                (v, g, h) =>
                {
                    net.RandomStep = step;
                    return net.LossHvp(x, label, v, g, h);
                });
        }
        {
            var net = new TrainingConvNormNet(seed) { Training = true };
            var x = RandomVec(random, 72);
            int label = seed % 3;
            yield return new Case("TrainingConvNormNet.Loss (training, BatchNorm2d, Tanh)", net, () => net.LossBatch(ModelJvpTests.OneRow(x), [label]), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            var net = new TrainingConvNormPoolNet(seed) { Training = true };
            var x = RandomVec(random, 64);
            int label = (seed + 2) % 3;
            yield return new Case("TrainingConvNormPoolNet.Loss (training, BatchNorm2d, ReLU, pool)", net, () => net.LossBatch(ModelJvpTests.OneRow(x), [label]), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
    }

    /// <summary>(∇L(p + h·v) − ∇L(p − h·v)) / 2h from the generated gradient, the model's <c>Parameters.Values</c> moved in place, then restored.</summary>
    private static double[] GradientDifference(Case c, float[] v, float h)
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

    private static float[] Zeros(Case c) => new float[c.Model.Parameters.Count];

    private static float[] RandomDirection(Model model, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, model.Parameters.Count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static Vec RandomVec(Random random, int n) => new(Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
}
