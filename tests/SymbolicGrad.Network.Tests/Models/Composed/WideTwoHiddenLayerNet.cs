using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Composed;

/// <summary>
/// The benchmarks' deep network (tests/SymbolicGrad.Benchmarks DeepMlp, 784-512-512-10) at any size: two ReLU hidden
/// layers with small random biases, softmax cross-entropy.
/// </summary>
public sealed partial class WideTwoHiddenLayerNet : Model
{
    private readonly Mat W1, W2, W3;
    private readonly Vec b1, b2, b3;

    /// <summary>inputs → hidden → hidden → classes, initialized as the benchmark's DeepMlp.</summary>
    public WideTwoHiddenLayerNet(int inputs, int hidden, int classes, int seed = 0)
    {
        W1 = Parameters.Matrix(hidden, inputs, Init.He(seed));
        b1 = Parameters.Vector(hidden, Init.Normal(0.1f, seed + 5));
        W2 = Parameters.Matrix(hidden, hidden, Init.He(seed + 1));
        b2 = Parameters.Vector(hidden, Init.Normal(0.1f, seed + 6));
        W3 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 2));
        b3 = Parameters.Vector(classes, Init.Normal(0.1f, seed + 7));
    }

    /// <summary>SoftmaxCrossEntropy(W3·relu(W2·relu(W1·x + b1) + b2) + b3, label).</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
        => SoftmaxCrossEntropy(W3 * Relu(W2 * Relu(W1 * x + b1) + b2) + b3, label);
}
