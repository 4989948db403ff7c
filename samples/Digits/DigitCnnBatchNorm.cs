using SymbolicGrad;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Samples.Digits;

/// <summary>
/// <see cref="DigitCnn"/> with batch normalization after each convolution (per channel) and after the dense hidden
/// layer (per unit), before the ReLU, as in the batch-norm paper; the dense layer before its batch norm has no bias (β
/// takes its place).
/// </summary>
public sealed partial class DigitCnnBatchNorm : Model
{
    readonly Conv2d conv1, conv2;
    readonly BatchNorm bn1, bn2, bn3;
    readonly Mat W1, W2;
    readonly Vec b2;
    readonly float dropout;

    /// <param name="hidden">Units of the dense hidden layer.</param>
    /// <param name="classes">Class scores.</param>
    /// <param name="dropout">Probability of dropping a hidden unit in training (0: none).</param>
    /// <param name="seed">Seed of the initial weights.</param>
    public DigitCnnBatchNorm(int hidden, int classes, float dropout, int seed = 0)
    {
        conv1 = Parameters.Conv2d(1, DigitCnn.Channels1, kernel: 5, padding: 2, init: Init.He(seed));
        bn1 = Parameters.BatchNorm(DigitCnn.Channels1);
        conv2 = Parameters.Conv2d(DigitCnn.Channels1, DigitCnn.Channels2, kernel: 5, init: Init.He(seed + 1));
        bn2 = Parameters.BatchNorm(DigitCnn.Channels2);
        W1 = Parameters.Matrix(hidden, DigitCnn.Channels2 * 5 * 5, Init.He(seed + 2));
        bn3 = Parameters.BatchNorm(hidden);
        W2 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 3));
        b2 = Parameters.Vector(classes);
        this.dropout = dropout;
        RandomSeed = seed;
    }

    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Image h = Relu(MaxPool2d(BatchNorm(Conv2d(x.AsImage(1, 28, 28), conv1), bn1), 2));
        h = Relu(MaxPool2d(BatchNorm(Conv2d(h, conv2), bn2), 2));
        Vec hidden = Dropout(Relu(BatchNorm(W1 * Flatten(h), bn3)), dropout);
        return SoftmaxCrossEntropy(W2 * hidden + b2, label);
    }
}
