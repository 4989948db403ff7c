using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Arithmetic;

/// <summary>Vector + vector and vector − vector, each side depending on different parameters.</summary>
public sealed partial class SumDifferenceNet : Model, ITargetLoss<SumDifferenceNet.LossWorkspace>
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;

    /// <summary>Two 5 → 7 layers u and v.</summary>
    public SumDifferenceNet(int seed = 0)
    {
        W1 = Parameters.Matrix(7, 5, Init.He(seed));
        b1 = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
        W2 = Parameters.Matrix(7, 5, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(7, Init.Normal(0.5f, seed + 3));
    }

    /// <summary>Dot(target, u + v) + ½·|u − v|²: the sum and the difference reach u and v with opposite signs.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target)
    {
        Vec u = W1 * x + b1;
        Vec v = W2 * x + b2;
        Vec d = u - v;
        return Dot(target, u + v) + 0.5f * Dot(d, d);
    }
}
