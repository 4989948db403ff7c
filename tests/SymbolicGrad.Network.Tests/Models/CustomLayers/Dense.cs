using SymbolicGrad.Network.Tests.Contracts;
namespace SymbolicGrad.Network.Tests.Models.CustomLayers;

/// <summary>A dense layer W·x + b written by hand, a custom layer with weights: its rule is declared in <see cref="DenseRules"/>.</summary>
public static class Dense
{
    public static Vec Apply(Mat W, Vec b, Vec x)
    {
        var result = new Vec(b.Length);
        Apply(W, b, x, result);
        return result;
    }

    public static void Apply(Mat W, Vec b, Vec x, Vec result)
    {
        for (int i = 0; i < W.Rows; i++)
        {
            float sum = b[i];
            for (int j = 0; j < W.Cols; j++) sum += W[i, j] * x[j];
            result[i] = sum;
        }
    }
}

/// <summary>The rule of <see cref="Dense.Apply(Mat, Vec, Vec)"/>, in another type.</summary>
public static class DenseRules
{
    /// <summary>dW += dResult·xᵀ, dB += dResult, dX += Wᵀ·dResult.</summary>
    [DerivativeOf(typeof(Dense), nameof(Dense.Apply), ResultLength = nameof(W) + ".Rows")]
    public static void ApplyPullback(Mat W, Vec b, Vec x, Vec dResult, Mat dW, Vec dB, Vec dX)
    {
        for (int i = 0; i < W.Rows; i++)
        {
            dB[i] += dResult[i];
            for (int j = 0; j < W.Cols; j++)
            {
                dW[i, j] += dResult[i] * x[j];
                dX[j] += W[i, j] * dResult[i];
            }
        }
    }
}

/// <summary>Two custom dense layers around a tanh: gradients flow into the parameter store through the rule.</summary>
public sealed partial class DenseNet : Model, ILabelLoss<DenseNet.LossWorkspace>
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;

    public DenseNet(int seed = 0)
    {
        W1 = Parameters.Matrix(6, 4, Init.Xavier(seed));
        b1 = Parameters.Vector(6, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(3, 6, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(3, Init.Normal(0.3f, seed + 3));
    }

    [Differentiable]
    public float Loss([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(Dense.Apply(W2, b2, Ops.Tanh(Dense.Apply(W1, b1, x))), label);
}
