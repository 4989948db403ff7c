using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Reductions;

/// <summary>Mean of an activation and of a linear layer.</summary>
public sealed partial class MeanNet : Model, IInputLoss<MeanNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 7 layer.</summary>
    public MeanNet(int seed = 0)
    {
        W = Parameters.Matrix(7, 5, Init.He(seed));
        b = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>m = mean(σ(z)); m² + 0.3·mean(z) with z = W·x + b.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x)
    {
        Vec z = W * x + b;
        float m = Mean(Sigmoid(z));
        return m * m + 0.3f * Mean(z);
    }
}
