using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Composed;

/// <summary>Dense connections: each layer sees the concatenation of the earlier ones (the input included).</summary>
public sealed partial class DenseConnectionNet : Model, ILabelLoss<DenseConnectionNet.LossWorkspace>
{
    private readonly Mat W1, W2, W3;
    private readonly Vec b1, b2, b3;

    /// <summary>h1: 5 → 6; h2: [x; h1] (11) → 4; output: [h1; h2] (10) → 3.</summary>
    public DenseConnectionNet(int seed = 0)
    {
        W1 = Parameters.Matrix(6, 5, Init.Xavier(seed));
        b1 = Parameters.Vector(6, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(4, 11, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(4, Init.Normal(0.3f, seed + 3));
        W3 = Parameters.Matrix(3, 10, Init.Xavier(seed + 4));
        b3 = Parameters.Vector(3, Init.Normal(0.3f, seed + 5));
    }

    /// <summary>h1 = tanh(W1·x + b1); h2 = tanh(W2·[x; h1] + b2); softmax cross-entropy of W3·[h1; h2] + b3.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h1 = Tanh(W1 * x + b1);
        Vec h2 = Tanh(W2 * Concat(x, h1) + b2);
        return SoftmaxCrossEntropy(W3 * Concat(h1, h2) + b3, label);
    }
}
