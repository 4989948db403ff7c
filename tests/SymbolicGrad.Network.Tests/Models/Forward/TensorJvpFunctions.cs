using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Forward;

/// <summary>Static functions of Vec and Mat values with forward mode: each gets <c>NameJvp</c> beside <c>NameGradient</c>.</summary>
public static partial class TensorJvpFunctions
{
    /// <summary>A two-layer perceptron's softmax cross-entropy: MatVec, Relu, LogSumExp and a label's pick.</summary>
    [Differentiable(Jvp = true)]
    public static float Mlp(Mat W1, Vec b1, Mat W2, Vec b2, [NoDiff] Vec x, int label) =>
        SoftmaxCrossEntropy(W2 * Relu(W1 * x + b1) + b2, label);

    /// <summary>Binary cross-entropy of a sigmoid layer.</summary>
    [Differentiable(Jvp = true)]
    public static float Logistic(Mat W, Vec b, [NoDiff] Vec x, [NoDiff] Vec target) => BinaryCrossEntropy(Sigmoid(W * x + b), target);

    /// <summary>Mean squared error of a tanh layer; only the matrix is differentiable.</summary>
    [Differentiable(Jvp = true)]
    public static float TanhRegression(Mat W, [NoDiff] Vec x, [NoDiff] Vec y) => Mse(Tanh(W * x), y);

    /// <summary>The cross-entropy against a distribution, by LogSoftmax.</summary>
    [Differentiable(Jvp = true)]
    public static float SoftTargets(Vec z, [NoDiff] Vec target) => -Dot(LogSoftmax(z), target);

    /// <summary>The expectation of w under softmax(z).</summary>
    [Differentiable(Jvp = true)]
    public static float Expectation(Vec z, Vec w) => Dot(Softmax(z), w);

    /// <summary>Element-wise arithmetic, Exp, Log and Sigmoid.</summary>
    [Differentiable(Jvp = true)]
    public static float Elementwise(Vec x, Vec y) => Sum(Log(1f + Exp(x)) * y - x * Sigmoid(y) + 0.5f * (x - y));

    /// <summary>Mean absolute error of a leaky Relu, plus a mean of a sigmoid.</summary>
    [Differentiable(Jvp = true)]
    public static float Robust(Vec x, [NoDiff] Vec t) => Mae(LeakyRelu(x, 0.1f), t) + Mean(Sigmoid(x));

    /// <summary>The two vectors end to end, and an element read at an index.</summary>
    [Differentiable(Jvp = true)]
    public static float Joined(Vec a, Vec b, int k) => Sum(Square(Concat(a, b) * 0.5f)) + a[k] * Dot(a, a);

    /// <summary>A quadratic form xᵀ·A·x: MatVec in both operands' directions.</summary>
    [Differentiable(Jvp = true)]
    public static float Quadratic(Mat A, Vec x) => Dot(x, A * x);

    /// <summary>log(1 + eᵛ), differentiated by its rule.</summary>
    public static float Smooth(float v) => MathF.Log(1f + MathF.Exp(v));

    /// <summary>The rule of <see cref="Smooth"/>: the logistic function.</summary>
    [DerivativeOf(nameof(Smooth))]
    public static float SmoothRule(float v, out float dV)
    {
        dV = 1f / (1f + MathF.Exp(-v));
        return Smooth(v);
    }

    /// <summary>A function of values with a [DerivativeOf] rule, called on a dot product: forward mode uses the rule.</summary>
    [Differentiable(Jvp = true)]
    public static float SmoothDot(Vec x, Vec y) => Smooth(Dot(x, y)) + Sum(x);
}
