using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Layers;

/// <summary>The small CNN: 1×8×8 → conv 3×3 → 3×6×6 → ReLU → max pool 2 → 3×3×3 → dense 27 → 4 → softmax cross-entropy.</summary>
public sealed partial class CnnNet : Model
{
    private readonly Conv2d conv;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>He filters, random conv biases (ReLU kinks and pooling ties away from the sample), a Xavier dense layer.</summary>
    public CnnNet(int seed)
    {
        conv = Parameters.Conv2d(1, 3, kernel: 3, init: Init.He(seed));
        W = Parameters.Matrix(4, 27, Init.Xavier(seed + 1));
        b = Parameters.Vector(4, Init.Normal(0.3f, seed + 2));
        ConvInit.RandomBias(conv, seed);
    }

    /// <summary>
    /// The convolution reads the data: its tangent is conv(x, tW) + tb only, and the tangent of its weight gradient has
    /// no tx term.
    /// </summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public float Loss([NoDiff] Vec x, int label) =>
        SoftmaxCrossEntropy(W * Flatten(MaxPool2d(Relu(Conv2d(x.AsImage(1, 8, 8), conv)), 2)) + b, label);
}

/// <summary>
/// Two convolutions, the second strided and padded and reading the first's output (so its tangent has the conv(tx, W)
/// term, its input gradient's tangent the convᵀ(tW, g) term and its weight gradient's the g⋆tx term): 2×8×8 → conv 3×3
/// pad 1 → 3×8×8 → tanh → conv 3×3 stride 2 pad 1 → 4×4×4 → tanh → max pool 2 → 4×2×2 → dense 16 → 3.
/// </summary>
public sealed partial class TwoConvNet : Model
{
    private readonly Conv2d conv1, conv2;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>He filters, random conv biases, a Xavier dense layer.</summary>
    public TwoConvNet(int seed)
    {
        conv1 = Parameters.Conv2d(2, 3, kernel: 3, padding: 1, init: Init.He(seed));
        conv2 = Parameters.Conv2d(3, 4, kernel: 3, stride: 2, padding: 1, init: Init.He(seed + 1));
        W = Parameters.Matrix(3, 16, Init.Xavier(seed + 2));
        b = Parameters.Vector(3, Init.Normal(0.3f, seed + 3));
        ConvInit.RandomBias(conv1, seed);
        ConvInit.RandomBias(conv2, seed + 1);
    }

    /// <summary>A CNN of two convolutions.</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public float Loss([NoDiff] Vec x, int label)
    {
        // Tanh, not ReLU: 256 pre-activations moved by central differences would cross a ReLU kink for some seeds.
        Image h = Tanh(Flatten(Conv2d(x.AsImage(2, 8, 8), conv1))).AsImage(3, 8, 8);
        h = Tanh(Flatten(Conv2d(h, conv2))).AsImage(4, 4, 4);
        return SoftmaxCrossEntropy(W * Flatten(MaxPool2d(h, 2)) + b, label);
    }
}

/// <summary>
/// A convolution whose input is not the data but a dense layer's output (its tangent has the conv(tx, W) term and no
/// data term), a 4×4 kernel with padding 2, a pointwise (1×1) convolution and overlapping pooling (window 3, stride 2);
/// regression with Mse.
/// </summary>
public sealed partial class StemConvNet : Model
{
    private readonly Mat Stem, Head;
    private readonly Vec stemBias;
    private readonly Conv2d wide, pointwise;

    /// <summary>6 → 50 = 2×5×5 → conv 4×4 stride 1 pad 2 → 3×6×6 → conv 1×1 → 2×6×6 → max pool 3 stride 2 → 2×2×2 → 8 → 3.</summary>
    public StemConvNet(int seed)
    {
        Stem = Parameters.Matrix(50, 6, Init.Xavier(seed));
        stemBias = Parameters.Vector(50, Init.Normal(0.3f, seed + 1));
        wide = Parameters.Conv2d(2, 3, kernel: 4, stride: 1, padding: 2, init: Init.He(seed + 2));
        pointwise = Parameters.Conv2d(3, 2, kernel: 1, init: Init.He(seed + 3));
        Head = Parameters.Matrix(3, 8, Init.Xavier(seed + 4));
        ConvInit.RandomBias(wide, seed + 2);
        ConvInit.RandomBias(pointwise, seed + 3);
    }

    /// <summary>Mse(Head·maxpool(pointwise(tanh(wide(tanh(Stem·x + stemBias)))), 3, 2), y).</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public float Error([NoDiff] Vec x, [NoDiff] Vec y)
    {
        Vec h = Tanh(Stem * x + stemBias);
        Image image = Tanh(Flatten(Conv2d(h.AsImage(2, 5, 5), wide))).AsImage(3, 6, 6);
        image = Conv2d(image, pointwise);
        return Mse(Head * Flatten(MaxPool2d(image, 3, 2)), y);
    }
}

/// <summary>Shared set-up of the convolution models.</summary>
internal static class ConvInit
{
    /// <summary>Biases in [−0.5, 0.5) so that no ReLU or pooling sits on a kink by construction.</summary>
    public static void RandomBias(Conv2d conv, int seed)
    {
        var random = new Random(seed * 31 + 7);
        for (int i = 0; i < conv.Bias.Length; i++) conv.Bias[i] = (float)random.NextDouble() - 0.5f;
    }
}
