using SymbolicGrad;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Samples.Digits;

/// <summary>
/// A two-layer perceptron: 784 pixels → <c>hidden</c> ReLU units → 10 class scores, with softmax cross-entropy loss.
/// The generator writes <c>LossGradient</c>, the batched forward and backward passes, <see cref="ITrainable"/>, and
/// <c>LossGraph</c>, the passes drawn as a Mermaid diagram (Digits <c>--graph</c>).
/// </summary>
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

    [Differentiable(Graph = true)]
    public float Loss([NoDiff] Vec x, int label)
        => SoftmaxCrossEntropy(W2 * Relu(W1 * x + b1) + b2, label);
}
