using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Forward;

/// <summary>Two layers, ReLU and softmax cross-entropy, the input left differentiable (its tangent is zero in a model's Jvp).</summary>
public sealed partial class JvpTwoLayerNet : Model
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;

    /// <summary>inputs → hidden (ReLU) → classes.</summary>
    public JvpTwoLayerNet(int inputs, int hidden, int classes, int seed)
    {
        W1 = Parameters.Matrix(hidden, inputs, Init.Xavier(seed));
        b1 = Parameters.Vector(hidden, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(classes, Init.Normal(0.3f, seed + 3));
    }

    /// <summary>SoftmaxCrossEntropy(W2·relu(W1·x + b1) + b2, label).</summary>
    [Differentiable(Jvp = true)]
    public float Loss(Vec x, int label) => SoftmaxCrossEntropy(W2 * Relu(W1 * x + b1) + b2, label);
}

/// <summary>A regression net: tanh hidden layer, sigmoid output, mean squared error against a target vector.</summary>
public sealed partial class JvpRegressionNet : Model
{
    private readonly Mat W1, W2;
    private readonly Vec b1;

    /// <summary>inputs → hidden (tanh) → outputs (sigmoid).</summary>
    public JvpRegressionNet(int inputs, int hidden, int outputs, int seed)
    {
        W1 = Parameters.Matrix(hidden, inputs, Init.Xavier(seed));
        b1 = Parameters.Vector(hidden, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(outputs, hidden, Init.Xavier(seed + 2));
    }

    /// <summary>Mse(sigmoid(W2·tanh(W1·x + b1)), y).</summary>
    [Differentiable(Jvp = true)]
    public float Error([NoDiff] Vec x, [NoDiff] Vec y) => Mse(Sigmoid(W2 * Tanh(W1 * x + b1)), y);
}

/// <summary>Inputs named like the Jvp's tangents and locals (tW, tangent's neighbours), and a weight the store does not hold.</summary>
public sealed partial class JvpOddNames : Model
{
    private readonly Mat W;
    private readonly Vec tB;
    private readonly Vec outside = new(new float[] { 0.5f, -0.25f, 1f });

    /// <summary>3 outputs from <paramref name="inputs"/> inputs.</summary>
    public JvpOddNames(int inputs, int seed)
    {
        W = Parameters.Matrix(3, inputs, Init.Xavier(seed));
        tB = Parameters.Vector(3, Init.Normal(0.3f, seed + 1));
    }

    /// <summary>Σ tanh(W·tW + tB)·workspace, the inputs named like the Jvp's own names.</summary>
    [Differentiable(Jvp = true)]
    public float Loss([NoDiff] Vec tW, [NoDiff] Vec workspace) => Ops.Dot(Tanh(W * tW + tB), workspace);

    /// <summary>Reads a weight that is not a view into Parameters: its Jvp has no direction entries for it.</summary>
    [Differentiable(Jvp = true)]
    public float Outside([NoDiff] Vec x) => Ops.Sum(Tanh(W * x + outside));
}
