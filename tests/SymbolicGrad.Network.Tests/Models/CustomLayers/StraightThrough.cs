using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.CustomLayers;

/// <summary>
/// The sign of each element, whose true derivative is zero, with the straight-through estimator as its rule: the
/// gradient passes unchanged. A test asserts the generated gradient is the rule's, exactly.
/// </summary>
public static partial class StraightThrough
{
    public static Vec Sign(Vec x)
    {
        var result = new Vec(x.Length);
        Sign(x, result);
        return result;
    }

    public static void Sign(Vec x, Vec result)
    {
        for (int i = 0; i < x.Length; i++) result[i] = MathF.Sign(x[i]);
    }

    [DerivativeOf(nameof(Sign))]
    public static void SignPullback(Vec x, Vec dResult, Vec dX)
    {
        for (int i = 0; i < x.Length; i++) dX[i] += dResult[i];
    }
}

/// <summary>v · sign(W·x + b): under the straight-through rule ∂/∂W = v·xᵀ, ∂/∂b = v, ∂/∂v = sign(W·x + b).</summary>
public sealed partial class BinaryNet : Model
{
    public readonly Mat W;
    public readonly Vec b, v;

    public BinaryNet(int seed = 0)
    {
        W = Parameters.Matrix(4, 3, Init.Xavier(seed));
        b = Parameters.Vector(4, Init.Normal(0.3f, seed + 1));
        v = Parameters.Vector(4, Init.Normal(1f, seed + 2));
    }

    [Differentiable]
    public float Score([NoDiff] Vec x) => Dot(v, StraightThrough.Sign(W * x + b));
}
