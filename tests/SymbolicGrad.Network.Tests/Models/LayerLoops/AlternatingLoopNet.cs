using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.LayerLoops;

/// <summary>
/// A loop over layers with two conditions on the counter: tanh on even layers, sigmoid on odd ones (smooth: no kink for the finite differences to straddle), nothing on the last.
/// Each layer takes one branch of each select as a whole; the generator specializes the layer on the first condition and
/// keeps the other as a select, so both kinds of code run.
/// </summary>
public sealed partial class AlternatingLoopNet : Model, ILabelLoss<AlternatingLoopNet.LossWorkspace>
{
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>Layers of the given sizes (<c>sizes[0]</c> inputs, the last the classes).</summary>
    public AlternatingLoopNet(int[] sizes, int seed = 0)
        => (W, b) = LoopLayers.Dense(Parameters, sizes, Init.Xavier, seed);

    /// <summary>h = x; per layer z = W[l]·h + b[l], then tanh (even l), sigmoid (odd l) or z itself (the last layer).</summary>
    [Differentiable(Jvp = true, Hessian = true)] // its Jvp and Hvp: LayerLoopFormTests
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = x;
        for (int l = 0; l < W.Length; l++)
        {
            Vec z = W[l] * h + b[l];
            Vec squashed = l % 2 == 0 ? Tanh(z) : Sigmoid(z);
            h = l == W.Length - 1 ? z : squashed;
        }
        return SoftmaxCrossEntropy(h, label);
    }
}
