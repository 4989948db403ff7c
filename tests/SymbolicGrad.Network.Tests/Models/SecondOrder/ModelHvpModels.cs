using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.SecondOrder;

/// <summary>Two dense layers, ReLU and softmax cross-entropy: the DESIGN's DigitNet with a Hessian-vector product.</summary>
public sealed partial class HvpReluSoftmaxNet : Model
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;

    /// <summary>inputs → hidden (ReLU) → classes.</summary>
    public HvpReluSoftmaxNet(int inputs, int hidden, int classes, int seed)
    {
        W1 = Parameters.Matrix(hidden, inputs, Init.Xavier(seed));
        b1 = Parameters.Vector(hidden, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(classes, Init.Normal(0.3f, seed + 3));
    }

    /// <summary>SoftmaxCrossEntropy(W2·relu(W1·x + b1) + b2, label).</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W2 * Relu(W1 * x + b1) + b2, label);
}

/// <summary>Tanh then softmax cross-entropy: curvature in every layer.</summary>
public sealed partial class HvpTanhSoftmaxNet : Model
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;

    /// <summary>inputs → hidden (tanh) → classes.</summary>
    public HvpTanhSoftmaxNet(int inputs, int hidden, int classes, int seed)
    {
        W1 = Parameters.Matrix(hidden, inputs, Init.Xavier(seed));
        b1 = Parameters.Vector(hidden, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(classes, Init.Normal(0.3f, seed + 3));
    }

    /// <summary>SoftmaxCrossEntropy(W2·tanh(W1·x + b1) + b2, label).</summary>
    [Differentiable(Hessian = true, Jvp = true)]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W2 * Tanh(W1 * x + b1) + b2, label);
}

/// <summary>A regression: sigmoid hidden layer, leaky ReLU output, mean squared error against a target.</summary>
public sealed partial class HvpSigmoidMseNet : Model
{
    private readonly Mat W1, W2;
    private readonly Vec b1;

    /// <summary>inputs → hidden (sigmoid) → outputs (leaky ReLU).</summary>
    public HvpSigmoidMseNet(int inputs, int hidden, int outputs, int seed)
    {
        W1 = Parameters.Matrix(hidden, inputs, Init.Xavier(seed));
        b1 = Parameters.Vector(hidden, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(outputs, hidden, Init.Xavier(seed + 2));
    }

    /// <summary>Mse(leakyrelu(W2·sigmoid(W1·x + b1)), y).</summary>
    [Differentiable(Hessian = true)]
    public float Error([NoDiff] Vec x, [NoDiff] Vec y) => Mse(LeakyRelu(W2 * Sigmoid(W1 * x + b1)), y);
}

/// <summary>A linear model with mean squared error: its Hessian is exact, (2/n)·(I ⊗ x̃x̃ᵀ) with x̃ = (x, 1).</summary>
public sealed partial class HvpLinearMseNet : Model
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>inputs → outputs, no activation.</summary>
    public HvpLinearMseNet(int inputs, int outputs, int seed)
    {
        W = Parameters.Matrix(outputs, inputs, Init.Xavier(seed));
        b = Parameters.Vector(outputs, Init.Normal(0.3f, seed + 1));
    }

    /// <summary>Mse(W·x + b, y).</summary>
    [Differentiable(Hessian = true)]
    public float Error([NoDiff] Vec x, [NoDiff] Vec y) => Mse(W * x + b, y);
}

/// <summary>Names the Hvp's own code would take: a field named batch, an input named like a gradient span and a workspace.</summary>
public sealed partial class HvpOddNames : Model
{
    private readonly Mat batch;
    private readonly Vec hvBatch;
    private readonly Vec outside = new(new float[] { 0.5f, -0.25f, 1f });

    /// <summary>3 outputs from <paramref name="inputs"/> inputs.</summary>
    public HvpOddNames(int inputs, int seed)
    {
        batch = Parameters.Matrix(3, inputs, Init.Xavier(seed));
        hvBatch = Parameters.Vector(3, Init.Normal(0.3f, seed + 1));
    }

    /// <summary>Σ tanh(batch·dBatch + hvBatch)·workspace, the inputs named like the Hvp's own names.</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec dBatch, [NoDiff] Vec workspace) => Ops.Dot(Tanh(batch * dBatch + hvBatch), workspace);

    /// <summary>Reads a weight that is not a view into Parameters: its Hvp has no buffer entries for it.</summary>
    [Differentiable(Hessian = true)]
    public float Outside([NoDiff] Vec x) => Ops.Sum(Tanh(batch * x + outside));
}
