using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.LayerLoops;

/// <summary>
/// An MLP written with a loop over its layers (issue 9): ReLU on every layer but the last, chosen by a condition on the
/// counter, and softmax cross-entropy. The carried vector's length changes from layer to layer.
/// </summary>
public sealed partial class LayerLoopNet : Model, ILabelLoss<LayerLoopNet.LossWorkspace>
{
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>Layers of the given sizes (<c>sizes[0]</c> inputs, the last the classes), He-initialized, biases small and nonzero.</summary>
    public LayerLoopNet(int[] sizes, int seed = 0)
        => (W, b) = LoopLayers.Dense(Parameters, sizes, Init.He, seed);

    /// <summary>h = x; per layer z = W[l]·h + b[l], h = relu(z) but for the last; softmax cross-entropy of h.</summary>
    [Differentiable(Jvp = true, Hessian = true)] // its Jvp and Hvp: LayerLoopFormTests
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
