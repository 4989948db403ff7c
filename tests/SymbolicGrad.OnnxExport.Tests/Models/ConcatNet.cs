using static SymbolicGrad.Ops;

namespace SymbolicGrad.OnnxExport.Tests.Models;

/// <summary>
/// Two branches of different lengths concatenated, then a sigmoid layer; the loss is no standard one, so the
/// prediction is marked: a [Prediction] layer helper.
/// </summary>
public sealed partial class ConcatNet : Model
{
    private readonly Mat W1, W2, V;
    private readonly Vec b1, b2, c;

    /// <summary>5 → 4 (tanh) and 5 → 3 (linear), concatenated to 7, then 7 → 5.</summary>
    public ConcatNet(int seed = 0)
    {
        W1 = Parameters.Matrix(4, 5, Init.Xavier(seed));
        b1 = Parameters.Vector(4, Init.Normal(0.5f, seed + 1));
        W2 = Parameters.Matrix(3, 5, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(3, Init.Normal(0.5f, seed + 3));
        V = Parameters.Matrix(5, 7, Init.Xavier(seed + 4));
        c = Parameters.Vector(5, Init.Normal(0.5f, seed + 5));
    }

    [Differentiable, Prediction]
    public Vec Predict(Vec x) => Sigmoid(V * Concat(Tanh(W1 * x + b1), W2 * x + b2) + c);

    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target) => Dot(target, Predict(x)) + 0.01f * Sum(Square(c));
}
