using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Losses;

/// <summary>Binary cross-entropy of a sigmoid output (logistic regression, several outputs).</summary>
public sealed partial class BinaryCrossEntropyNet : Model, ITargetLoss<BinaryCrossEntropyNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 7 layer.</summary>
    public BinaryCrossEntropyNet(int seed = 0)
    {
        W = Parameters.Matrix(7, 5, Init.Xavier(seed));
        b = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>BinaryCrossEntropy(σ(W·x + b), target) for targets in [0, 1].</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target) => BinaryCrossEntropy(Sigmoid(W * x + b), target);
}
