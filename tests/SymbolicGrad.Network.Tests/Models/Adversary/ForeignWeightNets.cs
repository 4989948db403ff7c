using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Adversary;

/// <summary>
/// A model whose last-differentiated weight is a Vec field built with new Vec(...), not from Parameters, behind a batch
/// norm (running statistics) and a dropout (random stream): the backward pass reaches it only after adding W's, γ's and
/// β's gradients, so a late check would leave all of that changed.
/// </summary>
public sealed partial class ForeignScaleNormNet : Model
{
    private readonly Vec scale = new(new float[] { 1, 0.5f, 2, -1 });
    private readonly Mat W;
    private readonly BatchNorm bn;
    private readonly Mat V;

    /// <summary>A 4 → 6 → 3 classifier.</summary>
    public ForeignScaleNormNet()
    {
        W = Parameters.Matrix(6, 4, Init.Xavier(1));
        bn = Parameters.BatchNorm(6);
        V = Parameters.Matrix(3, 6, Init.Xavier(2));
    }

    /// <summary>SoftmaxCrossEntropy(V·dropout(bn(W·(x ⊙ scale)), 0.5), label).</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(V * Dropout(BatchNorm(W * (x * scale), bn), 0.5f), label);
}

/// <summary>A loop over layers whose second bias is borrowed from another model's store.</summary>
public sealed partial class BorrowedBiasLoopNet : Model
{
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>A 4 → 5 → 3 classifier; b[1] views <paramref name="lender"/>'s parameters.</summary>
    public BorrowedBiasLoopNet(Model lender)
    {
        W = new[] { Parameters.Matrix(5, 4, Init.Xavier(3)), Parameters.Matrix(3, 5, Init.Xavier(4)) };
        b = new[] { Parameters.Vector(5), lender.Parameters.Vector(3) };
    }

    /// <summary>SoftmaxCrossEntropy of the layers' tanh(W[l]·h + b[l]).</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = x;
        for (int l = 0; l < W.Length; l++) h = Tanh(W[l] * h + b[l]);
        return SoftmaxCrossEntropy(h, label);
    }
}
