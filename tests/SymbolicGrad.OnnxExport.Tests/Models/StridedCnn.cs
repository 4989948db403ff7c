using static SymbolicGrad.Ops;

namespace SymbolicGrad.OnnxExport.Tests.Models;

/// <summary>
/// A small CNN whose geometry is not the default: 2 × 9 × 9 input, a stride-2 padded convolution (3 × 5 × 5), batch
/// norm per channel, overlapping max pooling (window 3, stride 2: 3 × 2 × 2), then batch norm per feature, dropout and
/// a dense layer to 4 class scores.
/// </summary>
public sealed partial class StridedCnn : Model
{
    private readonly Conv2d conv;
    private readonly BatchNorm bnImage, bnDense;
    private readonly Mat W1, W2;
    private readonly Vec b2;

    public StridedCnn(int seed = 0)
    {
        conv = Parameters.Conv2d(2, 3, kernel: 3, stride: 2, padding: 1, init: Init.He(seed));
        bnImage = Parameters.BatchNorm(3);
        W1 = Parameters.Matrix(6, 12, Init.He(seed + 1));
        bnDense = Parameters.BatchNorm(6, epsilon: 1e-3f);
        W2 = Parameters.Matrix(4, 6, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(4, Init.Normal(0.3f, seed + 3));
        RandomSeed = seed;
    }

    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Image h = MaxPool2d(BatchNorm(Conv2d(x.AsImage(2, 9, 9), conv), bnImage), 3, 2);
        Vec hidden = Dropout(Relu(BatchNorm(W1 * Flatten(h), bnDense)), 0.25f);
        return SoftmaxCrossEntropy(W2 * hidden + b2, label);
    }
}
