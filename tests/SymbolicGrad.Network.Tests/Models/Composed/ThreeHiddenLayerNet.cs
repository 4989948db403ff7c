using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Composed;

/// <summary>An MLP with three ReLU hidden layers.</summary>
public sealed partial class ThreeHiddenLayerNet : Model, ILabelLoss<ThreeHiddenLayerNet.LossWorkspace>
{
    private readonly Mat W1, W2, W3, W4;
    private readonly Vec b1, b2, b3, b4;

    /// <summary>5 → 7 → 6 → 5 → 3.</summary>
    public ThreeHiddenLayerNet(int seed = 0)
    {
        W1 = Parameters.Matrix(7, 5, Init.He(seed));
        b1 = Parameters.Vector(7, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(6, 7, Init.He(seed + 2));
        b2 = Parameters.Vector(6, Init.Normal(0.3f, seed + 3));
        W3 = Parameters.Matrix(5, 6, Init.He(seed + 4));
        b3 = Parameters.Vector(5, Init.Normal(0.3f, seed + 5));
        W4 = Parameters.Matrix(3, 5, Init.Xavier(seed + 6));
        b4 = Parameters.Vector(3, Init.Normal(0.3f, seed + 7));
    }

    /// <summary>Softmax cross-entropy after three relu(W·h + b) layers.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h1 = Relu(W1 * x + b1);
        Vec h2 = Relu(W2 * h1 + b2);
        Vec h3 = Relu(W3 * h2 + b3);
        return SoftmaxCrossEntropy(W4 * h3 + b4, label);
    }
}
