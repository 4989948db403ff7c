using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Losses;

/// <summary>Mean absolute error of a linear layer; the targets lie far from the outputs, away from the kink of |·|.</summary>
public sealed partial class MaeNet : Model, ITargetLoss<MaeNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 7 layer.</summary>
    public MaeNet(int seed = 0)
    {
        W = Parameters.Matrix(7, 5, Init.Xavier(seed));
        b = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>Mae(W·x + b, target).</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target) => Mae(W * x + b, target);
}
