using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.LayerLoops;

/// <summary>
/// A loop over layers whose layers read no matrix: each adds a bias (and squashes), so ∂L/∂h is ∂L/∂(h + b[l]) itself,
/// the value the bias's gradient sums too. The backward pass once computed it only when the layer before asked for it,
/// and the bias's gradient read a value never declared (CS0103).
/// </summary>
public sealed partial class BiasLoopNet : Model, ILabelLoss<BiasLoopNet.LossWorkspace>
{
    private readonly Mat W, Head;
    private readonly Vec[] b;
    private readonly Vec[] shift;

    /// <summary>5 → 6, <paramref name="blocks"/> bias-and-tanh blocks, <paramref name="blocks"/> bias-only blocks, 6 → 3.</summary>
    public BiasLoopNet(int blocks, int seed = 0)
    {
        W = Parameters.Matrix(6, 5, Init.Xavier(seed));
        b = new Vec[blocks];
        shift = new Vec[blocks];
        for (int l = 0; l < blocks; l++)
        {
            b[l] = Parameters.Vector(6, Init.Normal(0.3f, seed + 1 + l));
            shift[l] = Parameters.Vector(6, Init.Normal(0.3f, seed + 20 + l));
        }
        Head = Parameters.Matrix(3, 6, Init.Xavier(seed + 50));
    }

    /// <summary>h = W·x; per block h = tanh(h + b[l]); per block h = h + shift[l]; softmax cross-entropy of Head·h.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = W * x;
        for (int l = 0; l < b.Length; l++) h = Tanh(h + b[l]);
        for (int l = 0; l < shift.Length; l++) h = h + shift[l];
        return SoftmaxCrossEntropy(Head * h, label);
    }
}
