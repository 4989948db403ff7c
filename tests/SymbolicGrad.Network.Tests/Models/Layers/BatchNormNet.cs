using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Layers;

/// <summary>Dense, batch norm, tanh, dense: batch norm of vectors (PyTorch's BatchNorm1d).</summary>
public sealed partial class BatchNormNet : Model
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;
    private readonly BatchNorm bn;

    /// <summary>A 4 → 6 → 3 classifier with γ and β made random, so their gradients are not those of the identity.</summary>
    public BatchNormNet(int seed = 0)
    {
        W1 = Parameters.Matrix(6, 4, Init.Xavier(seed));
        b1 = Parameters.Vector(6, Init.Normal(0.3f, seed + 1));
        bn = Parameters.BatchNorm(6);
        W2 = Parameters.Matrix(3, 6, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(3);
        var random = new Random(seed);
        for (int i = 0; i < 6; i++)
        {
            bn.Gamma[i] = 0.5f + (float)random.NextDouble();
            bn.Beta[i] = (float)random.NextDouble() - 0.5f;
        }
    }

    /// <summary>The layer.</summary>
    public BatchNorm Norm => bn;

    /// <summary>Every sample's loss depends on the whole batch through the statistics.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W2 * Tanh(BatchNorm(W1 * x + b1, bn)) + b2, label);
}
