using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Reductions;

/// <summary>Sum straight over a layer's output: the adjoint reaching W·x + b is one scalar per sample, broadcast.</summary>
public sealed partial class AffineSumNet : Model, IInputLoss<AffineSumNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 7 layer.</summary>
    public AffineSumNet(int seed = 0)
    {
        W = Parameters.Matrix(7, 5, Init.He(seed));
        b = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>s = Σ(W·x + b); s².</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x)
    {
        float s = Sum(W * x + b);
        return s * s;
    }
}
