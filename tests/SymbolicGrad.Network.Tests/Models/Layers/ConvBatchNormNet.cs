using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Layers;

/// <summary>Convolution, batch norm of the image (per channel, over the batch and the pixels), tanh, dense: 1×5×5 → 3×3×3 → 27 → 2.</summary>
public sealed partial class ConvBatchNormNet : Model
{
    private readonly Conv2d conv;
    private readonly BatchNorm bn;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>The layers, with γ and β made random.</summary>
    public ConvBatchNormNet(int seed = 0)
    {
        conv = Parameters.Conv2d(1, 3, kernel: 3, init: Init.He(seed));
        bn = Parameters.BatchNorm(3);
        W = Parameters.Matrix(2, 27, Init.Xavier(seed + 1));
        b = Parameters.Vector(2);
        var random = new Random(seed);
        for (int i = 0; i < 3; i++)
        {
            bn.Gamma[i] = 0.5f + (float)random.NextDouble();
            bn.Beta[i] = (float)random.NextDouble() - 0.5f;
        }
    }

    /// <summary>The batch-norm layer.</summary>
    public BatchNorm Norm => bn;

    /// <summary>Every sample's gradient depends on the whole batch through the per-channel statistics.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W * Tanh(Flatten(BatchNorm(Conv2d(x.AsImage(1, 5, 5), conv), bn))) + b, label);
}
