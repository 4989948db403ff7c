using SymbolicGrad.Network.Tests.Checking;
using SymbolicGrad.Network.Tests.Models.Layers;
using SymbolicGrad.Network.Tests.Models.SecondOrder;
using static SymbolicGrad.Network.Tests.Checking.HvpChecks;

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
    // In training mode a case replays one random step, so that the method, its gradient and its Hvp draw the same dropout masks.
    public static TheoryData<string> Names => new(Cases(1).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_matches_central_differences_of_the_generated_gradient_along_v(string name)
    {
        for (int seed = 1; seed <= 3; seed++) HvpChecks.MatchesCentralDifferencesOfTheGradient(Cases(seed).Single(x => x.Name == name), seed);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_adds_the_gradient_NameGradient_adds_and_returns_its_value_bit_for_bit(string name)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var c = Cases(seed).Single(x => x.Name == name);
            float value = HvpChecks.AddsTheGradientBitForBit(c, seed);
            float plain = c.Loss();
            Assert.True(Math.Abs(value - plain) <= 1e-6 * Math.Abs(plain), $"{name}: Hvp {value}, method {plain}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_Hessian_is_symmetric_uT_H_v_equals_vT_H_u(string name)
    {
        for (int seed = 1; seed <= 3; seed++) HvpChecks.IsSymmetric(Cases(seed).Single(x => x.Name == name), seed);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_buffer_of_the_wrong_length_is_an_ArgumentException_naming_it(string name) =>
        HvpChecks.RefusesBuffersOfTheWrongLength(Cases(3).Single(x => x.Name == name));

    [Theory]
    [MemberData(nameof(Names))]
    public void A_zero_direction_gives_zero_hv_and_NaN_in_the_direction_shows(string name)
    {
        var c = Cases(4).Single(x => x.Name == name);
        HvpChecks.ZeroDirectionGivesZeroAndTheLastWeightsNaNShows(c);
        // A NaN in the first convolution's (or layer's) first weight's tangent reaches H·v too, through the backward pass.
        var v = Zeros(c);
        v[0] = float.NaN;
        var hv = Zeros(c);
        c.Hvp(v, Zeros(c), hv);
        Assert.Contains(hv, float.IsNaN);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_allocates_nothing_once_warm(string name) => HvpChecks.AllocatesNothingOnceWarm(Cases(5).Single(x => x.Name == name), 5);

    [Fact]
    public void Two_threads_calling_one_CNNs_Hvp_at_once_get_the_sequential_results()
    {
        const int Threads = 2, Calls = 100;
        var net = new TwoConvNet(3);
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

    private static IEnumerable<HvpCase> Cases(int seed)
    {
        var random = new Random(seed);
        {
            // ReLU as the brief's CNN has it: random conv biases keep the 108 pre-activations away from the kink at these
            // seeds (central differences across a kink would see a jump H·v does not have).
            var net = new CnnNet(seed);
            var x = RandomVec(random, 64);
            int label = seed % 4;
            yield return new HvpCase("CnnNet.Loss (ReLU)", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            var net = new TwoConvNet(seed);
            var x = RandomVec(random, 128);
            int label = seed % 3;
            yield return new HvpCase("TwoConvNet.Loss (padding, stride, Tanh)", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            var net = new StemConvNet(seed);
            var x = RandomVec(random, 6);
            var y = RandomVec(random, 3);
            yield return new HvpCase("StemConvNet.Error (conv after dense, pointwise, overlapping pooling)", net, () => net.Error(x, y),
                () => net.ErrorGradient(x, y), (v, g, h) => net.ErrorHvp(x, y, v, g, h));
        }
        {
            // Evaluation mode: dropout is the identity, in the method, its gradient and its Hvp.
            var net = new HvpDropoutNet(0.4f, seed) { Training = false };
            var x = RandomVec(random, 5);
            int label = seed % 3;
            yield return new HvpCase("HvpDropoutNet.Loss (evaluation, Tanh)", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            // Training mode: each call takes a random step, as the gradient does; replaying the step replays the masks, so
            // the Hvp and the gradient (and its central differences) see the same ones.
            var net = new HvpDropoutNet(0.4f, seed) { Training = true };
            var x = RandomVec(random, 5);
            int label = (seed + 1) % 3;
            long step = net.RandomStep;
            yield return new HvpCase("HvpDropoutNet.Loss (training, Tanh)", net,
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
            yield return new HvpCase("HvpConvDropoutNet.Loss (training, Tanh)", net,
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
            yield return new HvpCase("HvpBatchNormNet.Loss (evaluation, Tanh)", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            var net = new HvpConvBatchNormNet(seed) { Training = false };
            var x = RandomVec(random, 36);
            int label = (seed + 2) % 3;
            yield return new HvpCase("HvpConvBatchNormNet.Loss (evaluation, BatchNorm2d, Tanh)", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            // Training mode: the statistics of the sample's positions, and dropout's masks replayed at one step. The method
            // itself refuses training-mode batch norm of one sample; the batched method on that one sample is its loss.
            var net = new HvpConvBatchNormNet(seed) { Training = true };
            var x = RandomVec(random, 36);
            int label = (seed + 1) % 3;
            long step = 29 + seed;
            yield return new HvpCase("HvpConvBatchNormNet.Loss (training, BatchNorm2d, dropout, Tanh)", net,
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
            yield return new HvpCase("TrainingConvNormNet.Loss (training, BatchNorm2d, Tanh)", net, () => net.LossBatch(ModelJvpTests.OneRow(x), [label]), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            var net = new TrainingConvNormPoolNet(seed) { Training = true };
            var x = RandomVec(random, 64);
            int label = (seed + 2) % 3;
            yield return new HvpCase("TrainingConvNormPoolNet.Loss (training, BatchNorm2d, ReLU, pool)", net, () => net.LossBatch(ModelJvpTests.OneRow(x), [label]), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
    }
}
