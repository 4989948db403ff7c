using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.LayerLoops;

/// <summary><see cref="LayerLoopNet"/> with sizes 5-3 (one layer: the last, without ReLU), written out.</summary>
public sealed partial class OneLayerNet : Model, ILabelLoss<OneLayerNet.LossWorkspace>
{
    private readonly Mat W0;
    private readonly Vec b0;

    /// <summary>Initialized exactly as <c>new LayerLoopNet([5, 3], seed)</c>.</summary>
    public OneLayerNet(int seed = 0)
    {
        W0 = Parameters.Matrix(3, 5, Init.He(seed));
        b0 = Parameters.Vector(3, Init.Normal(0.3f, seed + 1));
    }

    /// <summary>The one layer of <see cref="LayerLoopNet"/>: the logits W0·x + b0.</summary>
    [Differentiable(Jvp = true, Hessian = true)] // its Jvp and Hvp: LayerLoopFormTests
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W0 * x + b0, label);
}
