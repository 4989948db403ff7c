using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// A model method's Hvp through convolution and max pooling: its emitted text compared with Baselines/ConvNetHvp.g.cs
/// (it compiles), its values checked against a closed form; through convolution and batch norm in both modes
/// (Baselines/ConvBatchNormNetHvp.g.cs); and the layers whose second derivatives are generated
/// (convolution, pooling, dropout, batch norm) no longer refused with SG0055.
/// </summary>
public sealed class LayerHvpBaselineTests
{
    private delegate float HvpCall(Vec x, int label, System.ReadOnlySpan<float> direction, System.Span<float> gradient, System.Span<float> hv);

    [Fact]
    public void ConvNetHvp()
    {
        const string source = """
            using SymbolicGrad;

            namespace Nets;

            public sealed partial class Cnn : Model
            {
                private readonly Conv2d conv;
                private readonly Mat W;
                private readonly Vec b;

                public Cnn()
                {
                    conv = Parameters.Conv2d(1, 2, kernel: 2, init: Init.Zeros);
                    W = Parameters.Matrix(3, 2, Init.Zeros);
                    b = Parameters.Vector(3);
                    conv.Weights[0, 0] = 1f;  // filter 0: the top-left pixel of each patch
                    conv.Weights[1, 3] = -1f; // filter 1: minus the bottom-right one, plus its bias 1
                    conv.Bias[1] = 1f;
                    W[0, 0] = 1f;
                    W[1, 1] = 1f;
                }

                [Differentiable(Hessian = true)]
                public float Loss([NoDiff] Vec x, int label) =>
                    Ops.SoftmaxCrossEntropy(W * Ops.Flatten(Ops.MaxPool2d(Ops.Relu(Ops.Conv2d(x.AsImage(1, 3, 3), conv)), 2)) + b, label);
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Nets.Cnn.Loss.Derivatives.g.cs");
        // x = 1…9 as a 3×3 image. Filter 0 gives the patches' top-left pixels (1, 2, 4, 5), pooled to 5 at the last patch
        // (5, 6, 8, 9); filter 1 gives 1 − (5, 6, 8, 9) < 0, zero after ReLU, pooled to 0. Logits z = W·(5, 0) + b =
        // (5, 0, 0), p = softmax(z), label 1: ∂L/∂b = p − e₁. Along v moving b only: u = (H·v)_b = (diag(p) − p·pᵀ)·v_b;
        // (H·v)_W = u·(5, 0)ᵀ; back through W, u₀ reaches pooled channel 0 (W[0, 0] = 1) and so filter 0 at the last patch:
        // (H·v)_conv.Weights[0] = u₀·(5, 6, 8, 9), (H·v)_conv.Bias[0] = u₀; u₁ reaches channel 1, past an inactive ReLU: 0.
        // The layout: conv.Weights (8), conv.Bias (2), W (6), b (3).
        var type = assembly.Type("Nets.Cnn");
        var net = System.Activator.CreateInstance(type)!;
        var call = (HvpCall)type.GetMethod("LossHvp")!.CreateDelegate(typeof(HvpCall), net);
        var direction = new float[19];
        float[] vb = [1f, 0.5f, -2f];
        vb.CopyTo(direction, 16);
        var (gradient, hv) = (new float[19], new float[19]);
        float value = call(new Vec([1, 2, 3, 4, 5, 6, 7, 8, 9]), 1, direction, gradient, hv);
        double e5 = System.Math.Exp(5), total = e5 + 2;
        double[] p = [e5 / total, 1 / total, 1 / total];
        Assert.Equal(System.Math.Log(total), value, 5);
        double pv = p[0] * vb[0] + p[1] * vb[1] + p[2] * vb[2];
        var u = p.Select((pi, i) => pi * vb[i] - pi * pv).ToArray();
        var expected = new double[19];
        for (int k = 0; k < 4; k++) expected[k] = u[0] * new[] { 5, 6, 8, 9 }[k];
        expected[8] = u[0];
        for (int i = 0; i < 3; i++) expected[10 + 2 * i] = 5 * u[i];
        for (int i = 0; i < 3; i++) expected[16 + i] = u[i];
        for (int k = 0; k < 19; k++)
        {
            Assert.True(System.Math.Abs(hv[k] - expected[k]) <= 1e-5 * (1 + System.Math.Abs(expected[k])), $"(H·v)[{k}] is {hv[k]}, closed form {expected[k]}");
        }
        Assert.Equal(p[0] - 0, gradient[16], 5);
        Assert.Equal(p[1] - 1, gradient[17], 5);
        Assert.Contains(expected, e => System.Math.Abs(e) > 0.1);
        var error = Assert.Throws<System.ArgumentException>(() => call(new Vec([1, 2, 3, 4, 5, 6, 7, 8, 9]), 1, direction, new float[18], hv));
        Assert.Equal("gradient", error.ParamName);
    }

    [Fact]
    public void ConvBatchNormNetHvp()
    {
        const string source = """
            using SymbolicGrad;

            namespace Nets;

            public sealed partial class NormCnn : Model
            {
                private readonly Conv2d conv;
                private readonly BatchNorm bn;
                private readonly Mat W;

                public NormCnn()
                {
                    conv = Parameters.Conv2d(1, 2, kernel: 2);
                    bn = Parameters.BatchNorm(2);
                    W = Parameters.Matrix(3, 8, Init.Zeros);
                }

                [Differentiable(Hessian = true)]
                public float Loss([NoDiff] Vec x, int label) =>
                    Ops.SoftmaxCrossEntropy(W * Ops.Flatten(Ops.BatchNorm(Ops.Conv2d(x.AsImage(1, 3, 3), conv), bn)), label);
            }
            """;
        string generated = Baseline.VerifyGenerated(source, "Nets.NormCnn.Loss.Derivatives.g.cs");
        // Training mode goes through the sample's statistics (forward and backward tangents), evaluation mode through the
        // running ones; nothing refuses training mode up front any more.
        Assert.Contains("if (training) global::SymbolicGrad.CompilerServices.Kernels.BatchNormTangentTraining(", generated);
        Assert.Contains("if (training) global::SymbolicGrad.CompilerServices.Kernels.BatchNormBackwardTangentTraining(", generated);
        Assert.Contains("else global::SymbolicGrad.CompilerServices.Kernels.BatchNormBackwardTangentEvaluation(", generated);
        Assert.DoesNotContain("InvalidOperationException(\"LossHvp: batch normalization", generated);
    }

    [Theory]
    [InlineData("h = Ops.Dropout(h, 0.5f);")]
    [InlineData("h = Ops.BatchNorm(h, bn);")]
    [InlineData("h = Ops.Flatten(Ops.MaxPool2d(Ops.Conv2d(h.AsImage(1, 4, 4), conv), 2, 1));")]
    public void HessianOfAModelMethodThroughConvolutionPoolingDropoutOrBatchNormIsGenerated(string body)
    {
        var run = GeneratorHarness.Run("""
            using SymbolicGrad;

            namespace Nets;

            public sealed partial class Net : Model
            {
                readonly Vec c;
                readonly BatchNorm bn;
                readonly Conv2d conv;
                public Net()
                {
                    c = Parameters.Vector(16);
                    bn = Parameters.BatchNorm(16);
                    conv = Parameters.Conv2d(1, 2, kernel: 3, padding: 1);
                }

                [Differentiable(Jvp = true, Hessian = true)]
                public float Loss([NoDiff] Vec x)
                {
                    Vec h = Ops.Tanh(x + c);
                    BODY
                    return Ops.Sum(Ops.Square(h));
                }
            }
            """.Replace("BODY", body));
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        Assert.Contains("public float LossHvp(global::SymbolicGrad.Vec x, global::System.ReadOnlySpan<float> direction, global::System.Span<float> gradient, global::System.Span<float> hv)",
            string.Concat(run.GeneratedSources.Values));
    }
}
