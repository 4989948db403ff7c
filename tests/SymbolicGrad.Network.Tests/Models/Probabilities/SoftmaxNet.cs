using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Probabilities;

/// <summary>Softmax under a weighted sum: the full softmax Jacobian, not the cross-entropy shortcut.</summary>
public sealed partial class SoftmaxNet : Model, ITargetLoss<SoftmaxNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 7 layer of logits.</summary>
    public SoftmaxNet(int seed = 0)
    {
        W = Parameters.Matrix(7, 5, Init.He(seed));
        b = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>Dot(target, softmax(W·x + b)).</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target) => Dot(target, Softmax(W * x + b));
}
