using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Composed;

/// <summary>The lectures' three-layer sigmoid network with binary cross-entropy.</summary>
public sealed partial class LectureSigmoidBinaryCrossEntropyNet : Model, ITargetLoss<LectureSigmoidBinaryCrossEntropyNet.LossWorkspace>
{
    private readonly Mat W1, W2, W3;
    private readonly Vec b1, b2, b3;

    /// <summary>5 → 7 → 6 → 3, sigmoid after every layer.</summary>
    public LectureSigmoidBinaryCrossEntropyNet(int seed = 0)
    {
        W1 = Parameters.Matrix(7, 5, Init.Xavier(seed));
        b1 = Parameters.Vector(7, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(6, 7, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(6, Init.Normal(0.3f, seed + 3));
        W3 = Parameters.Matrix(3, 6, Init.Xavier(seed + 4));
        b3 = Parameters.Vector(3, Init.Normal(0.3f, seed + 5));
    }

    /// <summary>y = σ(W3·σ(W2·σ(W1·x + b1) + b2) + b3); BinaryCrossEntropy(y, target) for targets in [0, 1].</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target)
    {
        Vec h1 = Sigmoid(W1 * x + b1);
        Vec h2 = Sigmoid(W2 * h1 + b2);
        Vec y = Sigmoid(W3 * h2 + b3);
        return BinaryCrossEntropy(y, target);
    }
}
