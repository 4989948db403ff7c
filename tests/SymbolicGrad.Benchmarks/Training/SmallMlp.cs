using static SymbolicGrad.Ops;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>The 784-128-10 ReLU MLP of issue 3's benchmark (the north-star DigitNet), with a generated gradient.</summary>
public sealed partial class SmallMlp : Model, IStepMlp
{
    internal readonly Mat W1, W2;
    internal readonly Vec b1, b2;

    /// <summary>Creates the network with He/Xavier weights and small random biases (non-zero so bias gradients are tested).</summary>
    public SmallMlp(int inputs = 784, int hidden = 128, int classes = 10, int seed = 0)
    {
        W1 = Parameters.Matrix(hidden, inputs, Init.He(seed));
        b1 = Parameters.Vector(hidden, Init.Normal(0.1f, seed + 5));
        W2 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 1));
        b2 = Parameters.Vector(classes, Init.Normal(0.1f, seed + 7));
    }

    /// <summary>Softmax cross-entropy of one sample.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
        => SoftmaxCrossEntropy(W2 * Relu(W1 * x + b1) + b2, label);

    /// <summary>The layers in order, for the hand-written backprop.</summary>
    public (Mat Weight, Vec Bias)[] Layers => [(W1, b1), (W2, b2)];

    /// <summary>Where the generated workspace's buffers start, as byte offsets modulo 64, for the benchmarks.</summary>
    internal static string WorkspacePlacement(LossWorkspace w) =>
        $"t1 {TrainingStepBenchmarks.LineOffset(w.t1, 0)}, t3 {TrainingStepBenchmarks.LineOffset(w.t3, 0)}, softmax {TrainingStepBenchmarks.LineOffset(w.softmaxT4, 0)}, dT2 {TrainingStepBenchmarks.LineOffset(w.dT2, 0)}";
}
