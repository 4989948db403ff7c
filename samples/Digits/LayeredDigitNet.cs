using SymbolicGrad;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Samples.Digits;

/// <summary>
/// A perceptron with any number of hidden layers, written as a loop over its layers: 784 pixels → each hidden layer
/// (ReLU) → 10 class scores, with softmax cross-entropy loss. The generator compiles the loop body once, as one
/// layer's forward and backward passes, and runs the layers first to last, then last to first.
/// </summary>
public sealed partial class LayeredDigitNet : Model
{
    readonly Mat[] W;
    readonly Vec[] b;

    /// <summary>Layers <paramref name="inputs"/> → <paramref name="hidden"/>[0] → … → <paramref name="classes"/>, initialized as <see cref="DigitNet"/>'s.</summary>
    public LayeredDigitNet(int inputs, IReadOnlyList<int> hidden, int classes, int seed = 0)
    {
        W = new Mat[hidden.Count + 1];
        b = new Vec[hidden.Count + 1];
        int previous = inputs;
        for (int l = 0; l < W.Length; l++)
        {
            bool last = l == hidden.Count;
            int size = last ? classes : hidden[l];
            W[l] = Parameters.Matrix(size, previous, last ? Init.Xavier(seed + l) : Init.He(seed + l));
            b[l] = Parameters.Vector(size);
            previous = size;
        }
    }

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
