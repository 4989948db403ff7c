using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Adversary;

/// <summary>
/// A dropout (random stream) before a loop over layers whose second layer may not fit: W[1] is 3 × 6 where the first
/// layer gives 5 (or 3 × 5, which fits). A check made only when that layer runs would leave the random step moved.
/// </summary>
public sealed partial class DropoutThenLayersNet : Model
{
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>A 4 → 5 → 3 classifier; with <paramref name="misshaped"/>, W[1] takes 6 inputs.</summary>
    public DropoutThenLayersNet(bool misshaped)
    {
        W = [Parameters.Matrix(5, 4, Init.Xavier(1)), Parameters.Matrix(3, misshaped ? 6 : 5, Init.Xavier(2))];
        b = [Parameters.Vector(5, Init.Normal(0.3f, 3)), Parameters.Vector(3, Init.Normal(0.3f, 4))];
    }

    /// <summary>SoftmaxCrossEntropy of the layers' tanh(W[l]·h + b[l]) from dropout(x, 0.25).</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = Dropout(x, 0.25f);
        for (int l = 0; l < W.Length; l++) h = Tanh(W[l] * h + b[l]);
        return SoftmaxCrossEntropy(h, label);
    }
}

/// <summary>
/// A batch norm (running statistics) before a loop over layers whose second layer may not fit, as
/// <see cref="DropoutThenLayersNet"/>; the last layer is linear (a branch on the counter).
/// </summary>
public sealed partial class BatchNormThenLayersNet : Model
{
    private readonly BatchNorm bn;
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>A 4 → 5 → 3 classifier; with <paramref name="misshaped"/>, W[1] takes 6 inputs.</summary>
    public BatchNormThenLayersNet(bool misshaped)
    {
        bn = Parameters.BatchNorm(4);
        W = [Parameters.Matrix(5, 4, Init.Xavier(5)), Parameters.Matrix(3, misshaped ? 6 : 5, Init.Xavier(6))];
        b = [Parameters.Vector(5, Init.Normal(0.3f, 7)), Parameters.Vector(3, Init.Normal(0.3f, 8))];
    }

    /// <summary>SoftmaxCrossEntropy of the layers (ReLU but the last) from bn(x).</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = BatchNorm(x, bn);
        for (int l = 0; l < W.Length; l++)
        {
            Vec z = W[l] * h + b[l];
            h = l < W.Length - 1 ? Relu(z) : z;
        }
        return SoftmaxCrossEntropy(h, label);
    }
}
