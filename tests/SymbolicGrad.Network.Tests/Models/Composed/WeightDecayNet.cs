using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Composed;

/// <summary>
/// A regression MLP with an L2 penalty on its biases: a term that depends on parameters only, so the batch mean
/// counts it once and its gradient is not scaled by the batch size.
/// </summary>
public sealed partial class WeightDecayNet : Model, ITargetLoss<WeightDecayNet.LossWorkspace>
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;

    /// <summary>5 → 7 (tanh) → 3.</summary>
    public WeightDecayNet(int seed = 0)
    {
        W1 = Parameters.Matrix(7, 5, Init.Xavier(seed));
        b1 = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
        W2 = Parameters.Matrix(3, 7, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(3, Init.Normal(0.5f, seed + 3));
    }

    /// <summary>Mse(W2·tanh(W1·x + b1) + b2, target) + 0.05·(|b1|² + |b2|²).</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target)
        => Mse(W2 * Tanh(W1 * x + b1) + b2, target) + 0.05f * (Dot(b1, b1) + Dot(b2, b2));
}
