using SymbolicGrad.Network.Tests.Models.Forward;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.SecondOrder;

/// <summary>The small CNN of the brief: 1×8×8 → conv 3×3 → 3×6×6 → ReLU → max pool 2 → 3×3×3 → dense 27 → 4 → softmax cross-entropy.</summary>
public sealed partial class HvpCnnNet : Model
{
    private readonly Conv2d conv;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>He filters, random conv biases (ReLU kinks and pooling ties away from the sample), a Xavier dense layer.</summary>
    public HvpCnnNet(int seed)
    {
        conv = Parameters.Conv2d(1, 3, kernel: 3, init: Init.He(seed));
        W = Parameters.Matrix(4, 27, Init.Xavier(seed + 1));
        b = Parameters.Vector(4, Init.Normal(0.3f, seed + 2));
        ConvJvpInit.RandomBias(conv, seed);
    }

    /// <summary>The convolution reads the data: the tangent of its weight gradient has no tx term.</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec x, int label) =>
        SoftmaxCrossEntropy(W * Flatten(MaxPool2d(Relu(Conv2d(x.AsImage(1, 8, 8), conv)), 2)) + b, label);
}

/// <summary>
/// Two convolutions, the second strided and padded and reading the first's output (so its input gradient's tangent has
/// the convᵀ(tW, g) term and its weight gradient's the g⋆tx term): 2×8×8 → conv 3×3 pad 1 → 3×8×8 → tanh → conv 3×3
/// stride 2 pad 1 → 4×4×4 → tanh → max pool 2 → 4×2×2 → dense 16 → 3.
/// </summary>
public sealed partial class HvpTwoConvNet : Model
{
    private readonly Conv2d conv1, conv2;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>He filters, random conv biases, a Xavier dense layer.</summary>
    public HvpTwoConvNet(int seed)
    {
        conv1 = Parameters.Conv2d(2, 3, kernel: 3, padding: 1, init: Init.He(seed));
        conv2 = Parameters.Conv2d(3, 4, kernel: 3, stride: 2, padding: 1, init: Init.He(seed + 1));
        W = Parameters.Matrix(3, 16, Init.Xavier(seed + 2));
        b = Parameters.Vector(3, Init.Normal(0.3f, seed + 3));
        ConvJvpInit.RandomBias(conv1, seed);
        ConvJvpInit.RandomBias(conv2, seed + 1);
    }

    /// <summary>A CNN of two convolutions.</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec x, int label)
    {
        // Tanh, not ReLU: 256 pre-activations moved by central differences would cross a ReLU kink for some seeds.
        Image h = Tanh(Flatten(Conv2d(x.AsImage(2, 8, 8), conv1))).AsImage(3, 8, 8);
        h = Tanh(Flatten(Conv2d(h, conv2))).AsImage(4, 4, 4);
        return SoftmaxCrossEntropy(W * Flatten(MaxPool2d(h, 2)) + b, label);
    }
}

/// <summary>
/// A convolution after a dense layer (its input's tangent is a dense layer's), a 4×4 kernel with padding 2, a pointwise
/// (1×1) convolution and overlapping pooling (window 3, stride 2); regression with Mse:
/// 6 → 50 = 2×5×5 → conv 4×4 pad 2 → 3×6×6 → tanh → conv 1×1 → 2×6×6 → max pool 3 stride 2 → 2×2×2 → 8 → 3.
/// </summary>
public sealed partial class HvpStemConvNet : Model
{
    private readonly Mat Stem, Head;
    private readonly Vec stemBias;
    private readonly Conv2d wide, pointwise;

    /// <summary>Xavier dense layers, He filters, random conv biases.</summary>
    public HvpStemConvNet(int seed)
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
    [Differentiable(Hessian = true)]
    public float Error([NoDiff] Vec x, [NoDiff] Vec y)
    {
        Vec h = Tanh(Stem * x + stemBias);
        Image image = Tanh(Flatten(Conv2d(h.AsImage(2, 5, 5), wide))).AsImage(3, 6, 6);
        image = Conv2d(image, pointwise);
        return Mse(Head * Flatten(MaxPool2d(image, 3, 2)), y);
    }
}

