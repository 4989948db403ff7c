using SymbolicGrad;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Samples.Digits;

/// <summary>
/// A LeNet-style convolutional net for 28 × 28 digits: conv 5×5 (1 → 16 channels, padding 2) → max pool 2 → ReLU →
/// conv 5×5 (16 → 32) → max pool 2 → ReLU → dense 800 → hidden → ReLU → dropout → dense → 10 class scores.
/// </summary>
/// <remarks>ReLU after pooling rather than before: the same values (max and ReLU commute), on a quarter of the pixels.</remarks>
public sealed partial class DigitCnn : Model
{
    /// <summary>Output channels of the two convolutions.</summary>
    public const int Channels1 = 16, Channels2 = 32;

    readonly Conv2d conv1, conv2;
    readonly Mat W1, W2;
    readonly Vec b1, b2;
    readonly float dropout;

    /// <param name="hidden">Units of the dense hidden layer.</param>
    /// <param name="classes">Class scores.</param>
    /// <param name="dropout">Probability of dropping a hidden unit in training (0: none).</param>
    /// <param name="seed">Seed of the initial weights.</param>
    public DigitCnn(int hidden, int classes, float dropout, int seed = 0)
    {
        conv1 = Parameters.Conv2d(1, Channels1, kernel: 5, padding: 2, init: Init.He(seed));
        conv2 = Parameters.Conv2d(Channels1, Channels2, kernel: 5, init: Init.He(seed + 1));
        W1 = Parameters.Matrix(hidden, Channels2 * 5 * 5, Init.He(seed + 2));
        b1 = Parameters.Vector(hidden);
        W2 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 3));
        b2 = Parameters.Vector(classes);
        this.dropout = dropout;
        RandomSeed = seed;
    }

    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Image h = Relu(MaxPool2d(Conv2d(x.AsImage(1, 28, 28), conv1), 2)); // 16 × 14 × 14
        h = Relu(MaxPool2d(Conv2d(h, conv2), 2));                         // 32 × 5 × 5
        Vec hidden = Dropout(Relu(W1 * Flatten(h) + b1), dropout);
        return SoftmaxCrossEntropy(W2 * hidden + b2, label);
    }
}
