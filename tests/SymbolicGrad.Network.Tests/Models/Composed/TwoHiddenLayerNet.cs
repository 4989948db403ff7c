using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Composed;

/// <summary>An MLP with two ReLU hidden layers, written with locals.</summary>
public sealed partial class TwoHiddenLayerNet : Model, ILabelLoss<TwoHiddenLayerNet.LossWorkspace>
{
    private readonly Mat W1, W2, W3;
    private readonly Vec b1, b2, b3;

    /// <summary>5 → 7 → 6 → 3.</summary>
    public TwoHiddenLayerNet(int seed = 0)
    {
        W1 = Parameters.Matrix(7, 5, Init.He(seed));
        b1 = Parameters.Vector(7, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(6, 7, Init.He(seed + 2));
        b2 = Parameters.Vector(6, Init.Normal(0.3f, seed + 3));
        W3 = Parameters.Matrix(3, 6, Init.Xavier(seed + 4));
        b3 = Parameters.Vector(3, Init.Normal(0.3f, seed + 5));
    }

    /// <summary>Softmax cross-entropy of W3·h2 + b3 with h2 = relu(W2·h1 + b2), h1 = relu(W1·x + b1).</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h1 = Relu(W1 * x + b1);
        Vec h2 = Relu(W2 * h1 + b2);
        return SoftmaxCrossEntropy(W3 * h2 + b3, label);
    }
}