/// <summary>Dropout on the input and on the hidden layer: 5 → 8 (tanh, dropout) → 3.</summary>
public sealed partial class HvpDropoutNet : Model
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;
    private readonly float p;

    /// <summary>Xavier weights, random biases, dropout probability <paramref name="p"/>.</summary>
    public HvpDropoutNet(float p, int seed)
    {
        W1 = Parameters.Matrix(8, 5, Init.Xavier(seed));
        b1 = Parameters.Vector(8, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(3, 8, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(3, Init.Normal(0.3f, seed + 3));
        this.p = p;
    }

    /// <summary>SoftmaxCrossEntropy(W2·dropout(tanh(W1·dropout(x) + b1)) + b2, label).</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W2 * Dropout(Tanh(W1 * Dropout(x, p) + b1), p) + b2, label);
}

/// <summary>A convolution, pooling and dropout together: 1×6×6 → conv 3×3 pad 1 → 2×6×6 → tanh → max pool 2 → 2×3×3 → dropout → dense 18 → 3.</summary>
public sealed partial class HvpConvDropoutNet : Model
{
    private readonly Conv2d conv;
    private readonly Mat W;
    private readonly Vec b;
    private readonly float p;

    /// <summary>He filters, random conv biases, a Xavier dense layer.</summary>
    public HvpConvDropoutNet(float p, int seed)
    {
        conv = Parameters.Conv2d(1, 2, kernel: 3, padding: 1, init: Init.He(seed));
        W = Parameters.Matrix(3, 18, Init.Xavier(seed + 1));
        b = Parameters.Vector(3, Init.Normal(0.3f, seed + 2));
        ConvJvpInit.RandomBias(conv, seed);
        this.p = p;
    }

    /// <summary>Dropout of the pooled features before the dense layer.</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec x, int label) =>
        SoftmaxCrossEntropy(W * Dropout(Flatten(MaxPool2d(Tanh(Flatten(Conv2d(x.AsImage(1, 6, 6), conv))).AsImage(2, 6, 6), 2)), p) + b, label);
}

/// <summary>
/// Max pooling of a dense layer's output viewed as a 1×2×16 image, squared and summed: L = Σₒ yₒ², so ∂L/∂yₒ = 2yₒ and
/// its tangent 2·tyₒ is routed to the input output o took. Pixels given the same row of <c>W</c> and the same bias tie
/// exactly in value while their tangents (their own entries of the direction) differ, so H·v shows which tied pixel
/// pooling took.
/// </summary>
public sealed partial class HvpPoolTieNet : Model
{
    /// <summary>Pixels (32) × inputs (3).</summary>
    public readonly Mat W;

    /// <summary>One bias per pixel.</summary>
    public readonly Vec b;

    /// <summary>Weights and biases set by the test.</summary>
    public HvpPoolTieNet()
    {
        W = Parameters.Matrix(32, 3, Init.Zeros);
        b = Parameters.Vector(32);
    }

    /// <summary>Σ maxpool((W·x + b) as 1×2×16, 2)²: eight disjoint windows.</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec x) => Sum(Square(Flatten(MaxPool2d((W * x + b).AsImage(1, 2, 16), 2))));

    /// <summary>Σ maxpool((W·x + b) as 1×2×16, 2, stride 1)²: fifteen overlapping windows.</summary>
    [Differentiable(Hessian = true)]
    public float Overlapping([NoDiff] Vec x) => Sum(Square(Flatten(MaxPool2d((W * x + b).AsImage(1, 2, 16), 2, 1))));
}

/// <summary>Batch norm on the input and on the hidden layer (its Hvp in evaluation mode): 4 → (batch norm) → 6 (batch norm, tanh) → 3.</summary>
public sealed partial class HvpBatchNormNet : Model
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;
    private readonly BatchNorm inputNorm, bn;

    /// <summary>γ, β and the running statistics away from 1 and 0.</summary>
    public HvpBatchNormNet(int seed)
    {
        inputNorm = Parameters.BatchNorm(4);
        W1 = Parameters.Matrix(6, 4, Init.Xavier(seed));
        b1 = Parameters.Vector(6, Init.Normal(0.3f, seed + 1));
        bn = Parameters.BatchNorm(6);
        W2 = Parameters.Matrix(3, 6, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(3, Init.Normal(0.3f, seed + 3));
        HvpNormInit.Randomize(seed, inputNorm, bn);
    }

    /// <summary>SoftmaxCrossEntropy(W2·tanh(bn(W1·inputNorm(x) + b1)) + b2, label).</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W2 * Tanh(BatchNorm(W1 * BatchNorm(x, inputNorm) + b1, bn)) + b2, label);
}

/// <summary>
/// Batch norm of a convolution's channels (BatchNorm2d) before dropout: 1×6×6 → conv 3×3 → 3×4×4 → batch norm → tanh →
/// dropout → dense 48 → 3. No pooling: the normalized features of 48 pixels sat close enough to ties in 2×2 windows
/// that central differences crossed an argmax switch for one seed (pooling is covered by the models above).
/// </summary>
public sealed partial class HvpConvBatchNormNet : Model
{
    private readonly Conv2d conv;
    private readonly BatchNorm bn;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>He filters, random conv biases, γ, β and running statistics away from 1 and 0.</summary>
    public HvpConvBatchNormNet(int seed)
    {
        conv = Parameters.Conv2d(1, 3, kernel: 3, init: Init.He(seed));
        bn = Parameters.BatchNorm(3);
        W = Parameters.Matrix(3, 48, Init.Xavier(seed + 1));
        b = Parameters.Vector(3, Init.Normal(0.3f, seed + 2));
        ConvJvpInit.RandomBias(conv, seed);
        HvpNormInit.Randomize(seed, bn);
    }

    /// <summary>Softmax cross-entropy of a dense layer over dropout of the normalized features.</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec x, int label) =>
        SoftmaxCrossEntropy(W * Dropout(Tanh(Flatten(BatchNorm(Conv2d(x.AsImage(1, 6, 6), conv), bn))), 0.25f) + b, label);
}

/// <summary>Shared set-up of the batch-norm models.</summary>
internal static class HvpNormInit
{
    /// <summary>γ in [0.5, 1.5), β and running means in [−0.5, 0.5), running variances in [0.5, 1.5).</summary>
    public static void Randomize(int seed, params BatchNorm[] norms)
    {
        var random = new Random(seed);
        foreach (var norm in norms)
        {
            for (int i = 0; i < norm.Features; i++)
            {
                norm.Gamma[i] = 0.5f + (float)random.NextDouble();
                norm.Beta[i] = (float)random.NextDouble() - 0.5f;
                norm.RunningMean[i] = (float)random.NextDouble() - 0.5f;
                norm.RunningVariance[i] = 0.5f + (float)random.NextDouble();
            }
        }
    }
}
