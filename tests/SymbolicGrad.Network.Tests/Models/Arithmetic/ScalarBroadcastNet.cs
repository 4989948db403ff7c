using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Arithmetic;

/// <summary>Scalars that depend on parameters, broadcast over vectors: their adjoints sum over the vector.</summary>
public sealed partial class ScalarBroadcastNet : Model, ITargetLoss<ScalarBroadcastNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b, c;

    /// <summary>A 5 → 7 layer z and a weight vector c over the input.</summary>
    public ScalarBroadcastNet(int seed = 0)
    {
        W = Parameters.Matrix(7, 5, Init.He(seed));
        b = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
        c = Parameters.Vector(5, Init.Normal(0.5f, seed + 2));
    }

    /// <summary>s = mean(z) and t = c·x are subtracted from and multiplied into z.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target)
    {
        Vec z = W * x + b;
        float s = Mean(z);
        float t = Dot(c, x);
        Vec centred = z - s;
        return Dot(target, Tanh(t * centred) + (s * t - z) * 0.5f);
    }
}
