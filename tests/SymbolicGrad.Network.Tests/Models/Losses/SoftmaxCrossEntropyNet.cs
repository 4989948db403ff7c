using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Losses;

/// <summary>Softmax cross-entropy of a linear layer (multinomial logistic regression).</summary>
public sealed partial class SoftmaxCrossEntropyNet : Model, ILabelLoss<SoftmaxCrossEntropyNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 3 layer.</summary>
    public SoftmaxCrossEntropyNet(int seed = 0)
    {
        W = Parameters.Matrix(3, 5, Init.Xavier(seed));
        b = Parameters.Vector(3, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>SoftmaxCrossEntropy(W·x + b, label).</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W * x + b, label);
}
