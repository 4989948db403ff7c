using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Arithmetic;

/// <summary>Vector ± scalar, scalar ± vector and scalar × vector with constants and a float data parameter.</summary>
public sealed partial class ScalarArithmeticNet : Model, IWeightedLoss<ScalarArithmeticNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 7 layer z.</summary>
    public ScalarArithmeticNet(int seed = 0)
    {
        W = Parameters.Matrix(7, 5, Init.He(seed));
        b = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>Every scalar/vector combination once; <paramref name="scale"/> is data (no gradient).</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target, float scale)
    {
        Vec z = W * x + b;
        Vec a = Tanh(scale * z + 0.5f);
        Vec c = (1.5f - z) * 0.25f;
        Vec e = 2f + z - 1f;
        Vec f = 0.75f * Square(e) - scale;
        return Dot(target, a - c) + Mean(f);
    }
}
