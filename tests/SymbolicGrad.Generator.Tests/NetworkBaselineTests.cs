using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// The emitted text of model classes (issue 3), compared with Baselines/&lt;TestName&gt;.g.cs; the output must compile
/// without errors or warnings. Their gradients are checked end to end in SymbolicGrad.Network.Tests.
/// </summary>
public sealed class NetworkBaselineTests
{
    [Fact]
    public void DigitNet()
    {
        const string source = """
            using SymbolicGrad;
            using static SymbolicGrad.Ops;

            namespace Digits;

            public sealed partial class DigitNet : Model
            {
                readonly Mat W1, W2; readonly Vec b1, b2;

                public DigitNet(int inputs, int hidden, int classes, int seed = 0)
                {
                    W1 = Parameters.Matrix(hidden, inputs, Init.He(seed));
                    b1 = Parameters.Vector(hidden);
                    W2 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 1));
                    b2 = Parameters.Vector(classes);
                }

                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                    => SoftmaxCrossEntropy(W2 * Relu(W1 * x + b1) + b2, label);
            }
            """;
        string generated = Baseline.VerifyGenerated(source, "Digits.DigitNet.Loss.g.cs");
        // The lectures' backprop: δ at the logits is softmax − onehot, one product per weight gradient and bias gradients
        // as column sums, both handed to the parameter store (which may apply the optimizer's update inside them). The
        // softmax comes from the forward pass's log-sum-exp in one kernel call for the batch, not a scalar exp per logit.
        Assert.Contains("Kernels.SoftmaxFromLogSumExp(t4.AsSpan(0, batch * w2Rows), logsumexpT4.AsSpan(0, batch), batch, w2Rows, softmaxT4.AsSpan(0, batch * w2Rows));", generated);
        Assert.Contains("float[] dT4 = softmaxT4; // softmaxT4 is not read again", generated);
        Assert.DoesNotContain("MathF.Exp(", generated);
        // Products into fresh buffers are written over them: no clearing pass before each.
        Assert.Contains("else global::SymbolicGrad.CompilerServices.Kernels.MatMulABt(xValues, W1Values, t1.AsSpan(0, batch * w1Rows), batch, w1Rows, w1Cols);", generated);
        Assert.Contains("if (batch == 1) global::SymbolicGrad.CompilerServices.Kernels.MatTVec(W2Values, w2Rows, w2Cols, dT4.AsSpan(0, batch * w2Rows), dT2.AsSpan(0, batch * w1Rows));", generated);
        Assert.DoesNotContain(".Clear();", generated);
        Assert.Equal(2, GeneratedText.Count(generated, "Parameters.AddOuterProducts("));
        Assert.Equal(2, GeneratedText.Count(generated, "Parameters.AddColumnSums("));
        Assert.Contains("Parameters.AddOuterProducts(W1, new global::SymbolicGrad.Mat(dT5, 0, batch, w1Rows), x);", generated);
        Assert.DoesNotContain("GradientOf(", generated);
        Assert.Contains(": global::SymbolicGrad.ITrainable", generated);
        Assert.Contains("bool global::SymbolicGrad.ITrainable.SupportsFusedUpdate => true;", generated);
        // Bias and ReLU in one vectorized pass written over the GEMM's output; the backward mask reads the ReLU's output.
        // The row loops check each buffer's rows once, then load and store them without a check per vector.
        Assert.Contains("float[] t2 = t1; // t1 is not read again", generated);
        Assert.Contains("Lanes.StoreInRows(t2, r * w1Rows + i, Lanes.Max(Lanes.LoadInRows(t1, r * w1Rows + i) + Lanes.LoadInRows(b1Values, i), Lanes.Splat(0f)));", generated);
        Assert.Contains("Lanes.Select(Lanes.Greater(Lanes.LoadInRows(t2, r * w1Rows + i), Lanes.Splat(0f)), Lanes.LoadInRows(dT2, r * w1Rows + i), Lanes.Splat(0f))", generated);
        Assert.Contains("Lanes.CheckRows(t1, first, end, w1Rows);", generated);
        Assert.Contains("Lanes.CheckLength(b1Values, w1Rows);", generated);
        Assert.DoesNotContain("internal float[] t2 ", generated);
    }

    [Fact]
    public void ResidualBlock()
    {
        const string source = """
            using SymbolicGrad;
            using static SymbolicGrad.Ops;

            namespace Blocks;

            public sealed partial class Residual : Model
            {
                readonly Mat W1, W2, W3; readonly Vec b1, b2;

                public Residual(int inputs, int width, int outputs, int seed = 0)
                {
                    W1 = Parameters.Matrix(width, inputs, Init.He(seed));
                    b1 = Parameters.Vector(width);
                    W2 = Parameters.Matrix(width, width, Init.He(seed + 1));
                    b2 = Parameters.Vector(width);
                    W3 = Parameters.Matrix(outputs, width, Init.Xavier(seed + 2));
                }

                [Differentiable]
                public float Loss([NoDiff] Vec x, [NoDiff] Vec target)
                {
                    Vec h = Tanh(W1 * x + b1);
                    Vec r = h + Relu(W2 * h + b2);
                    return Mse(W3 * r, target);
                }
            }
            """;
        string generated = Baseline.VerifyGenerated(source, "Blocks.Residual.Loss.g.cs");
        // h feeds both the skip connection and W2: its adjoint sums the two paths. The user's r is renamed r2,
        // since r is the generated loops' sample index.
        Assert.Contains("float[] dH = ", generated);
        Assert.Contains("dH[r * w1Rows + i] = dR2[r * w1Rows + i] + ", generated);
    }

    [Fact]
    public void StaticFunctionOfVectors()
    {
        const string source = """
            using SymbolicGrad;
            using static SymbolicGrad.Ops;

            namespace Layers;

            public static partial class Dense
            {
                [Differentiable]
                public static float Loss(Mat W, Vec b, [NoDiff] Vec x, int label)
                    => SoftmaxCrossEntropy(Tanh(W * x + b), label) + 0.01f * Dot(b, b);
            }
            """;
        string generated = Baseline.VerifyGenerated(source, "Layers.Dense.Loss.g.cs");
        // One gradient buffer per differentiable Vec/Mat parameter; [NoDiff] x and the int label get none.
        Assert.Contains("public static float LossGradient(global::SymbolicGrad.Mat W, global::SymbolicGrad.Vec b, global::SymbolicGrad.Vec x, int label, global::SymbolicGrad.Mat dW, global::SymbolicGrad.Vec dB)", generated);
        Assert.Contains("Kernels.OuterAdd(", generated);
        Assert.DoesNotContain("int batch", generated);
    }
}
