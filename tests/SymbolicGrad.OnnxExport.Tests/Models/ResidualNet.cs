using static SymbolicGrad.Ops;

namespace SymbolicGrad.OnnxExport.Tests.Models;

/// <summary>A residual block h + relu(W2·h + b2) between two layers, classifying with softmax cross-entropy.</summary>
public sealed partial class ResidualNet : Model
{
    private readonly Mat W1, W2, W3;
    private readonly Vec b1, b2, b3;

    /// <summary>5 → 7, a 7 → 7 residual block, 7 → 3.</summary>
    public ResidualNet(int seed = 0)
    {
        W1 = Parameters.Matrix(7, 5, Init.He(seed));
        b1 = Parameters.Vector(7, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(7, 7, Init.He(seed + 2));
        b2 = Parameters.Vector(7, Init.Normal(0.3f, seed + 3));
        W3 = Parameters.Matrix(3, 7, Init.Xavier(seed + 4));
        b3 = Parameters.Vector(3, Init.Normal(0.3f, seed + 5));
    }

    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = Relu(W1 * x + b1);
        Vec r = h + Relu(W2 * h + b2);
        return SoftmaxCrossEntropy(W3 * r + b3, label);
    }

    /// <summary>The logits, computed by the user's code through Ops (the reference).</summary>
    public Vec Logits(Vec x)
    {
        Vec h = Relu(W1 * x + b1);
        Vec r = h + Relu(W2 * h + b2);
        return W3 * r + b3;
    }
}
