using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// The emitted text of a convolutional model with batch norm and dropout (the Digits sample's DigitCnnBatchNorm),
/// compared with Baselines/&lt;TestName&gt;.g.cs; the output must compile without errors or warnings. Its gradients are
/// checked end to end in SymbolicGrad.Network.Tests (LayerGradientTests).
/// </summary>
public sealed class LayerBaselineTests
{
    [Fact]
    public void LeNetWithBatchNormAndDropout()
    {
        const string source = """
            using SymbolicGrad;
            using static SymbolicGrad.Ops;

            namespace Digits;

            public sealed partial class DigitCnnBatchNorm : Model
            {
                readonly Conv2d conv1, conv2;
                readonly BatchNorm bn1, bn2, bn3;
                readonly Mat W1, W2;
                readonly Vec b2;
                readonly float dropout;

                public DigitCnnBatchNorm(int hidden, int classes, float dropout, int seed = 0)
                {
                    conv1 = Parameters.Conv2d(1, 16, kernel: 5, padding: 2, init: Init.He(seed));
                    bn1 = Parameters.BatchNorm(16);
                    conv2 = Parameters.Conv2d(16, 32, kernel: 5, init: Init.He(seed + 1));
                    bn2 = Parameters.BatchNorm(32);
                    W1 = Parameters.Matrix(hidden, 32 * 5 * 5, Init.He(seed + 2));
                    bn3 = Parameters.BatchNorm(hidden);
                    W2 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 3));
                    b2 = Parameters.Vector(classes);
                    this.dropout = dropout;
                }

                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Image h = Relu(MaxPool2d(BatchNorm(Conv2d(x.AsImage(1, 28, 28), conv1), bn1), 2));
                    h = Relu(MaxPool2d(BatchNorm(Conv2d(h, conv2), bn2), 2));
                    Vec hidden = Dropout(Relu(BatchNorm(W1 * Flatten(h), bn3)), dropout);
                    return SoftmaxCrossEntropy(W2 * hidden + b2, label);
                }
            }
            """;
        string generated = Baseline.VerifyGenerated(source, "Digits.DigitCnnBatchNorm.Loss.g.cs");
        // The mode is read once per call and kept for the backward pass, with the one random stream of the pass.
        Assert.Contains("bool training = workspace.training = ((global::SymbolicGrad.Model)this).Training;", generated);
        Assert.Contains("ulong stream = workspace.stream = training ? global::SymbolicGrad.CompilerServices.Kernels.NextRandomStream(this) : 0UL;", generated);
        Assert.Contains("bool training = workspace.training;", generated);
        // Dropout's backward pass recomputes the forward mask: the same site (0), the same stream.
        Assert.Equal(2, GeneratedText.Count(generated, "Kernels.DropoutForward("));
        Assert.Equal(2, GeneratedText.Count(generated, ", stream, 0);"));
        // The first convolution's input needs no gradient: no ∂/∂x call for it; the second's does.
        Assert.Equal(2, GeneratedText.Count(generated, "Kernels.Conv2dForward("));
        Assert.Equal(5, GeneratedText.Count(generated, "Kernels.Conv2dBackward("));
        Assert.Contains("Parameters.GradientToAdd(conv1.Weights)", generated);
        Assert.Contains("Parameters.GradientToAdd(bn3.Gamma)", generated);
        // Batch norm differentiates through the batch statistics in training mode.
        Assert.Contains("Kernels.BatchNormBackwardTraining(", generated);
        Assert.Contains("Kernels.BatchNormBackwardEvaluation(", generated);
        Assert.Contains("Kernels.MaxPool2dBackward(", generated);
        // The layers are checked against their inputs before any memory is touched, naming the layer.
        Assert.Contains("Conv2dGeometry.For(conv2, ", generated);
        Assert.Contains("normalizes {bn3.Features} features", generated);
    }
}
