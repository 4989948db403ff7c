using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Reductions;

/// <summary>Sum, followed by scalar math so its adjoint is not 1.</summary>
public sealed partial class SumNet : Model, IInputLoss<SumNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 7 layer.</summary>
    public SumNet(int seed = 0)
    {
        W = Parameters.Matrix(7, 5, Init.He(seed));
        b = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>s = Σ tanh(W·x + b); sin(s) + s²/2.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x)
    {
        float s = Sum(Tanh(W * x + b));
        return MathF.Sin(s) + 0.5f * s * s;
    }
}
