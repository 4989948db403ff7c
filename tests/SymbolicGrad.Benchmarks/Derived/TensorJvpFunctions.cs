namespace SymbolicGrad.Benchmarks.Derived;

/// <summary>A function of Vec and Mat values with forward mode, for <see cref="TensorJvpBenchmarks"/>.</summary>
public static partial class TensorJvpFunctions
{
    /// <summary>A two-layer perceptron's softmax cross-entropy: three matrix–vector products in its Jvp against two.</summary>
    [Differentiable(Jvp = true)]
    public static float Mlp(Mat W1, Vec b1, Mat W2, Vec b2, [NoDiff] Vec x, int label) =>
        Ops.SoftmaxCrossEntropy(W2 * Ops.Relu(W1 * x + b1) + b2, label);
}
