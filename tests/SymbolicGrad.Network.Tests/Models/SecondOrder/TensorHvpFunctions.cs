using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.SecondOrder;

/// <summary>Static functions of Vec and Mat values with second derivatives: each gets <c>NameHvp</c> beside <c>NameGradient</c>.</summary>
public static partial class TensorHvpFunctions
{
    /// <summary>A two-layer perceptron's softmax cross-entropy: MatVec, Relu (its mask), LogSumExp and a label's pick.</summary>
    [Differentiable(Hessian = true)]
    public static float Mlp(Mat W1, Vec b1, Mat W2, Vec b2, [NoDiff] Vec x, int label) =>
        SoftmaxCrossEntropy(W2 * Relu(W1 * x + b1) + b2, label);

    /// <summary>Mean squared error of a tanh layer; only the matrix is differentiable.</summary>
    [Differentiable(Hessian = true)]
    public static float TanhRegression(Mat W, [NoDiff] Vec x, [NoDiff] Vec y) => Mse(Tanh(W * x), y);

    /// <summary>Binary cross-entropy of a sigmoid layer.</summary>
    [Differentiable(Hessian = true)]
    public static float Logistic(Mat W, Vec b, [NoDiff] Vec x, [NoDiff] Vec target) => BinaryCrossEntropy(Sigmoid(W * x + b), target);

    /// <summary>The cross-entropy against a distribution, by LogSoftmax.</summary>
    [Differentiable(Hessian = true)]
    public static float SoftTargets(Vec z, [NoDiff] Vec target) => -Dot(LogSoftmax(z), target);

    /// <summary>The expectation of w under softmax(z).</summary>
    [Differentiable(Hessian = true)]
    public static float Expectation(Vec z, Vec w) => Dot(Softmax(z), w);

    /// <summary>A quadratic form xᵀ·A·x: its Hessian in x is A + Aᵀ, exactly.</summary>
    [Differentiable(Hessian = true)]
    public static float Quadratic(Mat A, Vec x) => Dot(x, A * x);

    /// <summary>The two vectors end to end, and an element read at an index.</summary>
    [Differentiable(Hessian = true)]
    public static float Joined(Vec a, Vec b, int k) => Sum(Square(Concat(a, b) * 0.5f)) + a[k] * Dot(a, a);

    /// <summary>Element-wise arithmetic, Exp, Log and Sigmoid, a Mean and a Sum.</summary>
    [Differentiable(Hessian = true)]
    public static float Elementwise(Vec x, Vec y) => Sum(Log(1f + Exp(x)) * y - x * Sigmoid(y)) + Mean(Square(x - y) * x);

    /// <summary>Mean absolute error of a leaky Relu, plus a mean of a sigmoid.</summary>
    [Differentiable(Hessian = true)]
    public static float Robust(Vec x, [NoDiff] Vec t) => Mae(LeakyRelu(x, 0.1f), t) + Mean(Sigmoid(x));

    /// <summary>log(1 + eᵛ), differentiated from its body (a [Differentiable] scalar function the tensor code calls).</summary>
    [Differentiable]
    public static float Softplus(float v) => MathF.Log(1f + MathF.Exp(v));

    /// <summary>A scalar function called on a dot product: its second derivative comes from its body.</summary>
    [Differentiable(Hessian = true)]
    public static float SoftplusDot(Vec x, Vec y) => Softplus(Dot(x, y)) + Sum(x);

    /// <summary>Nested Concats, negation, scalar math on element reads and on a dot product.</summary>
    [Differentiable(Hessian = true)]
    public static float Mixed(Vec x, Vec y) =>
        Sum(Concat(Concat(x, y), x) * Tanh(Concat(y, Concat(x, y)))) + MathF.Sin(x[1]) * MathF.Sqrt(1f + Dot(y, y)) - Mean(-x * y + 2f);
}
