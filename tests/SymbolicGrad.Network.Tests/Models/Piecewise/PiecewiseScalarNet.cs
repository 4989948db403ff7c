using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Piecewise;

/// <summary>
/// Per-sample scalars through the newer constructs, batched: Math.Clamp, MathF.Atan2, Cbrt and FusedMultiplyAdd, a
/// tuple deconstruction, a switch expression with relational arms, a pattern choosing between two vectors, and an
/// element of a computed vector. Every piece is continuous at its borders, so finite differences hold on random data.
/// </summary>
public sealed partial class PiecewiseScalarNet : Model, ITargetLoss<PiecewiseScalarNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 7 layer z.</summary>
    public PiecewiseScalarNet(int seed = 0)
    {
        W = Parameters.Matrix(7, 5, Init.He(seed));
        b = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>s = z·target, then scalar pieces of s and a vector chosen by s's sign.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target)
    {
        Vec z = W * x + b;
        float s = Dot(z, target);
        float c = Math.Clamp(s, -1.5f, 1.5f);
        var (p, q) = (MathF.Atan2(c, 2f), MathF.Cbrt(s * s + 1f));
        float r = s switch
        {
            > 1f => 2f * s - 1f,
            < -1f => -2f * s - 1f,
            _ => s * s,
        };
        Vec h = s is > 0f and < 1e6f ? z * s : z * 0f;
        return MathF.FusedMultiplyAdd(p, q, r) + Mean(Square(h)) + z[0] * c;
    }
}
