using static SymbolicGrad.Ops;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>
/// <see cref="DeepMlp"/> with its hidden layers in a loop and its output layer after it (no condition on the counter):
/// the same parameters, in the same order.
/// </summary>
public sealed partial class DeepHiddenLoopMlp : Model
{
    private readonly Mat[] W;
    private readonly Vec[] b;
    private readonly Mat Wout;
    private readonly Vec bout;

    /// <summary>784 → 512 → 512 → 10, initialized exactly as <c>new DeepMlp(seed: seed)</c>.</summary>
    public DeepHiddenLoopMlp(int inputs = 784, int hidden = 512, int classes = 10, int seed = 0)
    {
        W = new Mat[2];
        b = new Vec[2];
        W[0] = Parameters.Matrix(hidden, inputs, Init.He(seed));
        b[0] = Parameters.Vector(hidden, Init.Normal(0.1f, seed + 5));
        W[1] = Parameters.Matrix(hidden, hidden, Init.He(seed + 1));
        b[1] = Parameters.Vector(hidden, Init.Normal(0.1f, seed + 6));
        Wout = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 2));
        bout = Parameters.Vector(classes, Init.Normal(0.1f, seed + 7));
    }

    /// <summary>Softmax cross-entropy of one sample: ReLU layers in the loop, the logits after it.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = x;
        for (int l = 0; l < W.Length; l++)
        {
            h = Relu(W[l] * h + b[l]);
        }
        return SoftmaxCrossEntropy(Wout * h + bout, label);
    }
}
