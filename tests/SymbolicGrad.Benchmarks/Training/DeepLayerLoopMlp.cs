using static SymbolicGrad.Ops;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary><see cref="DeepMlp"/> written with a loop over its layers (issue 9): the same parameters, in the same order.</summary>
public sealed partial class DeepLayerLoopMlp : Model
{
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>784 → 512 → 512 → 10, initialized exactly as <c>new DeepMlp(seed: seed)</c>.</summary>
    public DeepLayerLoopMlp(int inputs = 784, int hidden = 512, int classes = 10, int seed = 0)
    {
        W = new Mat[3];
        b = new Vec[3];
        W[0] = Parameters.Matrix(hidden, inputs, Init.He(seed));
        b[0] = Parameters.Vector(hidden, Init.Normal(0.1f, seed + 5));
        W[1] = Parameters.Matrix(hidden, hidden, Init.He(seed + 1));
        b[1] = Parameters.Vector(hidden, Init.Normal(0.1f, seed + 6));
        W[2] = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 2));
        b[2] = Parameters.Vector(classes, Init.Normal(0.1f, seed + 7));
    }

    /// <summary>Softmax cross-entropy of one sample: ReLU on every layer but the last.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = x;
        for (int l = 0; l < W.Length; l++)
        {
            Vec z = W[l] * h + b[l];
            h = l < W.Length - 1 ? Relu(z) : z;
        }
        return SoftmaxCrossEntropy(h, label);
    }
}
