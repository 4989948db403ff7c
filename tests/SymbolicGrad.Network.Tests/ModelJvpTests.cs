using SymbolicGrad.Network.Tests.Checking;
using SymbolicGrad.Network.Tests.Models.Composed;
using SymbolicGrad.Network.Tests.Models.Forward;
using SymbolicGrad.Network.Tests.Models.LayerLoops;
using SymbolicGrad.Network.Tests.Models.Layers;
using SymbolicGrad.Network.Tests.Models.SecondOrder;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// <c>NameJvp</c> of model methods, per sample, along a direction over all the model's parameters (laid out like
/// <c>Parameters.Values</c>): the tangent against central differences of the loss with <c>Parameters.Values</c> moved
/// along the direction, against the generated gradient (in <c>Parameters.Gradients</c>) dotted with the direction, the
/// value against the method and the gradient's value, the direction's length checked, no allocation once warm, and two
/// threads on one model at once.
/// </summary>
public sealed class ModelJvpTests
{
    private const int In = 6, Hidden = 5, Classes = 4;

    /// <summary>One model method under test: the plain method, its Jvp, and its generated gradient, for one fixed sample.</summary>
    private sealed record Case(
        string Name,
        Model Model,
        Func<float> Loss,
        Func<float[], (float Value, float Tangent)> Jvp,
        Func<float> Gradient);

