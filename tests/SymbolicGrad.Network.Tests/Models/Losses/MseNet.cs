using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Losses;

/// <summary>Mean squared error of a linear layer (least squares).</summary>
public sealed partial class MseNet : Model, ITargetLoss<MseNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 7 layer.</summary>
    public MseNet(int seed = 0)
    {
        W = Parameters.Matrix(7, 5, Init.Xavier(seed));
        b = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>Mse(W·x + b, target).</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target) => Mse(W * x + b, target);
}
