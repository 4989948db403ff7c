using SymbolicGrad.Network.Tests.Models.Layers;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Forward;

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
        ConvInit.RandomBias(conv, seed);
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
