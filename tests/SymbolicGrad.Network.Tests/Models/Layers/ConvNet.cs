using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Layers;

/// <summary>
/// Two convolutions with several channels, padding and a stride of 2, then a dense layer: 2×7×7 → conv 3×3 pad 1 →
/// 3×7×7 → conv 2×2 stride 2 pad 1 → 4×4×4 → 64 → 3. Smooth (no pooling), so finite differences check every partial.
/// </summary>
public sealed partial class ConvNet : Model
{
    private readonly Conv2d conv1, conv2;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>The layers, with random biases.</summary>
    public ConvNet(int seed = 0)
    {
        conv1 = Parameters.Conv2d(2, 3, kernel: 3, padding: 1, init: Init.He(seed));
        conv2 = Parameters.Conv2d(3, 4, kernel: 2, stride: 2, padding: 1, init: Init.He(seed + 1));
        W = Parameters.Matrix(3, 64, Init.Xavier(seed + 2));
        b = Parameters.Vector(3);
        var random = new Random(seed);
        foreach (var v in new[] { conv1.Bias, conv2.Bias })
        {
            for (int i = 0; i < v.Length; i++) v[i] = (float)random.NextDouble() - 0.5f;
        }
    }

    /// <summary>A small CNN.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Image h = Conv2d(x.AsImage(2, 7, 7), conv1);
        h = Conv2d(h, conv2);
        return SoftmaxCrossEntropy(W * Tanh(Flatten(h)) + b, label);
    }
}
