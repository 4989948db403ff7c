using SymbolicGrad.Network.Tests.Models.CustomLayers;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// Custom layers (functions returning a Vec with a pullback rule) in generated code: the gradient is the rule's, not
/// the function's own (a straight-through estimator through a sign, whose true derivative is zero), per sample and per
/// batch. Finite differences, batches, threads and allocations of SwishNet and DenseNet are checked with the catalogue.
/// </summary>
public sealed class CustomLayerTests
{
    [Fact]
    public void A_straight_through_rule_is_the_gradient_exactly()
    {
        var net = new BinaryNet(seed: 3);
        var x = new Vec([0.5f, -1.25f, 2f]);
        net.Parameters.ZeroGradients();

        float score = net.ScoreGradient(x);

        Assert.Equal(net.Score(x), score);
        Vec z = net.W * x + net.b;
        Mat dW = net.Parameters.GradientOf(net.W);
        Vec dB = net.Parameters.GradientOf(net.b), dV = net.Parameters.GradientOf(net.v);
        for (int i = 0; i < z.Length; i++)
        {
            // The rule passes ∂L/∂sign = v through unchanged: ∂/∂b = v and ∂/∂W = v·xᵀ, where sign's own derivative is 0.
            Assert.NotEqual(0f, net.v[i]);
            Assert.Equal(net.v[i], dB[i]);
            Assert.Equal(MathF.Sign(z[i]), dV[i]);
            for (int j = 0; j < x.Length; j++) Assert.Equal(net.v[i] * x[j], dW[i, j]);
        }
    }

    [Fact]
    public void A_scalar_rule_on_a_value_of_vectors_is_the_gradient_exactly()
    {
        var net = new RoundNet(seed: 2);
        var x = new Vec([0.5f, -1.25f, 2f]);
        net.Parameters.ZeroGradients();

        float score = net.ScoreGradient(x);

        Assert.Equal(net.Score(x), score);
        Vec dV = net.Parameters.GradientOf(net.v);
        // ∂/∂v = 2·x by the straight-through rule of the rounding (whose own derivative is 0).
        for (int j = 0; j < x.Length; j++) Assert.Equal(2f * x[j], dV[j]);
    }

    [Fact]
    public void A_straight_through_rule_is_the_gradient_of_a_batch()
    {
        var net = new BinaryNet(seed: 4);
        var x = new Mat([0.5f, -1.25f, 2f, -0.75f, 0.25f, 1.5f, 1f, 1f, -3f], 3, 3);
        net.Parameters.ZeroGradients();

        float mean = net.ScoreGradientBatch(x);

        Assert.Equal((net.Score(x.Row(0)) + net.Score(x.Row(1)) + net.Score(x.Row(2))) / 3f, mean, 6);
        Mat dW = net.Parameters.GradientOf(net.W);
        Vec dB = net.Parameters.GradientOf(net.b);
        for (int i = 0; i < net.W.Rows; i++)
        {
            Assert.Equal(net.v[i], dB[i], 6);
            for (int j = 0; j < net.W.Cols; j++)
            {
                float expected = net.v[i] * (x[0, j] + x[1, j] + x[2, j]) / 3f;
                Assert.True(MathF.Abs(expected - dW[i, j]) <= 1e-6f * (1f + MathF.Abs(expected)), $"dW[{i}, {j}] = {dW[i, j]}, the rule gives {expected}");
            }
        }
    }

    [Fact]
    public void A_model_with_custom_dense_layers_learns_with_the_trainer()
    {
        // Four classes of points around ±1 on the first two features: learnable by two dense layers.
        var random = new Random(21);
        const int count = 240;
        var features = new float[count * 4];
        var labels = new int[count];
        for (int r = 0; r < count; r++)
        {
            labels[r] = random.Next(3);
            for (int j = 0; j < 4; j++) features[r * 4 + j] = (float)(random.NextDouble() - 0.5) + (j == labels[r] ? 1.5f : 0f);
        }
        var net = new DenseNet(seed: 1);
        var trainer = new Trainer(net, new Momentum(0.1f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent, Seed = 3 });

        var history = trainer.Fit(new Dataset(features, 4, labels, 3), epochs: 8, batchSize: 16);

        Assert.True(history.Epochs[^1].TrainLoss < 0.5 * history.Epochs[0].TrainLoss,
            $"train loss {history.Epochs[0].TrainLoss} → {history.Epochs[^1].TrainLoss}");
    }

    [Fact]
    public void A_function_of_vectors_through_custom_layers_matches_finite_differences()
    {
        var random = new Random(12);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var W = new Mat(Random(12), 3, 4);
        var b = new Vec(Random(3));
        var x = new Vec(Random(4));
        var (dW, dB, dX) = (new Mat(3, 4), new Vec(3), new Vec(4));

        float energy = LayerFunction.EnergyGradient(W, b, x, dW, dB, dX);

        Assert.Equal(LayerFunction.Energy(W, b, x), energy);
        foreach (var (values, gradient) in new[] { (W.Span.ToArray(), dW.Span.ToArray()), (b.Span.ToArray(), dB.Span.ToArray()), (x.Span.ToArray(), dX.Span.ToArray()) })
        {
            Assert.Contains(gradient, g => g != 0f);
        }
        AssertMatchesFiniteDifferences(W.Span, dW.Span, () => LayerFunction.Energy(W, b, x), "dW");
        AssertMatchesFiniteDifferences(b.Span, dB.Span, () => LayerFunction.Energy(W, b, x), "dB");
        AssertMatchesFiniteDifferences(x.Span, dX.Span, () => LayerFunction.Energy(W, b, x), "dX");
    }

    private static void AssertMatchesFiniteDifferences(Span<float> values, Span<float> gradient, Func<float> f, string what)
    {
        const float h = 1e-2f;
        for (int k = 0; k < values.Length; k++)
        {
            float saved = values[k];
            values[k] = saved + h;
            double up = f();
            values[k] = saved - h;
            double down = f();
            values[k] = saved;
            double numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[k]) <= 2e-3 * (1 + Math.Abs(numeric)), $"{what}[{k}] = {gradient[k]}, finite differences give {numeric}");
        }
    }

    [Fact]
    public void The_generated_forward_calls_the_function_and_matches_the_method()
    {
        var net = new DenseNet(seed: 2);
        var x = new Vec([0.25f, -0.5f, 1f, 2f]);
        // The loss itself is computed stably by the generated code and by Ops in a different order: equal to rounding.
        Assert.Equal(net.Loss(x, 1), net.LossGradient(x, 1), 5);
        Assert.Equal(net.Loss(x, 2), net.LossBatch(new Mat(x.Array, 0, 1, 4), [2]), 5);
    }

    [Fact]
    public void A_straight_through_model_allocates_nothing_after_warm_up()
    {
        var net = new BinaryNet(seed: 5);
        var x = new Mat([0.5f, -1.25f, 2f, -0.75f, 0.25f, 1.5f], 2, 3);
        var row = x.Row(1);
        for (int k = 0; k < 2; k++)
        {
            net.ScoreGradientBatch(x);
            net.ScoreGradient(row);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 200; k++)
        {
            net.ScoreGradientBatch(x);
            net.ScoreGradient(row);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
