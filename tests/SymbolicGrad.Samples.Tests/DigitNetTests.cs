using SymbolicGrad.Samples.Digits;

namespace SymbolicGrad.SamplesTests;

public class DigitNetTests
{
    [Fact]
    public void The_generated_gradient_matches_finite_differences_on_real_digits()
    {
        var data = DigitData.LoadEmbedded();
        var net = new DigitNet(784, 24, 10, seed: 5);
        var batch = data.Train.Slice(0, 16);
        var inputs = new Mat(batch.Features, 16, 784);

        var report = GradientCheck.Run(net, inputs, new BatchTargets(batch.Labels!, 0, 16), samples: 200, seed: 1);

        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void The_batched_loss_is_the_mean_of_the_user_method_on_each_row()
    {
        var data = DigitData.LoadEmbedded();
        var net = new DigitNet(784, 24, 10, seed: 2);
        var batch = data.Test.Slice(0, 8);

        float batchLoss = net.LossBatch(new Mat(batch.Features, 8, 784), batch.Labels);

        double sum = 0;
        for (int r = 0; r < 8; r++)
        {
            sum += net.Loss(new Vec(batch.Features, r * 784, 784), batch.Labels![r]);
        }

        Assert.Equal(sum / 8, batchLoss, 1e-5);
    }

    [Fact]
    public void He_and_Xavier_initialization_give_the_expected_weight_scales_and_zero_biases()
    {
        var net = new DigitNet(784, 128, 10, seed: 0);
        var layout = net.Parameters.Layout;
        var values = net.Parameters.Values.ToArray();

        Assert.Equal(4, layout.Count);
        Assert.Equal(128 * 784 + 128 + 10 * 128 + 10, values.Length);
        double w1 = StandardDeviation(values.AsSpan(0, 128 * 784));
        double w2 = StandardDeviation(values.AsSpan(128 * 784 + 128, 10 * 128));
        // He: sqrt(2 / fan-in); Xavier (normal): sqrt(2 / (fan-in + fan-out)), or uniform with the same variance.
        Assert.Equal(Math.Sqrt(2.0 / 784), w1, 0.002);
        Assert.Equal(Math.Sqrt(2.0 / (128 + 10)), w2, 0.01);
        Assert.All(values.AsSpan(128 * 784, 128).ToArray(), b => Assert.Equal(0f, b));
        Assert.All(values.AsSpan(values.Length - 10, 10).ToArray(), b => Assert.Equal(0f, b));
    }

    private static double StandardDeviation(ReadOnlySpan<float> values)
    {
        double mean = 0;
        foreach (float v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        double squares = 0;
        foreach (float v in values)
        {
            squares += (v - mean) * (v - mean);
        }

        return Math.Sqrt(squares / values.Length);
    }
}
