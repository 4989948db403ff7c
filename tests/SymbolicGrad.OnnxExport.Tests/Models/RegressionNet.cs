using static SymbolicGrad.Ops;

namespace SymbolicGrad.OnnxExport.Tests.Models;

/// <summary>
/// A regression whose prediction is Mse's first argument, using the element-wise ops beyond a plain MLP: leaky ReLU (a
/// select), exp, log, a per-sample division and mean and the log-softmax's log-sum-exp.
/// </summary>
public sealed partial class RegressionNet : Model
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;

    /// <summary>6 → 8 → 4.</summary>
    public RegressionNet(int seed = 0)
    {
        W1 = Parameters.Matrix(8, 6, Init.Xavier(seed));
        b1 = Parameters.Vector(8, Init.Normal(0.5f, seed + 1));
        W2 = Parameters.Matrix(4, 8, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(4, Init.Normal(0.5f, seed + 3));
    }

    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target) => Mse(Prediction(x), target);

    /// <summary>A layer helper (inlined into Loss); called directly, the user's code through Ops: the reference.</summary>
    [Differentiable]
    public Vec Prediction(Vec x)
    {
        Vec h = LeakyRelu(W1 * x + b1, 0.1f);
        Vec z = W2 * h + b2;
        return LogSoftmax(z) + Exp(-Square(z)) * (1f / (1f + Mean(Square(h)))) - Log(Sigmoid(z));
    }
}
