using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// <see cref="Kernels.BatchNormTangentTraining"/> and <see cref="Kernels.BatchNormBackwardTangentTraining"/>, the tangents
/// of training-mode batch norm's forward and backward passes (through the batch statistics), against central differences
/// in double of a double-precision forward pass and of the textbook backward formula, with every subset of the tangents.
/// </summary>
public class BatchNormTrainingTangentTests
{
    private const float Epsilon = 1e-5f;
    private const double H = 1e-5;

    public static TheoryData<int, int, int> Layouts => new()
    {
        { 3, 4, 1 },   // BatchNorm1d: features over a batch
        { 1, 3, 6 },   // BatchNorm2d of one sample: channels × pixels (a model's per-sample Jvp and Hvp)
        { 2, 3, 5 },   // BatchNorm2d over a batch
        { 1, 130, 2 }, // more channels than one chunk of the forward kernel's
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void The_forward_tangent_matches_central_differences_of_the_double_forward_pass(int batch, int channels, int spatial)
    {
        var (x, gamma, beta, mean, invStd) = Setup(batch, channels, spatial);
        int n = x.Length;
        var tx = Reference.Random(n, 12);
        var tGamma = Reference.Random(channels, 13);
        var tBeta = Reference.Random(channels, 14);
        // 1 tx, 2 tγ, 4 tβ: a missing one is an empty span standing for zeros.
        for (int mask = 0; mask < 8; mask++)
        {
            float[] Part(int bit, float[] tangent) => (mask & bit) != 0 ? tangent : [];
            var ty = Enumerable.Repeat(float.NaN, n).ToArray();
            Kernels.BatchNormTangentTraining(x, Part(1, tx), Part(2, tGamma), Part(4, tBeta), ty, batch, channels, spatial, gamma, mean, invStd);
            double[] At(double step) => Forward(Moved(x, Part(1, tx), step), Moved(gamma, Part(2, tGamma), step), Moved(beta, Part(4, tBeta), step), batch, channels, spatial);
            var plus = At(H);
            var minus = At(-H);
            for (int k = 0; k < n; k++)
            {
                double expected = (plus[k] - minus[k]) / (2 * H);
                Assert.True(Math.Abs(ty[k] - expected) <= 2e-4 * (1 + Math.Abs(expected)), $"ty[{k}], tangents {mask}: central differences {expected}, kernel {ty[k]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void The_backward_tangent_matches_central_differences_of_the_double_backward_pass(int batch, int channels, int spatial)
    {
        var (x, gamma, _, mean, invStd) = Setup(batch, channels, spatial);
        int n = x.Length;
        var g = Reference.Random(n, 21);
        var tx = Reference.Random(n, 22);
        var tGamma = Reference.Random(channels, 23);
        var tg = Reference.Random(n, 24);
        // 1 tx, 2 tγ, 4 tg.
        for (int mask = 0; mask < 8; mask++)
        {
            float[] Part(int bit, float[] tangent) => (mask & bit) != 0 ? tangent : [];
            var tdx = Enumerable.Repeat(float.NaN, n).ToArray(); // written
            var tdGamma = Enumerable.Repeat(0.5f, channels).ToArray(); // added into
            var tdBeta = Enumerable.Repeat(-0.25f, channels).ToArray();
            Kernels.BatchNormBackwardTangentTraining(x, Part(1, tx), g, Part(4, tg), tdx, batch, channels, spatial, gamma, Part(2, tGamma), mean, invStd, tdGamma, tdBeta);
            (double[] Dx, double[] DGamma, double[] DBeta) At(double step) =>
                Backward(Moved(x, Part(1, tx), step), Moved(gamma, Part(2, tGamma), step), Moved(g, Part(4, tg), step), batch, channels, spatial);
            var plus = At(H);
            var minus = At(-H);
            for (int k = 0; k < n; k++)
            {
                double expected = (plus.Dx[k] - minus.Dx[k]) / (2 * H);
                Assert.True(Math.Abs(tdx[k] - expected) <= 2e-4 * (1 + Math.Abs(expected)), $"t(∂x)[{k}], tangents {mask}: central differences {expected}, kernel {tdx[k]}");
            }
            for (int c = 0; c < channels; c++)
            {
                double gammaTangent = (plus.DGamma[c] - minus.DGamma[c]) / (2 * H), betaTangent = (plus.DBeta[c] - minus.DBeta[c]) / (2 * H);
                Assert.True(Math.Abs(tdGamma[c] - (0.5 + gammaTangent)) <= 2e-4 * (1 + Math.Abs(gammaTangent)), $"t(∂γ)[{c}], tangents {mask}: 0.5 + {gammaTangent}, kernel {tdGamma[c]}");
                Assert.True(Math.Abs(tdBeta[c] - (-0.25 + betaTangent)) <= 2e-4 * (1 + Math.Abs(betaTangent)), $"t(∂β)[{c}], tangents {mask}: −0.25 + {betaTangent}, kernel {tdBeta[c]}");
            }
        }
    }

    [Fact]
    public void A_moving_input_moves_the_input_gradient_through_the_statistics_unlike_evaluation_mode()
    {
        // t(∂x) with tx alone: zero in evaluation mode (the running statistics are constants), not in training mode.
        var (x, gamma, _, mean, invStd) = Setup(1, 2, 4);
        var g = Reference.Random(8, 31);
        var tx = Reference.Random(8, 32);
        var tdx = new float[8];
        Kernels.BatchNormBackwardTangentTraining(x, tx, g, [], tdx, 1, 2, 4, gamma, [], mean, invStd, [], []);
        Assert.Contains(tdx, t => Math.Abs(t) > 1e-2);
    }

    [Fact]
    public void Empty_outputs_are_skipped_and_the_forward_tangent_may_overwrite_its_input_tangent()
    {
        var (x, gamma, beta, mean, invStd) = Setup(2, 3, 4);
        var tx = Reference.Random(24, 41);
        var separate = new float[24];
        Kernels.BatchNormTangentTraining(x, tx, [], [], separate, 2, 3, 4, gamma, mean, invStd);
        var inPlace = tx.ToArray();
        Kernels.BatchNormTangentTraining(x, inPlace, [], [], inPlace, 2, 3, 4, gamma, mean, invStd);
        Assert.Equal(separate, inPlace);
        var tdGamma = new float[3];
        Kernels.BatchNormBackwardTangentTraining(x, tx, tx, tx, [], 2, 3, 4, gamma, beta, mean, invStd, tdGamma, []);
        Assert.Contains(tdGamma, t => t != 0);
    }

    [Fact]
    public void Wrong_lengths_and_overlaps_are_ArgumentExceptions_naming_the_span()
    {
        var (x, gamma, _, mean, invStd) = Setup(2, 3, 1);
        void Throws(string name, Action call) => Assert.Equal(name, Assert.Throws<ArgumentException>(call).ParamName);
        Throws("tangentInput", () => Kernels.BatchNormTangentTraining(x, x[1..], [], [], new float[6], 2, 3, 1, gamma, mean, invStd));
        Throws("tangentOutput", () => Kernels.BatchNormTangentTraining(x, [], [], [], new float[5], 2, 3, 1, gamma, mean, invStd));
        Throws("tangentOutput", () => Kernels.BatchNormTangentTraining(x, [], [], [], x, 2, 3, 1, gamma, mean, invStd));
        Throws("tangentGamma", () => Kernels.BatchNormTangentTraining(x, [], new float[2], [], new float[6], 2, 3, 1, gamma, mean, invStd));
        Throws("savedInvStd", () => Kernels.BatchNormTangentTraining(x, [], [], [], new float[6], 2, 3, 1, gamma, mean, invStd[1..]));
        Throws("tangentInput", () => Kernels.BatchNormBackwardTangentTraining(x, x[1..], x, [], [], 2, 3, 1, gamma, [], mean, invStd, [], []));
        Throws("tangentGradOutput", () => Kernels.BatchNormBackwardTangentTraining(x, [], x, x[1..], [], 2, 3, 1, gamma, [], mean, invStd, [], []));
        Throws("tangentGradInput", () => Kernels.BatchNormBackwardTangentTraining(x, [], x, [], new float[5], 2, 3, 1, gamma, [], mean, invStd, [], []));
        Throws("tangentGradInput", () => Kernels.BatchNormBackwardTangentTraining(x, [], x, [], x, 2, 3, 1, gamma, [], mean, invStd, [], []));
        Throws("tangentGamma", () => Kernels.BatchNormBackwardTangentTraining(x, [], x, [], [], 2, 3, 1, gamma, new float[2], mean, invStd, [], []));
        Throws("tangentGradGamma", () => Kernels.BatchNormBackwardTangentTraining(x, [], x, [], [], 2, 3, 1, gamma, [], mean, invStd, new float[4], []));
        Throws("savedMean", () => Kernels.BatchNormBackwardTangentTraining(x, [], x, [], [], 2, 3, 1, gamma, [], mean[1..], invStd, [], []));
        Throws("gradOutput", () => Kernels.BatchNormBackwardTangentTraining(x, [], x[1..], [], [], 2, 3, 1, gamma, [], mean, invStd, [], []));
    }

    // x spread and shifted per channel, γ away from 0, and the saved statistics from the forward kernel itself.
    private static (float[] X, float[] Gamma, float[] Beta, float[] Mean, float[] InvStd) Setup(int batch, int channels, int spatial)
    {
        int n = batch * channels * spatial;
        var x = Reference.Random(n, 1).Select((v, k) => 2 * v + 0.5f * (k % 3)).ToArray();
        var gamma = Reference.Random(channels, 2).Select(v => v + 1.5f).ToArray();
        var beta = Reference.Random(channels, 3);
        var (mean, invStd) = (new float[channels], new float[channels]);
        Kernels.BatchNormForwardTraining(x, new float[n], batch, channels, spatial, gamma, beta, new float[channels], new float[channels], 0.1f, Epsilon, mean, invStd);
        return (x, gamma, beta, mean, invStd);
    }

    private static double[] Moved(float[] values, float[] tangent, double step) =>
        values.Select((v, k) => v + (tangent.Length == 0 ? 0 : step * tangent[k])).ToArray();

    // The batch mean and biased variance of channel c, in double.
    private static (double Mean, double InvStd) Statistics(double[] x, int batch, int channels, int spatial, int c)
    {
        var values = Indices(batch, channels, spatial, c).Select(k => x[k]).ToArray();
        double mean = values.Average(), variance = values.Select(v => (v - mean) * (v - mean)).Average();
        return (mean, 1 / Math.Sqrt(variance + Epsilon));
    }

    private static double[] Forward(double[] x, double[] gamma, double[] beta, int batch, int channels, int spatial)
    {
        var y = new double[x.Length];
        for (int c = 0; c < channels; c++)
        {
            var (mean, s) = Statistics(x, batch, channels, spatial, c);
            foreach (int k in Indices(batch, channels, spatial, c)) y[k] = gamma[c] * (x[k] - mean) * s + beta[c];
        }
        return y;
    }

    // ∂x = γ·s·(g − mean(g) − x̂·mean(g·x̂)), ∂γ = Σ g·x̂, ∂β = Σ g (PyTorch's batch_norm backward).
    private static (double[] Dx, double[] DGamma, double[] DBeta) Backward(double[] x, double[] gamma, double[] g, int batch, int channels, int spatial)
    {
        var (dx, dGamma, dBeta) = (new double[x.Length], new double[channels], new double[channels]);
        for (int c = 0; c < channels; c++)
        {
            var (mean, s) = Statistics(x, batch, channels, spatial, c);
            var indices = Indices(batch, channels, spatial, c).ToArray();
            double meanG = indices.Average(k => g[k]), meanGx = indices.Average(k => g[k] * (x[k] - mean) * s);
            foreach (int k in indices)
            {
                double normalized = (x[k] - mean) * s;
                dx[k] = gamma[c] * s * (g[k] - meanG - normalized * meanGx);
                dGamma[c] += g[k] * normalized;
                dBeta[c] += g[k];
            }
        }
        return (dx, dGamma, dBeta);
    }

    private static IEnumerable<int> Indices(int batch, int channels, int spatial, int c) =>
        Enumerable.Range(0, batch).SelectMany(b => Enumerable.Range((b * channels + c) * spatial, spatial));
}
