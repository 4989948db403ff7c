using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Composed;

/// <summary>
/// Hidden layers wide enough that a large batch's element-wise passes run split over threads (row loops), one per common
/// activation, with odd widths so every row ends in the scalar tail of the vector loop.
/// </summary>
public sealed partial class WideActivationsNet : Model, ILabelLoss<WideActivationsNet.LossWorkspace>
{
    private readonly Mat W1, W2, W3, W4, W5;
    private readonly Vec b1, b2, b3, b4, b5;

    /// <summary>inputs → width (tanh) → width (leaky ReLU) → width (sigmoid) → width (ReLU, then squared) → classes.</summary>
    public WideActivationsNet(int inputs, int width, int classes, int seed = 0)
    {
        W1 = Parameters.Matrix(width, inputs, Init.He(seed));
        b1 = Parameters.Vector(width, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(width, width, Init.He(seed + 2));
        b2 = Parameters.Vector(width, Init.Normal(0.3f, seed + 3));
        W3 = Parameters.Matrix(width, width, Init.He(seed + 4));
        b3 = Parameters.Vector(width, Init.Normal(0.3f, seed + 5));
        W4 = Parameters.Matrix(width, width, Init.He(seed + 6));
        b4 = Parameters.Vector(width, Init.Normal(0.3f, seed + 7));
        W5 = Parameters.Matrix(classes, width, Init.Xavier(seed + 8));
        b5 = Parameters.Vector(classes, Init.Normal(0.3f, seed + 9));
    }

    /// <summary>Softmax cross-entropy of the last layer's scores.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h1 = Tanh(W1 * x + b1);
        Vec h2 = LeakyRelu(W2 * h1 + b2, 0.1f);
        Vec h3 = Sigmoid(W3 * h2 + b3);
        Vec h4 = Relu(W4 * h3 + b4);
        return SoftmaxCrossEntropy(W5 * (h4 * h4) + b5, label);
    }
}
