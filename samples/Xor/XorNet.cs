using SymbolicGrad;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Samples.Xor;

/// <summary>2 inputs → 4 tanh units → 1 sigmoid output, with binary cross-entropy loss.</summary>
public sealed partial class XorNet : Model
{
    readonly Mat W1, W2; readonly Vec b1, b2;

    public XorNet(int seed = 0)
    {
        W1 = Parameters.Matrix(4, 2, Init.Xavier(seed));
        b1 = Parameters.Vector(4);
        W2 = Parameters.Matrix(1, 4, Init.Xavier(seed + 1));
        b2 = Parameters.Vector(1);
    }

    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target)
        => BinaryCrossEntropy(Sigmoid(W2 * Tanh(W1 * x + b1) + b2), target);

    /// <summary>The network's output for <paramref name="x"/> (the probability <see cref="Loss"/> scores): how likely x₀ XOR x₁ is 1.</summary>
    public float Predict(Vec x) => Sigmoid(W2 * Tanh(W1 * x + b1) + b2)[0];
}
