using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Names;

/// <summary>
/// Parameters named like those of the generated methods (workspace: LossForward's; targets: ITrainable.BatchLoss's)
/// and a local named like the generated loops' sum.
/// </summary>
public sealed partial class ClashNet : Model, ITargetLoss<ClashNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 3 (tanh) regression.</summary>
    public ClashNet(int seed = 0)
    {
        W = Parameters.Matrix(3, 5, Init.Xavier(seed));
        b = Parameters.Vector(3, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>Mse(tanh(W·workspace + b), targets).</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec workspace, [NoDiff] Vec targets)
    {
        Vec sum = Tanh(W * workspace + b);
        return Mse(sum, targets);
    }
}
