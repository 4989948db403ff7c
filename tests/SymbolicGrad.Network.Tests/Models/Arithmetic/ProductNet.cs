using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Arithmetic;

/// <summary>Element-wise vector × vector and unary minus.</summary>
public sealed partial class ProductNet : Model, ITargetLoss<ProductNet.LossWorkspace>
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;

    /// <summary>Two 5 → 7 layers u and v.</summary>
    public ProductNet(int seed = 0)
    {
        W1 = Parameters.Matrix(7, 5, Init.He(seed));
        b1 = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
        W2 = Parameters.Matrix(7, 5, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(7, Init.Normal(0.5f, seed + 3));
    }

    /// <summary>Dot(target, u ⊙ v + (−v) ⊙ v ⊙ u): products of two and three factors, one negated.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target)
    {
        Vec u = W1 * x + b1;
        Vec v = W2 * x + b2;
        Vec n = -v;
        return Dot(target, u * v + n * v * u);
    }
}