    public static TheoryData<string> Names => new(Cases(1).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Jvp_matches_central_differences_of_the_loss_along_a_random_direction(string name)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var c = Cases(seed).Single(x => x.Name == name);
            var direction = RandomDirection(c.Model, seed + 100);
            var (value, tangent) = c.Jvp(direction);
            double estimate = CentralDifference(c, direction, 1e-3f);
            Assert.True(Math.Abs(tangent - estimate) <= 5e-3 * (1 + Math.Abs(estimate)),
                $"{name} (seed {seed}): Jvp {tangent}, central differences {estimate}");
            Assert.True(Math.Abs(estimate) > 1e-3, $"{name} (seed {seed}): a flat direction tests nothing");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Jvp_equals_the_gradient_in_Parameters_Gradients_dotted_with_the_direction(string name)
    {
        var c = Cases(7).Single(x => x.Name == name);
        var direction = RandomDirection(c.Model, 77);
        c.Model.Parameters.ZeroGradients();
        float value = c.Gradient();
        var gradient = c.Model.Parameters.Gradients.ToArray();
        var (jvpValue, tangent) = c.Jvp(direction);
        Assert.Equal(value, jvpValue);
        double dot = 0, scale = 0;
        for (int i = 0; i < gradient.Length; i++)
        {
            dot += (double)gradient[i] * direction[i];
            scale += Math.Abs((double)gradient[i] * direction[i]);
        }
        Assert.True(scale > 0, name + ": a zero gradient tests nothing");
        Assert.True(Math.Abs(tangent - dot) <= 1e-5 * scale, $"{name}: Jvp {tangent}, gradient·direction {dot}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Jvp_value_is_the_methods_value_bit_for_bit(string name)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var c = Cases(seed).Single(x => x.Name == name);
            var (value, _) = c.Jvp(RandomDirection(c.Model, seed));
            // The generated forward pass, which the gradient runs too, bit for bit.
            c.Model.Parameters.ZeroGradients();
            Assert.Equal(c.Gradient(), value);
            float plain = c.Loss();
            if (!name.Contains("Tanh")) Assert.Equal(plain, value);
            // Ops.Tanh is TensorPrimitives.Tanh, whose vector lanes may round an ulp apart from the generated code's
            // MathF.Tanh (as for the gradient's value; ForwardTests): there the method's value to 1e-6, relative.
            else Assert.True(Math.Abs(value - plain) <= 1e-6 * Math.Abs(plain), $"{name}: Jvp {value}, method {plain}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_direction_of_the_wrong_length_is_an_ArgumentException_naming_it(string name)
    {
        var c = Cases(3).Single(x => x.Name == name);
        int count = c.Model.Parameters.Count;
        foreach (int length in new[] { 0, count - 1, count + 1 })
        {
            var error = Assert.Throws<ArgumentException>(() => c.Jvp(new float[length]));
            Assert.Equal("direction", error.ParamName);
            Assert.Contains(count.ToString(), error.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_zero_direction_gives_a_zero_tangent_and_NaN_in_the_direction_shows(string name)
    {
        var c = Cases(4).Single(x => x.Name == name);
        var direction = new float[c.Model.Parameters.Count];
        Assert.Equal(0f, c.Jvp(direction).Tangent);
        direction[^1] = float.NaN;
        Assert.True(float.IsNaN(c.Jvp(direction).Tangent), name + ": a NaN in the last weight's tangent disappeared");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Jvp_allocates_nothing_once_warm(string name)
    {
        var c = Cases(5).Single(x => x.Name == name);
        var direction = RandomDirection(c.Model, 5);
        c.Jvp(direction);
        c.Jvp(direction);
        long Allocated()
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 100; k++) c.Jvp(direction);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        // The runtime's own work (tiering up under load) can show once; the generated code's would show every time.
        long allocated = Allocated();
        if (allocated != 0) allocated = Allocated();
        Assert.True(allocated == 0, $"{c.Name}Jvp allocates {allocated} bytes per 100 calls");
    }

    [Fact]
    public void Two_threads_calling_one_models_Jvp_at_once_get_the_sequential_results()
    {
        const int Threads = 2, Calls = 300;
        var net = new DigitNet(In, Hidden, Classes, seed: 3);
        var random = new Random(11);
        var inputs = Enumerable.Range(0, 16).Select(_ => RandomVec(random, In)).ToArray();
        var directions = Enumerable.Range(0, 4).Select(k => RandomDirection(net, 40 + k)).ToArray();
        float Call(int t, int j) => net.LossJvp(inputs[(t * 5 + j) % inputs.Length], (t + j) % Classes, directions[(t + j) % directions.Length], out float tangent) + 1000f * tangent;
        Concurrently.AssertSameAsSequential(Threads, Calls, Call);
    }

    [Fact]
    public void The_direction_of_a_weight_is_its_slice_at_its_offset_in_the_store()
    {
        // Only b2 moves (the last Vector DigitNet makes): ∂L/∂b2 = softmax(logits) − onehot(label), so the tangent is
        // the direction dotted with that, read from the generated gradient's b2 slice.
        var net = new DigitNet(In, Hidden, Classes, seed: 9);
        var x = RandomVec(new Random(9), In);
        net.Parameters.ZeroGradients();
        net.LossGradient(x, 2);
        int count = net.Parameters.Count;
        var direction = new float[count];
        double expected = 0;
        for (int i = count - Classes; i < count; i++)
        {
            direction[i] = i - count + 1.5f;
            expected += direction[i] * net.Parameters.Gradients[i];
        }
        net.LossJvp(x, 2, direction, out float tangent);
        Assert.True(Math.Abs(tangent - expected) <= 1e-6, $"Jvp {tangent}, ∂L/∂b2·direction {expected}");
    }

    [Fact]
    public void A_weight_outside_the_parameter_store_is_an_InvalidOperationException_naming_it()
    {
        var net = new JvpOddNames(In, 1);
        var error = Assert.Throws<InvalidOperationException>(() => net.OutsideJvp(RandomVec(new Random(1), In), new float[net.Parameters.Count], out _));
        Assert.Contains("outside is not a view into Parameters", error.Message);
    }

    [Fact]
    public void Two_threads_calling_a_layer_loop_models_Jvp_at_once_get_the_sequential_results()
    {
        const int Threads = 2, Calls = 300;
        var net = new JvpLayerLoopNet([In, 7, Hidden, Classes], seed: 3);
        var random = new Random(12);
        var inputs = Enumerable.Range(0, 16).Select(_ => RandomVec(random, In)).ToArray();
        var directions = Enumerable.Range(0, 4).Select(k => RandomDirection(net, 50 + k)).ToArray();
        float Call(int t, int j) => net.LossJvp(inputs[(t * 5 + j) % inputs.Length], (t + j) % Classes, directions[(t + j) % directions.Length], out float tangent) + 1000f * tangent;
        Concurrently.AssertSameAsSequential(Threads, Calls, Call);
    }

    [Fact]
    public void A_layer_weight_outside_the_parameter_store_is_an_InvalidOperationException_naming_its_layer()
    {
        var net = new JvpLayerLoopNet([In, Hidden, Classes], seed: 1);
        var field = typeof(JvpLayerLoopNet).GetField("W", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var layers = (Mat[])field.GetValue(net)!;
        layers[1] = new Mat(Classes, Hidden);
        var error = Assert.Throws<InvalidOperationException>(() => net.LossJvp(RandomVec(new Random(1), In), 0, new float[net.Parameters.Count], out _));
        Assert.Contains("W[1] is not a view into Parameters", error.Message);
    }

    [Fact]
    public void A_layer_loop_with_no_layer_is_an_ArgumentException_before_the_last_layer_is_read()
    {
        // The per-sample Jvp reads the last layer's rows for the label check: an empty W must say so, not index out of range.
        var net = new JvpLayerLoopNet([In], seed: 1);
        var error = Assert.Throws<ArgumentException>(() => net.LossJvp(RandomVec(new Random(1), In), 0, new float[net.Parameters.Count], out _));
        Assert.Contains("LossJvp: the loop over W has no layer to run: W is empty", error.Message);
    }

    [Fact]
    public void A_training_mode_Jvp_with_dropout_takes_one_random_step_as_the_gradient_does()
    {
        var net = new JvpDropoutNet(0.5f, 4) { Training = true };
        var x = RandomVec(new Random(4), 5);
        var direction = RandomDirection(net, 4);
        long before = net.RandomStep;
        float first = net.LossJvp(x, 1, direction, out float firstTangent);
        Assert.Equal(before + 1, net.RandomStep);
        // Another step draws other masks (with p = 0.5 over 13 elements, the same ones are a 1 in 8192 chance).
        float second = net.LossJvp(x, 1, direction, out float secondTangent);
        Assert.NotEqual((first, firstTangent), (second, secondTangent));
        net.RandomStep = before;
        Assert.Equal(first, net.LossJvp(x, 1, direction, out float replayed));
        Assert.Equal(firstTangent, replayed);
    }

    [Fact]
    public void A_Jvp_through_a_vectors_batch_norm_in_training_mode_is_the_ArgumentException_the_gradient_throws()
    {
        // One sample has one value per feature: no batch statistics. The gradient refuses it; so does the Jvp, alike.
        var net = new JvpBatchNormNet(5) { Training = true };
        var x = RandomVec(new Random(5), 4);
        var state = net.Parameters.State.ToArray();
        var expected = Assert.Throws<ArgumentException>(() => net.LossGradient(x, 0));
        var error = Assert.Throws<ArgumentException>(() => net.LossJvp(x, 0, RandomDirection(net, 5), out _));
        Assert.Equal(expected.Message, error.Message);
        Assert.Contains("no batch statistics", error.Message);
        // Refused before any statistic moved.
        Assert.Equal(state, net.Parameters.State.ToArray());
        net.Training = false;
        Assert.True(float.IsFinite(net.LossJvp(x, 0, RandomDirection(net, 5), out float tangent)) && float.IsFinite(tangent));
    }

    [Fact]
    public void A_training_mode_Jvp_through_an_images_batch_norm_updates_the_running_statistics_once_as_the_gradient_does()
    {
        var net = new TrainingConvNormPoolNet(3) { Training = true };
        var x = RandomVec(new Random(3), 64);
        var before = net.Parameters.State.ToArray();
        net.LossGradient(x, 1);
        var afterGradient = net.Parameters.State.ToArray();
        Assert.NotEqual(before, afterGradient);
        before.CopyTo(net.Parameters.State);
        net.LossJvp(x, 1, RandomDirection(net, 3), out float tangent);
        Assert.Equal(afterGradient, net.Parameters.State.ToArray());
        // Through the sample's statistics, not the running ones: evaluation mode gives another tangent.
        before.CopyTo(net.Parameters.State);
        net.Training = false;
        net.LossJvp(x, 1, RandomDirection(net, 3), out float evaluation);
        Assert.Equal(before, net.Parameters.State.ToArray());
        Assert.True(Math.Abs(tangent - evaluation) > 1e-3 * (1 + Math.Abs(tangent)), $"training {tangent}, evaluation {evaluation}");
    }

    [Fact]
    public void Two_threads_calling_a_training_mode_batch_norm_CNNs_Jvp_at_once_get_the_sequential_results()
    {
        const int Threads = 2, Calls = 200;
        var net = new TrainingConvNormPoolNet(seed: 2) { Training = true };
        var random = new Random(17);
        var inputs = Enumerable.Range(0, 16).Select(_ => RandomVec(random, 64)).ToArray();
        var directions = Enumerable.Range(0, 4).Select(k => RandomDirection(net, 70 + k)).ToArray();
        float Call(int t, int j) => net.LossJvp(inputs[(t * 5 + j) % inputs.Length], (t + j) % 3, directions[(t + j) % directions.Length], out float tangent) + 1000f * tangent;
        Concurrently.AssertSameAsSequential(Threads, Calls, Call);
    }

    [Fact]
    public void Two_threads_calling_a_CNNs_Jvp_at_once_get_the_sequential_results()
    {
        const int Threads = 2, Calls = 200;
        var net = new TwoConvNet(seed: 3);
        var random = new Random(13);
        var inputs = Enumerable.Range(0, 16).Select(_ => RandomVec(random, 2 * 8 * 8)).ToArray();
        var directions = Enumerable.Range(0, 4).Select(k => RandomDirection(net, 60 + k)).ToArray();
        float Call(int t, int j) => net.LossJvp(inputs[(t * 5 + j) % inputs.Length], (t + j) % 3, directions[(t + j) % directions.Length], out float tangent) + 1000f * tangent;
        Concurrently.AssertSameAsSequential(Threads, Calls, Call);
    }

    // ---- The cases ------------------------------------------------------------------------------

    private static IEnumerable<Case> Cases(int seed)
    {
        var random = new Random(seed);
        {
            var net = new DigitNet(In, Hidden, Classes, seed);
            // DigitNet starts with zero biases; random ones keep ReLU kinks away from the sample.
            Perturb(net, random);
            var x = RandomVec(random, In);
            int label = seed % Classes;
            yield return new Case("DigitNet.Loss", net, () => net.Loss(x, label),
                d => (net.LossJvp(x, label, d, out float t), t), () => net.LossGradient(x, label));
        }
        {
            var net = new JvpTwoLayerNet(In, Hidden, Classes, seed);
            var x = RandomVec(random, In);
            int label = (seed + 1) % Classes;
            yield return new Case("JvpTwoLayerNet.Loss", net, () => net.Loss(x, label),
                d => (net.LossJvp(x, label, d, out float t), t), () => net.LossGradient(x, label));
        }
        {
            var net = new JvpRegressionNet(In, Hidden, Classes, seed);
            var x = RandomVec(random, In);
            var y = new Vec(Enumerable.Range(0, Classes).Select(_ => (float)random.NextDouble()).ToArray());
            yield return new Case("JvpRegressionNet.Error (Tanh)", net, () => net.Error(x, y),
                d => (net.ErrorJvp(x, y, d, out float t), t), () => net.ErrorGradient(x, y));
        }
        {
            var net = new JvpOddNames(In, seed);
            var x = RandomVec(random, In);
            var w = RandomVec(random, 3);
            yield return new Case("JvpOddNames.Loss (Tanh)", net, () => net.Loss(x, w),
                d => (net.LossJvp(x, w, d, out float t), t), () => net.LossGradient(x, w));
        }
        // Loops over layers from the data: 1, 2 and 3 layers, ReLU chosen by a condition on the counter (one layer: the
        // first layer's Jvp from the data is also the last).
        foreach (var sizes in new[] { new[] { In, Classes }, new[] { In, Hidden, Classes }, new[] { In, 7, Hidden, Classes } })
        {
            var net = new JvpLayerLoopNet(sizes, seed);
            var x = RandomVec(random, In);
            int label = seed % Classes;
            yield return new Case($"JvpLayerLoopNet{sizes.Length - 1}.Loss", net, () => net.Loss(x, label),
                d => (net.LossJvp(x, label, d, out float t), t), () => net.LossGradient(x, label));
        }
        // Two conditions on the counter: each layer runs the form of the first, the second stays a select (tanh or sigmoid).
        foreach (var sizes in new[] { new[] { In, Classes }, new[] { In, Hidden, 7, 6, Classes } })
        {
            var net = new AlternatingLoopNet(sizes, seed);
            var x = RandomVec(random, In);
            int label = (seed + 1) % Classes;
            yield return new Case($"AlternatingLoopNet{sizes.Length - 1}.Loss (Tanh, sigmoid)", net, () => net.Loss(x, label),
                d => (net.LossJvp(x, label, d, out float t), t), () => net.LossGradient(x, label));
        }
        {
            var net = new JvpStemLoopNet(2, seed);
            var x = RandomVec(random, 5);
            var y = RandomVec(random, 3);
            yield return new Case("JvpStemLoopNet.Error (Tanh)", net, () => net.Error(x, y),
                d => (net.ErrorJvp(x, y, d, out float t), t), () => net.ErrorGradient(x, y));
        }
        {
            var net = new JvpLayerOddNames(seed);
            var x = RandomVec(random, 4);
            int label = (seed + 2) % 3;
            yield return new Case("JvpLayerOddNames.Loss (Tanh)", net, () => net.Loss(x, label),
                d => (net.LossJvp(x, label, d, out float t), t), () => net.LossGradient(x, label));
        }
        {
            // Evaluation mode: dropout is the identity, in the method and in its Jvp.
            var net = new JvpDropoutNet(0.4f, seed) { Training = false };
            var x = RandomVec(random, 5);
            int label = seed % 3;
            yield return new Case("JvpDropoutNet.Loss (evaluation, Tanh)", net, () => net.Loss(x, label),
                d => (net.LossJvp(x, label, d, out float t), t), () => net.LossGradient(x, label));
        }
        {
            // Training mode: each call takes a random step, as the gradient does; replaying the step replays the masks, so
            // the Jvp differentiates the method run under BeginForward at the same step (and matches the gradient there).
            var net = new JvpDropoutNet(0.4f, seed) { Training = true };
            var x = RandomVec(random, 5);
            int label = seed % 3;
            long step = 17 + seed;
            yield return new Case("JvpDropoutNet.Loss (training, Tanh)", net,
                () =>
                {
                    net.RandomStep = step;
                    using (net.BeginForward()) return net.Loss(x, label);
                },
                d =>
                {
                    net.RandomStep = step;
                    return (net.LossJvp(x, label, d, out float t), t);
                },
                () =>
                {
                    net.RandomStep = step;
                    return net.LossGradient(x, label);
                });
        }
        {
            // Evaluation mode: batch norm of vectors with the running statistics (in training mode one sample has none; see above).
            var net = new JvpBatchNormNet(seed) { Training = false };
            var x = RandomVec(random, 4);
            int label = seed % 3;
            yield return new Case("JvpBatchNormNet.Loss (evaluation, Tanh)", net, () => net.Loss(x, label),
                d => (net.LossJvp(x, label, d, out float t), t), () => net.LossGradient(x, label));
        }
        foreach (var c in ConvolutionCases(seed, random)) yield return c;
        foreach (var c in TrainingNormCases(seed, random)) yield return c;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_methods_own_training_mode_value_is_the_one_its_Jvp_differentiates(int seed)
    {
        var random = new Random(seed);
        var net = new TrainingConvNormPoolNet(seed) { Training = true };
        var x = RandomVec(random, 64);
        int label = seed % 3;

        float own = net.Loss(x, label);
        float jvp = net.LossJvp(x, label, new float[net.Parameters.Count], out float tangent);

        Assert.True(Math.Abs(own - jvp) <= 1e-5 * Math.Max(1, Math.Abs(jvp)), $"Loss {own} against LossJvp {jvp}");
        Assert.Equal(0f, tangent);
    }

    /// <summary>
    /// Batch norm of a convolution's channels in training mode: the statistics of the sample's positions, differentiated
    /// through. The loss here is the generated batched method on a batch of that one sample, which agrees with
    /// <c>NameGradient</c>'s value bit for bit; the method itself (its reference <c>Ops.BatchNorm</c>, the sample's own
    /// statistics too) agrees to rounding: <see cref="The_methods_own_training_mode_value_is_the_one_its_Jvp_differentiates"/>.
    /// </summary>
    private static IEnumerable<Case> TrainingNormCases(int seed, Random random)
    {
        {
            var net = new TrainingConvNormNet(seed) { Training = true };
            var x = RandomVec(random, 72);
            int label = seed % 3;
            yield return new Case("TrainingConvNormNet.Loss (training, BatchNorm2d, Tanh)", net, () => net.LossBatch(OneRow(x), [label]),
                d => (net.LossJvp(x, label, d, out float t), t), () => net.LossGradient(x, label));
        }
        {
            var net = new TrainingConvNormPoolNet(seed) { Training = true };
            var x = RandomVec(random, 64);
            int label = (seed + 1) % 3;
            yield return new Case("TrainingConvNormPoolNet.Loss (training, BatchNorm2d, ReLU, pool)", net, () => net.LossBatch(OneRow(x), [label]),
                d => (net.LossJvp(x, label, d, out float t), t), () => net.LossGradient(x, label));
        }
    }

    /// <summary>
    /// Convolution and max pooling: a small CNN whose convolution reads the data (no conv(tx, W) term), two convolutions
    /// (the second strided and padded, reading the first's output), a convolution of a dense layer's output with a
    /// padded 4×4 kernel, a pointwise one and overlapping pooling, and a stride-3 convolution.
    /// </summary>
    private static IEnumerable<Case> ConvolutionCases(int seed, Random random)
    {
        {
            var net = new CnnNet(seed);
            var x = RandomVec(random, 64);
            int label = seed % 4;
            yield return new Case("CnnNet.Loss", net, () => net.Loss(x, label),
                d => (net.LossJvp(x, label, d, out float t), t), () => net.LossGradient(x, label));
        }
        {
            var net = new TwoConvNet(seed);
            var x = RandomVec(random, 2 * 8 * 8);
            int label = (seed + 1) % 3;
            yield return new Case("TwoConvNet.Loss (Tanh)", net, () => net.Loss(x, label),
                d => (net.LossJvp(x, label, d, out float t), t), () => net.LossGradient(x, label));
        }
        {
            var net = new StemConvNet(seed);
            var x = RandomVec(random, 6);
            var y = RandomVec(random, 3);
            yield return new Case("StemConvNet.Error (Tanh)", net, () => net.Error(x, y),
                d => (net.ErrorJvp(x, y, d, out float t), t), () => net.ErrorGradient(x, y));
        }
        {
            var net = new JvpStridedConvNet(seed);
            var x = RandomVec(random, 81);
            int label = (seed + 2) % 3;
            yield return new Case("JvpStridedConvNet.Loss (Tanh)", net, () => net.Loss(x, label),
                d => (net.LossJvp(x, label, d, out float t), t), () => net.LossGradient(x, label));
        }
    }

    /// <summary>(L(p + h·d) − L(p − h·d)) / 2h with the model's <c>Parameters.Values</c> moved in place, then restored.</summary>
    private static double CentralDifference(Case c, float[] direction, float h)
    {
        var store = c.Model.Parameters;
        var saved = store.Values.ToArray();
        void Move(float step)
        {
            var values = store.Values;
            for (int i = 0; i < saved.Length; i++) values[i] = saved[i] + step * direction[i];
        }
        Move(h);
        double plus = c.Loss();
        Move(-h);
        double minus = c.Loss();
        saved.CopyTo(store.Values);
        return (plus - minus) / (2 * h);
    }

    private static void Perturb(Model model, Random random)
    {
        var values = model.Parameters.Values;
        for (int i = 0; i < values.Length; i++) values[i] += (float)(random.NextDouble() - 0.5) * 0.2f;
    }

    private static float[] RandomDirection(Model model, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, model.Parameters.Count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>A batch of one sample: the row <paramref name="x"/>.</summary>
    internal static Mat OneRow(Vec x)
    {
        var row = new Mat(1, x.Length);
        for (int j = 0; j < x.Length; j++) row[0, j] = x[j];
        return row;
    }

    private static Vec RandomVec(Random random, int n) => new(Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
}
