using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Layers;

/// <summary>
/// A pointwise convolution (1×1: each channel a scaled, shifted copy of the input), overlapping max pooling (window 3,
/// stride 2), ReLU and a dense layer: 1×6×6 → 2×6×6 → 2×2×2 → 8 → 3. Scaling by a positive weight keeps the order of a
/// window's values, so finite differences of the weights never cross a pooling kink.
/// </summary>
public sealed partial class PoolNet : Model
{
    private readonly Conv2d conv;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>Positive 1×1 filters and biases.</summary>
    public PoolNet(int seed = 0)
    {
        conv = Parameters.Conv2d(1, 2, kernel: 1);
        conv.Weights[0, 0] = 0.8f;
        conv.Weights[1, 0] = 1.3f;
        conv.Bias[0] = 2f;
        conv.Bias[1] = 1.5f;
        W = Parameters.Matrix(3, 8, Init.Xavier(seed));
        b = Parameters.Vector(3);
    }

    /// <summary>Pooling, then ReLU of the image (positive here, so away from its kink).</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label) =>
        SoftmaxCrossEntropy(W * Flatten(Relu(MaxPool2d(Conv2d(x.AsImage(1, 6, 6), conv), 3, 2))) + b, label);
}
