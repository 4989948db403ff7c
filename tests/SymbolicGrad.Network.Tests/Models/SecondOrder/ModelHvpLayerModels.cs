using SymbolicGrad.Network.Tests.Models.Layers;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.SecondOrder;

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
        ConvInit.RandomBias(conv, seed);
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
        ConvInit.RandomBias(conv, seed);
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
