using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Composed;

/// <summary>The north-star model of the design: one ReLU hidden layer and softmax cross-entropy.</summary>
public sealed partial class DigitNet : Model, ILabelLoss<DigitNet.LossWorkspace>
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;

    /// <summary>inputs → hidden (ReLU) → classes, initialized as in the design document.</summary>
    public DigitNet(int inputs, int hidden, int classes, int seed = 0)
    {
        W1 = Parameters.Matrix(hidden, inputs, Init.He(seed));
        b1 = Parameters.Vector(hidden);
        W2 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 1));
        b2 = Parameters.Vector(classes);
    }

    /// <summary>SoftmaxCrossEntropy(W2·relu(W1·x + b1) + b2, label); LossJvp is its forward-mode derivative.</summary>
    [Differentiable(Jvp = true)]
    public float Loss([NoDiff] Vec x, int label)
        => SoftmaxCrossEntropy(W2 * Relu(W1 * x + b1) + b2, label);
}
