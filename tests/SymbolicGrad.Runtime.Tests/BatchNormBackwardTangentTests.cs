using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// <see cref="Kernels.BatchNormBackwardTangentEvaluation"/>, the tangent of batch norm's evaluation-mode backward pass (a
/// model Hvp's), against a double reference: with s = 1/√(σ² + ε), t(∂x) = s·(γ·tdy + tγ·dy),
/// t(∂γ) = Σ (tdy·(x − μ) + dy·tx)·s and t(∂β) = Σ tdy, with every subset of the tangents present.
/// </summary>
public class BatchNormBackwardTangentTests
{
    [Theory]
    [InlineData(3, 4, 1)]   // BatchNorm1d: features
    [InlineData(2, 3, 5)]   // BatchNorm2d: channels × pixels
    [InlineData(1, 130, 2)] // more channels than one chunk of the kernel's
    public void Each_part_matches_the_double_reference(int batch, int channels, int spatial)
    {
        int n = batch * channels * spatial;
        var x = Reference.Random(n, 1).Select(v => 3 * v + 1).ToArray();
        var tx = Reference.Random(n, 2);
        var dy = Reference.Random(n, 3);
        var tdy = Reference.Random(n, 4);
        var gamma = Reference.Random(channels, 5);
        var tGamma = Reference.Random(channels, 6);
        var mean = Reference.Random(channels, 7);
        var variance = Reference.Random(channels, 8).Select(v => v + 2).ToArray();
        const float epsilon = 1e-5f;
        // 1 tdy, 2 tx, 4 tγ: a missing one is an empty span standing for zeros.
        for (int mask = 0; mask < 8; mask++)
        {
            float[] Part(int bit, float[] tangent) => (mask & bit) != 0 ? tangent : [];
            var tdx = Enumerable.Repeat(float.NaN, n).ToArray(); // written
            var tdGamma = Enumerable.Repeat(0.5f, channels).ToArray(); // added into
            var tdBeta = Enumerable.Repeat(-0.25f, channels).ToArray();
            Kernels.BatchNormBackwardTangentEvaluation(x, Part(2, tx), dy, Part(1, tdy), tdx, batch, channels, spatial, gamma, Part(4, tGamma),
                mean, variance, epsilon, tdGamma, tdBeta);

            var expectedGamma = new double[channels];
            var expectedBeta = new double[channels];
            for (int b = 0; b < batch; b++)
            {
                for (int c = 0; c < channels; c++)
                {
                    double s = 1 / Math.Sqrt((double)variance[c] + epsilon);
                    for (int k = (b * channels + c) * spatial; k < (b * channels + c + 1) * spatial; k++)
                    {
                        double t = (mask & 1) != 0 ? tdy[k] : 0, dxTangent = (mask & 2) != 0 ? tx[k] : 0, g = (mask & 4) != 0 ? tGamma[c] : 0;
                        double expected = s * (gamma[c] * t + g * dy[k]);
                        Assert.True(Math.Abs(tdx[k] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"t(∂x)[{k}], tangents {mask}: expected {expected}, got {tdx[k]}");
                        expectedGamma[c] += (t * (x[k] - (double)mean[c]) + dy[k] * dxTangent) * s;
                        expectedBeta[c] += t;
                    }
                }
            }
            for (int c = 0; c < channels; c++)
            {
                Assert.True(Math.Abs(tdGamma[c] - (0.5 + expectedGamma[c])) <= 1e-5 * (1 + Math.Abs(expectedGamma[c])), $"t(∂γ)[{c}], tangents {mask}: expected 0.5 + {expectedGamma[c]}, got {tdGamma[c]}");
                Assert.True(Math.Abs(tdBeta[c] - (-0.25 + expectedBeta[c])) <= 1e-5 * (1 + Math.Abs(expectedBeta[c])), $"t(∂β)[{c}], tangents {mask}: expected −0.25 + {expectedBeta[c]}, got {tdBeta[c]}");
            }
        }
    }

    [Fact]
    public void Wrong_lengths_are_ArgumentExceptions_naming_the_span()
    {
        var x = Reference.Random(6, 1);
        var gamma = Reference.Random(3, 2);
        var variance = Enumerable.Repeat(1f, 3).ToArray();
        void Throws(string name, Action call) => Assert.Equal(name, Assert.Throws<ArgumentException>(call).ParamName);
        Throws("tangentInput", () => Kernels.BatchNormBackwardTangentEvaluation(x, x[1..], x, [], [], 2, 3, 1, gamma, [], gamma, variance, 1e-5f, [], []));
        Throws("tangentGradOutput", () => Kernels.BatchNormBackwardTangentEvaluation(x, [], x, x[1..], [], 2, 3, 1, gamma, [], gamma, variance, 1e-5f, [], []));
        Throws("tangentGradInput", () => Kernels.BatchNormBackwardTangentEvaluation(x, [], x, [], new float[5], 2, 3, 1, gamma, [], gamma, variance, 1e-5f, [], []));
        Throws("tangentGradInput", () => Kernels.BatchNormBackwardTangentEvaluation(x, [], x, [], x, 2, 3, 1, gamma, [], gamma, variance, 1e-5f, [], []));
        Throws("tangentGamma", () => Kernels.BatchNormBackwardTangentEvaluation(x, [], x, [], [], 2, 3, 1, gamma, new float[2], gamma, variance, 1e-5f, [], []));
        Throws("tangentGradGamma", () => Kernels.BatchNormBackwardTangentEvaluation(x, [], x, [], [], 2, 3, 1, gamma, [], gamma, variance, 1e-5f, new float[4], []));
        Throws("tangentGradBeta", () => Kernels.BatchNormBackwardTangentEvaluation(x, [], x, [], [], 2, 3, 1, gamma, [], gamma, variance, 1e-5f, [], new float[2]));
        Throws("gradOutput", () => Kernels.BatchNormBackwardTangentEvaluation(x, [], x[1..], [], [], 2, 3, 1, gamma, [], gamma, variance, 1e-5f, [], []));
    }
}
