using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.LayerLoops;

/// <summary><see cref="LayerLoopNet"/> with sizes 5-7-6-3, unrolled by hand: the same parameters in the same order.</summary>
public sealed partial class UnrolledLayerNet : Model, ILabelLoss<UnrolledLayerNet.LossWorkspace>
{
    private readonly Mat W0, W1, W2;
    private readonly Vec b0, b1, b2;

    /// <summary>Initialized exactly as <c>new LayerLoopNet([5, 7, 6, 3], seed)</c>.</summary>
    public UnrolledLayerNet(int seed = 0)
    {
        W0 = Parameters.Matrix(7, 5, Init.He(seed));
        b0 = Parameters.Vector(7, Init.Normal(0.3f, seed + 1));
        W1 = Parameters.Matrix(6, 7, Init.He(seed + 2));
        b1 = Parameters.Vector(6, Init.Normal(0.3f, seed + 3));
        W2 = Parameters.Matrix(3, 6, Init.He(seed + 4));
        b2 = Parameters.Vector(3, Init.Normal(0.3f, seed + 5));
    }

    /// <summary>The three layers of <see cref="LayerLoopNet"/> written out.</summary>
    [Differentiable(Jvp = true, Hessian = true)] // its Jvp and Hvp: LayerLoopFormTests
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h0 = Relu(W0 * x + b0);
        Vec h1 = Relu(W1 * h0 + b1);
        return SoftmaxCrossEntropy(W2 * h1 + b2, label);
    }
}
