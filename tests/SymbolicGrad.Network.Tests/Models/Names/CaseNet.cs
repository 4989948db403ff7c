using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Names;

/// <summary>Fields W and w, whose gradients would both be named dW.</summary>
public sealed partial class CaseNet : Model, ILabelLoss<CaseNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec w;

    /// <summary>A 5 → 3 softmax classifier.</summary>
    public CaseNet(int seed = 0)
    {
        W = Parameters.Matrix(3, 5, Init.Xavier(seed));
        w = Parameters.Vector(3, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>Softmax cross-entropy of W·x + w.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W * x + w, label);
}
