using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Composed;

/// <summary>
/// One layer applied twice (an unrolled recurrent step) with the state reassigned: W and b are read twice, so their
/// gradients are the sum of two contributions.
/// </summary>
public sealed partial class TiedWeightsNet : Model, ITargetLoss<TiedWeightsNet.LossWorkspace>
{
    private readonly Mat W, V;
    private readonly Vec b, c;

    /// <summary>A 5 → 5 layer used twice, then 5 → 3.</summary>
    public TiedWeightsNet(int seed = 0)
    {
        W = Parameters.Matrix(5, 5, Init.Xavier(seed));
        b = Parameters.Vector(5, Init.Normal(0.3f, seed + 1));
        V = Parameters.Matrix(3, 5, Init.Xavier(seed + 2));
        c = Parameters.Vector(3, Init.Normal(0.3f, seed + 3));
    }

    /// <summary>h = tanh(W·x + b); h = tanh(W·h + b) + h; Mse(V·h + c, target).</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target)
    {
        Vec h = Tanh(W * x + b);
        h = Tanh(W * h + b) + h;
        return Mse(V * h + c, target);
    }
}
