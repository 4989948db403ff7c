using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Names;

/// <summary>
/// Fields named like the locals of the generated passes (batch, workspace, sampleWeight, r), one named like the
/// gradient of another (dW beside W), and a penalty on a parameter alone, whose batch sum is a constant.
/// </summary>
public sealed partial class CrowdedNet : Model, ILabelLoss<CrowdedNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec batch, workspace, sampleWeight, dW, r;

    /// <summary>A 5 → 4 (tanh) classifier.</summary>
    public CrowdedNet(int seed = 0)
    {
        W = Parameters.Matrix(4, 5, Init.Xavier(seed));
        batch = Parameters.Vector(4, Init.Normal(0.5f, seed + 1));
        workspace = Parameters.Vector(4, Init.Normal(0.5f, seed + 2));
        sampleWeight = Parameters.Vector(5, Init.Normal(0.5f, seed + 3));
        dW = Parameters.Vector(4, Init.Normal(0.5f, seed + 4));
        r = Parameters.Vector(1, Init.Normal(0.5f, seed + 5));
    }

    /// <summary>Softmax cross-entropy of tanh(W·(x + sampleWeight) + batch)·dW + workspace, plus 0.01·r².</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
        => SoftmaxCrossEntropy(Tanh(W * (x + sampleWeight) + batch) * dW + workspace, label) + 0.01f * Sum(Square(r));
}
