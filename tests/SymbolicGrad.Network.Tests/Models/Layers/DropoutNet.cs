using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Layers;

/// <summary>Two dropouts (one on the input, one on the hidden layer) with the probability in a readonly field.</summary>
public sealed partial class DropoutNet : Model
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;
    private readonly float p;

    /// <summary>A 5 → 8 → 3 classifier.</summary>
    public DropoutNet(float p, int seed = 0)
    {
        W1 = Parameters.Matrix(8, 5, Init.Xavier(seed));
        b1 = Parameters.Vector(8, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(3, 8, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(3);
        this.p = p;
    }

    /// <summary>The same probability twice: two sites, two masks, never merged.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W2 * Dropout(Tanh(W1 * Dropout(x, p) + b1), p) + b2, label);
}
