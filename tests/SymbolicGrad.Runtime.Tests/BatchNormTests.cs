using SymbolicGrad.CompilerServices;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Runtime.Tests;

public class BatchNormTests
{
    private sealed class Net : Model
    {
        public readonly BatchNorm bn1;

        public Net(int features) => bn1 = Parameters.BatchNorm(features);

        public Vec Forward(Vec x) => BatchNorm(x, bn1);

        public Image Forward(Image x) => BatchNorm(x, bn1);
    }

    private const double Eps = 1e-5;

    /// <summary>PyTorch's training-mode formula in double: y, and the batch mean and biased variance per channel.</summary>
    private static double[] TrainingReference(double[] x, int batch, int channels, int spatial, double[] gamma, double[] beta,
        out double[] mean, out double[] variance)
    {
        int n = batch * spatial;
        mean = new double[channels];
        variance = new double[channels];
        var y = new double[x.Length];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            foreach (int i in Indices(batch, channels, spatial, c))
            {
                sum += x[i];
            }

            mean[c] = sum / n;
            double squares = 0;
            foreach (int i in Indices(batch, channels, spatial, c))
            {
                squares += (x[i] - mean[c]) * (x[i] - mean[c]);
            }

            variance[c] = squares / n;
            foreach (int i in Indices(batch, channels, spatial, c))
            {
                y[i] = gamma[c] * (x[i] - mean[c]) / Math.Sqrt(variance[c] + Eps) + beta[c];
            }
        }

