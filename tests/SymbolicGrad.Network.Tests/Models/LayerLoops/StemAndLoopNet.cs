using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.LayerLoops;

/// <summary>
/// Layers before, in and after a loop: the loop's first carried vector depends on parameters (its gradient flows out of
/// the loop), and its layers are residual (h + tanh(W[l]·h + b[l]) keeps the length).
/// </summary>
public sealed partial class StemAndLoopNet : Model, ILabelLoss<StemAndLoopNet.LossWorkspace>
{
    private readonly Mat Stem, Head;
    private readonly Vec stemBias, headBias, scale;
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>5 → 6, <paramref name="blocks"/> residual 6 → 6 blocks, 6 → 3.</summary>
    public StemAndLoopNet(int blocks, int seed = 0)
    {
        Stem = Parameters.Matrix(6, 5, Init.He(seed));
        stemBias = Parameters.Vector(6, Init.Normal(0.3f, seed + 1));
        scale = Parameters.Vector(6, Init.Normal(0.5f, seed + 2));
        W = new Mat[blocks];
        b = new Vec[blocks];
        for (int l = 0; l < blocks; l++)
        {
            W[l] = Parameters.Matrix(6, 6, Init.Xavier(seed + 3 + 2 * l));
            b[l] = Parameters.Vector(6, Init.Normal(0.3f, seed + 4 + 2 * l));
        }
        Head = Parameters.Matrix(3, 6, Init.Xavier(seed + 50));
        headBias = Parameters.Vector(3, Init.Normal(0.3f, seed + 51));
    }

    /// <summary>h = relu(Stem·x + stemBias); per block h = h + scale ⊙ tanh(W[l]·h + b[l]); softmax cross-entropy of Head·h + headBias.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = Relu(Stem * x + stemBias);
        for (int l = 0; l < W.Length; l++)
        {
            h = h + scale * Tanh(W[l] * h + b[l]);
        }
        return SoftmaxCrossEntropy(Head * h + headBias, label);
    }
}
