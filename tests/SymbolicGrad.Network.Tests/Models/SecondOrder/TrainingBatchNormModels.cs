using SymbolicGrad.Network.Tests.Models.Layers;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.SecondOrder;

/// <summary>
/// Batch norm of a convolution's channels (BatchNorm2d) with no dropout, for the Jvp and the Hvp in training mode (the
/// statistics of one sample's positions): 2×6×6 → conv 3×3 → 3×4×4 → batch norm → tanh → dense 48 → 3.
/// </summary>
public sealed partial class TrainingConvNormNet : Model
{
    private readonly Conv2d conv;
    private readonly BatchNorm bn;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>He filters, random conv biases, γ, β and running statistics away from 1 and 0.</summary>
    public TrainingConvNormNet(int seed)
    {
        conv = Parameters.Conv2d(2, 3, kernel: 3, init: Init.He(seed));
        bn = Parameters.BatchNorm(3);
        W = Parameters.Matrix(3, 48, Init.Xavier(seed + 1));
        b = Parameters.Vector(3, Init.Normal(0.3f, seed + 2));
        ConvInit.RandomBias(conv, seed);
        HvpNormInit.Randomize(seed, bn);
    }

    /// <summary>SoftmaxCrossEntropy(W·tanh(bn(conv(x))) + b, label).</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public float Loss([NoDiff] Vec x, int label) =>
        SoftmaxCrossEntropy(W * Tanh(Flatten(BatchNorm(Conv2d(x.AsImage(2, 6, 6), conv), bn))) + b, label);
}

/// <summary>
/// The usual CNN block, in training mode: 1×8×8 → conv 3×3 pad 1 → 4×8×8 → batch norm → ReLU → max pool 2 → 4×4×4 →
/// dense 64 → 3, softmax cross-entropy.
/// </summary>
public sealed partial class TrainingConvNormPoolNet : Model
{
    private readonly Conv2d conv;
    private readonly BatchNorm bn;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>He filters, random conv biases, γ, β and running statistics away from 1 and 0.</summary>
    public TrainingConvNormPoolNet(int seed)
    {
        conv = Parameters.Conv2d(1, 4, kernel: 3, padding: 1, init: Init.He(seed));
        bn = Parameters.BatchNorm(4);
        W = Parameters.Matrix(3, 64, Init.Xavier(seed + 1));
        b = Parameters.Vector(3, Init.Normal(0.3f, seed + 2));
        ConvInit.RandomBias(conv, seed);
        HvpNormInit.Randomize(seed, bn);
    }

    /// <summary>SoftmaxCrossEntropy(W·maxpool(relu(bn(conv(x))), 2) + b, label).</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public float Loss([NoDiff] Vec x, int label) =>
        SoftmaxCrossEntropy(W * Flatten(MaxPool2d(Relu(BatchNorm(Conv2d(x.AsImage(1, 8, 8), conv), bn)), 2)) + b, label);
}
