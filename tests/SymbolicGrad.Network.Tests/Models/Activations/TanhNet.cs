using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Activations;

/// <summary>Tanh: Dot(target, tanh(W·x + b)).</summary>
public sealed partial class TanhNet : Model, ITargetLoss<TanhNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 7 layer; the bias is random so the activation sees varied pre-activations.</summary>
    public TanhNet(int seed = 0)
    {
        W = Parameters.Matrix(7, 5, Init.He(seed));
        b = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>The target weights each output differently, so a wrong element of the adjoint shows.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target) => Dot(target, Tanh(W * x + b));
}
