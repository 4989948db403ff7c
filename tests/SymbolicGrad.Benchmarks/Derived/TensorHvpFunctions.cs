namespace SymbolicGrad.Benchmarks.Derived;

/// <summary>A function of Vec and Mat values with second derivatives, for <see cref="TensorHvpBenchmarks"/>.</summary>
public static partial class TensorHvpFunctions
{
    /// <summary>A two-layer perceptron's softmax cross-entropy: its Hvp runs five matrix–vector products forward, three back and five outer products (the gradient: two, one and two).</summary>
    [Differentiable(Hessian = true)]
    public static float Mlp(Mat W1, Vec b1, Mat W2, Vec b2, [NoDiff] Vec x, int label) =>
        Ops.SoftmaxCrossEntropy(W2 * Ops.Relu(W1 * x + b1) + b2, label);
}
