using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.CustomLayers;

/// <summary>A 5 → 8 → 3 classifier whose hidden activation is the custom layer <see cref="Swish"/> (of another type).</summary>
public sealed partial class SwishNet : Model, ILabelLoss<SwishNet.LossWorkspace>
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;

    public SwishNet(int seed = 0)
    {
        W1 = Parameters.Matrix(8, 5, Init.Xavier(seed));
        b1 = Parameters.Vector(8, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(3, 8, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(3);
    }

    [Differentiable]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W2 * Swish.Of(W1 * x + b1) + b2, label);
}
