using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Elements;

/// <summary>
/// One element of a computed vector, with its gradient: at the label (an input), at a constant, at a computed index
/// (<c>(label + 1) % z.Length</c>), and from a static helper reading an element.
/// </summary>
public sealed partial class ElementNet : Model, ILabelLoss<ElementNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 3 layer.</summary>
    public ElementNet(int seed = 0)
    {
        W = Parameters.Matrix(3, 5, Init.Xavier(seed));
        b = Parameters.Vector(3, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>The score of one class: a scalar helper taking a vector.</summary>
    [Differentiable]
    public static float Score(Vec z, int k) => z[k];

    /// <summary>Cross-entropy written out, plus terms reading other elements of the logits.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec z = W * x + b;
        float other = z[(label + 1) % z.Length];
        return MathF.Log(Sum(Exp(z))) - Score(z, label) + 0.25f * other * other + 0.125f * z[0];
    }
}