        return y;
    }

    private static double[] EvaluationReference(double[] x, int batch, int channels, int spatial, double[] gamma, double[] beta, double[] runningMean, double[] runningVariance)
    {
        var y = new double[x.Length];
        for (int c = 0; c < channels; c++)
        {
            foreach (int i in Indices(batch, channels, spatial, c))
            {
                y[i] = gamma[c] * (x[i] - runningMean[c]) / Math.Sqrt(runningVariance[c] + Eps) + beta[c];
            }
        }

        return y;
    }

    private static IEnumerable<int> Indices(int batch, int channels, int spatial, int c)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int s = 0; s < spatial; s++)
            {
                yield return (b * channels + c) * spatial + s;
            }
        }
    }

    private static double[] D(float[] v) => v.Select(f => (double)f).ToArray();

    private static void Near(double expected, float actual, double relative, string what) =>
        Assert.True(Math.Abs(actual - expected) <= relative * (1 + Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    [Fact]
    public void Training_forward_and_running_statistics_follow_pytorch_over_two_steps()
    {
        // Hand-computed with PyTorch's formulas (momentum 0.1, ε = 1e-5, running variance from the unbiased one).
        float[] gamma = [2f, 0.5f], beta = [1f, -1f];
        float[] runningMean = [0f, 0f], runningVariance = [1f, 1f];
        var savedMean = new float[2];
        var savedInvStd = new float[2];

        // Step 1: channel 0 = {1, 3}: mean 2, biased variance 1, unbiased 2; channel 1 = {2, 6}: mean 4, variance 4, unbiased 8.
        float[] x1 = [1f, 2f, 3f, 6f];
        var y1 = new float[4];
        Kernels.BatchNormForwardTraining(x1, y1, 2, 2, 1, gamma, beta, runningMean, runningVariance, 0.1f, 1e-5f, savedMean, savedInvStd);
        Near(2 * -1 / Math.Sqrt(1 + Eps) + 1, y1[0], 1e-6, "y[0, 0]");
        Near(0.5 * -2 / Math.Sqrt(4 + Eps) - 1, y1[1], 1e-6, "y[0, 1]");
        Near(2 * 1 / Math.Sqrt(1 + Eps) + 1, y1[2], 1e-6, "y[1, 0]");
        Near(0.5 * 2 / Math.Sqrt(4 + Eps) - 1, y1[3], 1e-6, "y[1, 1]");
        Assert.Equal([2f, 4f], savedMean);
        Near(1 / Math.Sqrt(1 + Eps), savedInvStd[0], 1e-7, "invStd 0");
        Near(1 / Math.Sqrt(4 + Eps), savedInvStd[1], 1e-7, "invStd 1");
        Near(0.2, runningMean[0], 1e-7, "running mean 0");
        Near(0.4, runningMean[1], 1e-7, "running mean 1");
        Near(0.9 + 0.1 * 2, runningVariance[0], 1e-7, "running variance 0");
        Near(0.9 + 0.1 * 8, runningVariance[1], 1e-7, "running variance 1");

        // Step 2: channel 0 = {0, 2, 4}: mean 2, unbiased variance 4; channel 1 = {0, 2, 10}: mean 4, unbiased 28.
        float[] x2 = [0f, 0f, 2f, 2f, 4f, 10f];
        Kernels.BatchNormForwardTraining(x2, new float[6], 3, 2, 1, gamma, beta, runningMean, runningVariance, 0.1f, 1e-5f, savedMean, savedInvStd);
        Near(0.38, runningMean[0], 1e-7, "running mean 0 after two steps");
        Near(0.76, runningMean[1], 1e-7, "running mean 1 after two steps");
        Near(1.39, runningVariance[0], 1e-7, "running variance 0 after two steps");
        Near(4.33, runningVariance[1], 1e-7, "running variance 1 after two steps");

        // Evaluation uses the running statistics.
        var y = new float[2];
        Kernels.BatchNormForwardEvaluation([1f, 1f], y, 1, 2, 1, gamma, beta, runningMean, runningVariance, 1e-5f);
        Near(2 * (1 - 0.38) / Math.Sqrt(1.39 + Eps) + 1, y[0], 1e-6, "evaluation y 0");
        Near(0.5 * (1 - 0.76) / Math.Sqrt(4.33 + Eps) - 1, y[1], 1e-6, "evaluation y 1");
    }

    [Theory]
    [InlineData(2, 3, 1)]
    [InlineData(7, 5, 1)]
    [InlineData(1, 3, 4)]   // one image: the statistics of its pixels
    [InlineData(4, 2, 9)]
    [InlineData(3, 130, 1)] // more channels than one chunk of sums
    [InlineData(6, 21, 1)]  // vectors of 8 channels and a tail
    [InlineData(2, 3, 19)]  // vectors of 8 values per channel and a tail
    public void Training_forward_matches_the_double_reference(int batch, int channels, int spatial)
    {
        var x = Reference.Random(batch * channels * spatial, 1).Select(v => 3 * v + 1).ToArray();
        var gamma = Reference.Random(channels, 2);
        var beta = Reference.Random(channels, 3);
        var runningMean = Reference.Random(channels, 4);
        var runningVariance = Reference.Random(channels, 5).Select(v => v + 2).ToArray();
        var startMean = (float[])runningMean.Clone();
        var startVariance = (float[])runningVariance.Clone();
        var y = new float[x.Length];
        var savedMean = new float[channels];
        var savedInvStd = new float[channels];

        Kernels.BatchNormForwardTraining(x, y, batch, channels, spatial, gamma, beta, runningMean, runningVariance, 0.1f, 1e-5f, savedMean, savedInvStd);

        var expected = TrainingReference(D(x), batch, channels, spatial, D(gamma), D(beta), out var mean, out var variance);
        for (int i = 0; i < y.Length; i++)
        {
            Near(expected[i], y[i], 1e-5, $"y[{i}]");
        }

        int n = batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            Near(mean[c], savedMean[c], 1e-6, $"mean {c}");
            Near(1 / Math.Sqrt(variance[c] + Eps), savedInvStd[c], 1e-5, $"invStd {c}");
            Near(0.9 * startMean[c] + 0.1 * mean[c], runningMean[c], 1e-6, $"running mean {c}");
            Near(0.9 * startVariance[c] + 0.1 * variance[c] * n / (n - 1), runningVariance[c], 1e-6, $"running variance {c}");
        }
    }

    [Fact]
    public void Forward_may_run_in_place()
    {
        var x = Reference.Random(12, 1);
        var separate = new float[12];
        var gamma = Reference.Random(3, 2);
        var beta = Reference.Random(3, 3);
        Kernels.BatchNormForwardTraining(x, separate, 4, 3, 1, gamma, beta, new float[3], new float[3], 0.1f, 1e-5f, new float[3], new float[3]);
        Kernels.BatchNormForwardTraining(x, x, 4, 3, 1, gamma, beta, new float[3], new float[3], 0.1f, 1e-5f, new float[3], new float[3]);

        Assert.Equal(separate, x);
    }

    [Theory]
    [InlineData(2, 3, 1)]
    [InlineData(5, 4, 1)]
    [InlineData(3, 2, 6)]
    [InlineData(1, 2, 5)]
    [InlineData(4, 19, 1)]  // vectors of 8 channels and a tail
    [InlineData(2, 2, 13)]  // vectors of 8 values per channel and a tail
    public void Training_backward_through_the_batch_statistics_matches_finite_differences(int batch, int channels, int spatial)
    {
        var x = Reference.Random(batch * channels * spatial, 11).Select(v => 2 * v + 0.5f).ToArray();
        var gamma = Reference.Random(channels, 12).Select(v => v + 1.5f).ToArray();
        var beta = Reference.Random(channels, 13);
        var r = Reference.Random(x.Length, 14); // L = Σ r ⊙ y
        var savedMean = new float[channels];
        var savedInvStd = new float[channels];
        Kernels.BatchNormForwardTraining(x, new float[x.Length], batch, channels, spatial, gamma, beta, new float[channels], new float[channels],
            0.1f, 1e-5f, savedMean, savedInvStd);
        var gradInput = new float[x.Length];
        var gradGamma = Enumerable.Repeat(0.25f, channels).ToArray(); // added into
        var gradBeta = Enumerable.Repeat(-0.5f, channels).ToArray();
        Kernels.BatchNormBackwardTraining(x, r, gradInput, batch, channels, spatial, gamma, savedMean, savedInvStd, gradGamma, gradBeta);

        double Loss(double[] xs, double[] g, double[] b) =>
            TrainingReference(xs, batch, channels, spatial, g, b, out _, out _).Select((v, i) => v * r[i]).Sum();

        var xd = D(x);
        var gd = D(gamma);
        var bd = D(beta);
        for (int i = 0; i < x.Length; i++)
        {
            Near(Central(v => Loss(v, gd, bd), xd, i), gradInput[i], 1e-4, $"∂L/∂x[{i}]");
        }

        for (int c = 0; c < channels; c++)
        {
            Near(0.25 + Central(v => Loss(xd, v, bd), gd, c), gradGamma[c], 1e-4, $"∂L/∂γ[{c}]");
            Near(-0.5 + Central(v => Loss(xd, gd, v), bd, c), gradBeta[c], 1e-4, $"∂L/∂β[{c}]");
        }

        // Summed over the batch, the input gradient of each channel vanishes (the mean is subtracted).
        for (int c = 0; c < channels; c++)
        {
            double sum = Indices(batch, channels, spatial, c).Sum(i => (double)gradInput[i]);
            Assert.True(Math.Abs(sum) < 1e-5, $"channel {c}: Σ ∂L/∂x = {sum}");
        }
    }

    [Fact]
    public void Evaluation_backward_matches_finite_differences()
    {
        const int batch = 3, channels = 2, spatial = 4;
        var x = Reference.Random(batch * channels * spatial, 21);
        var gamma = Reference.Random(channels, 22).Select(v => v + 1.5f).ToArray();
        var beta = Reference.Random(channels, 23);
        float[] runningMean = [0.3f, -0.2f], runningVariance = [0.8f, 2.5f];
        var r = Reference.Random(x.Length, 24);
        var gradInput = new float[x.Length];
        var gradGamma = new float[channels];
        var gradBeta = new float[channels];
        Kernels.BatchNormBackwardEvaluation(x, r, gradInput, batch, channels, spatial, gamma, runningMean, runningVariance, 1e-5f, gradGamma, gradBeta);

        double Loss(double[] xs, double[] g, double[] b) =>
            EvaluationReference(xs, batch, channels, spatial, g, b, D(runningMean), D(runningVariance)).Select((v, i) => v * r[i]).Sum();

        var xd = D(x);
        var gd = D(gamma);
        var bd = D(beta);
        for (int i = 0; i < x.Length; i++)
        {
            Near(Central(v => Loss(v, gd, bd), xd, i), gradInput[i], 1e-5, $"∂L/∂x[{i}]");
        }

        for (int c = 0; c < channels; c++)
        {
            Near(Central(v => Loss(xd, v, bd), gd, c), gradGamma[c], 1e-5, $"∂L/∂γ[{c}]");
            Near(Central(v => Loss(xd, gd, v), bd, c), gradBeta[c], 1e-5, $"∂L/∂β[{c}]");
        }
    }

    [Fact]
    public void Backward_may_skip_the_input_gradient_or_write_it_over_the_output_gradient()
    {
        const int batch = 4, channels = 3;
        var x = Reference.Random(batch * channels, 31);
        var r = Reference.Random(x.Length, 32);
        var gamma = Reference.Random(channels, 33);
        var savedMean = new float[channels];
        var savedInvStd = new float[channels];
        Kernels.BatchNormForwardTraining(x, new float[x.Length], batch, channels, 1, gamma, new float[channels], new float[channels], new float[channels],
            0.1f, 1e-5f, savedMean, savedInvStd);
        var separate = new float[x.Length];
        var gradGamma = new float[channels];
        var gradBeta = new float[channels];
        Kernels.BatchNormBackwardTraining(x, r, separate, batch, channels, 1, gamma, savedMean, savedInvStd, gradGamma, gradBeta);

        var skippedGamma = new float[channels];
        var skippedBeta = new float[channels];
        Kernels.BatchNormBackwardTraining(x, r, [], batch, channels, 1, gamma, savedMean, savedInvStd, skippedGamma, skippedBeta);
        var inPlace = (float[])r.Clone();
        Kernels.BatchNormBackwardTraining(x, inPlace, inPlace, batch, channels, 1, gamma, savedMean, savedInvStd, new float[channels], new float[channels]);

        Assert.Equal(gradGamma, skippedGamma);
        Assert.Equal(gradBeta, skippedBeta);
        Assert.Equal(separate, inPlace);
    }

    [Fact]
    public void A_training_batch_of_one_value_per_channel_is_refused_as_in_pytorch()
    {
        var error = Assert.Throws<ArgumentException>(() => Kernels.BatchNormForwardTraining(
            new float[3], new float[3], 1, 3, 1, new float[3], new float[3], new float[3], new float[3], 0.1f, 1e-5f, new float[3], new float[3]));
        Assert.Contains("at least 2 values per channel", error.Message);

        // Evaluation mode takes one sample.
        var y = new float[3];
        Kernels.BatchNormForwardEvaluation([1f, 2f, 3f], y, 1, 3, 1, [1f, 1f, 1f], [0f, 0f, 0f], [0f, 0f, 0f], [1f, 1f, 1f], 1e-5f);
        Near(3 / Math.Sqrt(1 + Eps), y[2], 1e-7, "y[2]");
    }

    [Fact]
    public void Wrong_sizes_are_refused_naming_the_operand()
    {
        var error = Assert.Throws<ArgumentException>(() => Kernels.BatchNormForwardTraining(
            new float[6], new float[6], 2, 3, 1, new float[2], new float[3], new float[3], new float[3], 0.1f, 1e-5f, new float[3], new float[3]));
        Assert.Contains("gamma has 2 elements but 3 are needed", error.Message);
        error = Assert.Throws<ArgumentException>(() => Kernels.BatchNormForwardEvaluation(
            new float[7], new float[6], 2, 3, 1, new float[3], new float[3], new float[3], new float[3], 1e-5f));
        Assert.Contains("x has 7 elements but batch 2 × channels 3 × spatial 1 needs 6", error.Message);
        error = Assert.Throws<ArgumentException>(() => Kernels.BatchNormBackwardTraining(
            new float[6], new float[6], new float[5], 2, 3, 1, new float[3], new float[3], new float[3], new float[3], new float[3]));
        Assert.Contains("gradInput", error.Message);
    }

    [Fact]
    public void The_layer_starts_at_pytorchs_values_and_keeps_its_statistics_as_state()
    {
        var net = new Net(4);

        Assert.Equal([1f, 1f, 1f, 1f], net.bn1.Gamma.ToArray());
        Assert.Equal(new float[4], net.bn1.Beta.ToArray());
        Assert.Equal(new float[4], net.bn1.RunningMean.ToArray());
        Assert.Equal([1f, 1f, 1f, 1f], net.bn1.RunningVariance.ToArray());
        Assert.Equal(0.1f, net.bn1.Momentum);
        Assert.Equal(1e-5f, net.bn1.Epsilon);
        Assert.Equal(8, net.Parameters.Count);
        Assert.Equal(8, net.Parameters.StateCount);
        Assert.Equal(["bn1.Gamma: Vec[4]", "bn1.Beta: Vec[4]"], net.Parameters.Layout.Select(p => $"{p.Name}: {p.Shape}"));
        Assert.Equal(["bn1.RunningMean: Vec[4]", "bn1.RunningVariance: Vec[4]"], net.Parameters.StateLayout.Select(p => $"{p.Name}: {p.Shape}"));
        Assert.Equal("bn1: BatchNorm(4)", net.bn1.ToString());
        Assert.True(net.Parameters.Contains(net.bn1.Gamma));
        Assert.False(net.Parameters.Contains(net.bn1.RunningMean));
        Assert.Equal(net.bn1.Gamma.Offset, net.Parameters.GradientOf(net.bn1.Gamma).Offset);
    }

    [Theory]
    [InlineData(0, 0.1f, 1e-5f)]
    [InlineData(3, -0.1f, 1e-5f)]
    [InlineData(3, 1.1f, 1e-5f)]
    [InlineData(3, 0.1f, 0f)]
    [InlineData(3, 0.1f, float.NaN)]
    public void Bad_layer_arguments_are_refused(int features, float momentum, float epsilon)
    {
        var store = new ParameterStore();
        Assert.Throws<ArgumentOutOfRangeException>(() => store.BatchNorm(features, momentum, epsilon));
    }

    [Fact]
    public void Ops_BatchNorm_evaluates_with_the_running_statistics_and_refuses_training_mode()
    {
        var net = new Net(3);
        float[] mean = [0.5f, -1f, 2f], variance = [4f, 0.25f, 1f];
        mean.CopyTo(net.bn1.RunningMean.Span);
        variance.CopyTo(net.bn1.RunningVariance.Span);
        net.bn1.Gamma.Span[1] = 3f;
        net.bn1.Beta.Span[2] = -0.5f;
        var x = new Vec([1.5f, 0f, 2f]);

        var error = Assert.Throws<ArgumentException>(() => net.Forward(x));
        Assert.Contains("bn1 is in training mode", error.Message);
        Assert.Contains("Training = false", error.Message);

        net.Training = false;
        var y = net.Forward(x);
        Near(1 / Math.Sqrt(4 + Eps), y[0], 1e-7, "y[0]");
        Near(3 * 1 / Math.Sqrt(0.25 + Eps), y[1], 1e-7, "y[1]");
        Near(-0.5, y[2], 1e-7, "y[2]");
        // The same bits as the batched kernel's row.
        var batch = new float[6];
        x.Span.CopyTo(batch.AsSpan(3));
        var batched = new float[6];
        Kernels.BatchNormForwardEvaluation(batch, batched, 2, 3, 1, net.bn1.Gamma.Span, net.bn1.Beta.Span, net.bn1.RunningMean.Span, net.bn1.RunningVariance.Span, 1e-5f);
        Assert.Equal(batched[3..], y.ToArray());

        var wrong = Assert.Throws<ArgumentException>(() => net.Forward(new Vec(4)));
        Assert.Contains("Ops.BatchNorm(x, bn1): x is Vec[4] but the layer normalizes 3 features", wrong.Message);
    }

    [Fact]
    public void Ops_BatchNorm_of_an_image_normalizes_per_channel()
    {
        var net = new Net(2) { Training = false };
        float[] mean = [1f, -1f], variance = [4f, 9f];
        mean.CopyTo(net.bn1.RunningMean.Span);
        variance.CopyTo(net.bn1.RunningVariance.Span);
        var x = new Image(Reference.Random(2 * 3 * 2, 41), 2, 3, 2);

        var y = net.Forward(x);

        Assert.Equal("Image[2×3×2]", y.ToString());
        for (int c = 0; c < 2; c++)
        {
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    Near((x[c, i, j] - mean[c]) / Math.Sqrt(variance[c] + Eps), y[c, i, j], 1e-6, $"y[{c}, {i}, {j}]");
                }
            }
        }

        Assert.Throws<ArgumentException>(() => net.Forward(new Image(3, 2, 2)));
    }

    [Fact]
    public void Ops_BatchNorm_of_an_image_in_training_mode_uses_the_samples_own_statistics_and_moves_the_running_ones_once()
    {
        var net = new Net(2) { Training = true };
        float[] gamma = [2f, -0.5f], beta = [0.25f, 1f];
        gamma.CopyTo(net.bn1.Gamma.Span);
        beta.CopyTo(net.bn1.Beta.Span);
        float[] oldMean = [1f, -1f], oldVariance = [4f, 9f];
        oldMean.CopyTo(net.bn1.RunningMean.Span);
        oldVariance.CopyTo(net.bn1.RunningVariance.Span);
        var x = new Image(Reference.Random(2 * 3 * 2, 43), 2, 3, 2);
        var xs = x.Span.ToArray().Select(v => (double)v).ToArray();

        var y = net.Forward(x);

        // One image is a batch of one: PyTorch's formula over its 6 pixels per channel (biased variance for y,
        // unbiased for the running variance).
        var expected = TrainingReference(xs, 1, 2, 6, [.. gamma.Select(g => (double)g)], [.. beta.Select(b => (double)b)], out var mean, out var variance);
        for (int i = 0; i < expected.Length; i++)
        {
            Near(expected[i], y.Span[i], 1e-5, $"y[{i}]");
        }

        double m = net.bn1.Momentum;
        for (int c = 0; c < 2; c++)
        {
            Near((1 - m) * oldMean[c] + m * mean[c], net.bn1.RunningMean.Span[c], 1e-6, $"running mean[{c}]");
            Near((1 - m) * oldVariance[c] + m * variance[c] * 6 / 5, net.bn1.RunningVariance.Span[c], 1e-6, $"running variance[{c}]");
        }

        // A single pixel per channel has no statistics: the kernel's error, saying so.
        var single = Assert.Throws<ArgumentException>(() => net.Forward(new Image(2, 1, 1)));
        Assert.Contains("at least 2 values per channel", single.Message);
    }

    // Central difference of f at v[i] in double (h = 1e-6): exact for these smooth functions to ~1e-9.
    private static double Central(Func<double[], double> f, double[] v, int i)
    {
        const double h = 1e-6;
        var plus = (double[])v.Clone();
        var minus = (double[])v.Clone();
        plus[i] += h;
        minus[i] -= h;
        return (f(plus) - f(minus)) / (2 * h);
    }
}
