using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Forward;

/// <summary>The small CNN: 1×8×8 → conv 3×3 → 3×6×6 → ReLU → max pool 2 → 3×3×3 → dense 27 → 4 → softmax cross-entropy.</summary>
public sealed partial class JvpCnnNet : Model
{
    private readonly Conv2d conv;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>He filters, random conv biases (ReLU kinks away from the sample), a Xavier dense layer.</summary>
    public JvpCnnNet(int seed)
    {
        conv = Parameters.Conv2d(1, 3, kernel: 3, init: Init.He(seed));
        W = Parameters.Matrix(4, 27, Init.Xavier(seed + 1));
        b = Parameters.Vector(4, Init.Normal(0.3f, seed + 2));
        ConvJvpInit.RandomBias(conv, seed);
    }

    /// <summary>The convolution reads the data: its tangent is conv(x, tW) + tb only.</summary>
    [Differentiable(Jvp = true)]
    public float Loss([NoDiff] Vec x, int label) =>
        SoftmaxCrossEntropy(W * Flatten(MaxPool2d(Relu(Conv2d(x.AsImage(1, 8, 8), conv)), 2)) + b, label);
}

/// <summary>
/// Two convolutions, the second strided and padded and reading the first's output (so its tangent has the
/// conv(tx, W) term): 2×8×8 → conv 3×3 pad 1 → 3×8×8 → tanh → conv 3×3 stride 2 pad 1 → 4×4×4 → tanh → max pool 2
/// → 4×2×2 → dense 16 → 3.
/// </summary>
public sealed partial class JvpTwoConvNet : Model
{
    private readonly Conv2d conv1, conv2;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>He filters, random conv biases, a Xavier dense layer.</summary>
    public JvpTwoConvNet(int seed)
    {
        conv1 = Parameters.Conv2d(2, 3, kernel: 3, padding: 1, init: Init.He(seed));
        conv2 = Parameters.Conv2d(3, 4, kernel: 3, stride: 2, padding: 1, init: Init.He(seed + 1));
        W = Parameters.Matrix(3, 16, Init.Xavier(seed + 2));
        b = Parameters.Vector(3, Init.Normal(0.3f, seed + 3));
        ConvJvpInit.RandomBias(conv1, seed);
        ConvJvpInit.RandomBias(conv2, seed + 1);
    }

    /// <summary>A CNN of two convolutions.</summary>
    [Differentiable(Jvp = true)]
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
public sealed partial class JvpStemConvNet : Model
{
    private readonly Mat Stem, Head;
    private readonly Vec stemBias;
    private readonly Conv2d wide, pointwise;

    /// <summary>6 → 50 = 2×5×5 → conv 4×4 stride 1 pad 2 → 3×6×6 → conv 1×1 → 2×6×6 → max pool 3 stride 2 → 2×2×2 → 8 → 3.</summary>
    public JvpStemConvNet(int seed)
    {
        Stem = Parameters.Matrix(50, 6, Init.Xavier(seed));
        stemBias = Parameters.Vector(50, Init.Normal(0.3f, seed + 1));
        wide = Parameters.Conv2d(2, 3, kernel: 4, stride: 1, padding: 2, init: Init.He(seed + 2));
        pointwise = Parameters.Conv2d(3, 2, kernel: 1, init: Init.He(seed + 3));
        Head = Parameters.Matrix(3, 8, Init.Xavier(seed + 4));
        ConvJvpInit.RandomBias(wide, seed + 2);
        ConvJvpInit.RandomBias(pointwise, seed + 3);
    }

    /// <summary>Mse(Head·maxpool(pointwise(tanh(wide(tanh(Stem·x + stemBias)))), 3, 2), y).</summary>
    [Differentiable(Jvp = true)]
    public float Error([NoDiff] Vec x, [NoDiff] Vec y)
    {
        Vec h = Tanh(Stem * x + stemBias);
        Image image = Tanh(Flatten(Conv2d(h.AsImage(2, 5, 5), wide))).AsImage(3, 6, 6);
        image = Conv2d(image, pointwise);
        return Mse(Head * Flatten(MaxPool2d(image, 3, 2)), y);
    }
}

/// <summary>A strided convolution with stride 3 over a padded input: 1×9×9 → conv 4×4 stride 3 pad 2 → 2×4×4 → max pool 2 → 2×2×2 → 8 → 3.</summary>
public sealed partial class JvpStridedConvNet : Model
{
    private readonly Conv2d conv;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>He filters, random biases.</summary>
    public JvpStridedConvNet(int seed)
    {
        conv = Parameters.Conv2d(1, 2, kernel: 4, stride: 3, padding: 2, init: Init.He(seed));
        W = Parameters.Matrix(3, 8, Init.Xavier(seed + 1));
        b = Parameters.Vector(3, Init.Normal(0.3f, seed + 2));
        ConvJvpInit.RandomBias(conv, seed);
    }

    /// <summary>Softmax cross-entropy of a dense layer over tanh of the pooled features.</summary>
    [Differentiable(Jvp = true)]
    public float Loss([NoDiff] Vec x, int label) =>
        SoftmaxCrossEntropy(W * Tanh(Flatten(MaxPool2d(Conv2d(x.AsImage(1, 9, 9), conv), 2))) + b, label);
}

/// <summary>
/// Max pooling of a dense layer's output viewed as a 1×2×16 image (2×2 windows, stride 2: eight outputs, the kernel's
/// vectorized path), summed: pixels given the same row of <c>W</c> and the same bias tie exactly in value, while their
/// tangents (their own entries of the direction) differ, so the tangent shows which tied pixel pooling took.
/// </summary>
public sealed partial class JvpPoolTieNet : Model
{
    /// <summary>Pixels (32) × inputs (3).</summary>
    public readonly Mat W;

    /// <summary>One bias per pixel.</summary>
    public readonly Vec b;

    /// <summary>Weights and biases set by the test.</summary>
    public JvpPoolTieNet()
    {
        W = Parameters.Matrix(32, 3, Init.Zeros);
        b = Parameters.Vector(32);
    }

    /// <summary>Σ maxpool((W·x + b) as 1×2×16, 2): eight disjoint windows.</summary>
    [Differentiable(Jvp = true)]
    public float Loss([NoDiff] Vec x) => Sum(Flatten(MaxPool2d((W * x + b).AsImage(1, 2, 16), 2)));

    /// <summary>Σ maxpool((W·x + b) as 1×2×16, 2, stride 1): fifteen overlapping windows (the kernel's scalar path).</summary>
    [Differentiable(Jvp = true)]
    public float Overlapping([NoDiff] Vec x) => Sum(Flatten(MaxPool2d((W * x + b).AsImage(1, 2, 16), 2, 1)));
}

/// <summary>Shared set-up of the convolution models.</summary>
internal static class ConvJvpInit
{
    /// <summary>Biases in [−0.5, 0.5) so that no ReLU or pooling sits on a kink by construction.</summary>
    public static void RandomBias(Conv2d conv, int seed)
    {
        var random = new Random(seed * 31 + 7);
        for (int i = 0; i < conv.Bias.Length; i++) conv.Bias[i] = (float)random.NextDouble() - 0.5f;
    }
}
