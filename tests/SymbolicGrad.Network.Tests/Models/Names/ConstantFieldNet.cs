using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Names;

/// <summary>A mistake a new user makes: a constant mask kept in a Vec field built with new Vec(...), not from Parameters.</summary>
public sealed partial class ConstantFieldNet : Model
{
    private readonly Mat W;
    private readonly Vec mask = new(new float[] { 1, 0, 1 });

    /// <summary>A 4 → 3 softmax classifier whose logits are masked.</summary>
    public ConstantFieldNet() => W = Parameters.Matrix(3, 4, Init.Xavier(1));

    /// <summary>Softmax cross-entropy of (W·x) ⊙ mask.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W * x * mask, label);
}
