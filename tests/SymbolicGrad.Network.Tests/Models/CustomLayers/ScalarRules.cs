using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.CustomLayers;

/// <summary>Functions of values with derivative rules, called from model code on floats derived from vectors.</summary>
public static class ScalarRules
{
    /// <summary>log(1 + eˣ), x itself above 20 (where the log would round to it): code the compiler does not differentiate.</summary>
    public static float Softplus(float x) => x > 20f ? x : MathF.Log(1f + MathF.Exp(x));

    [DerivativeOf(nameof(Softplus))]
    public static float SoftplusRule(float x, out float dX)
    {
        dX = 1f / (1f + MathF.Exp(-x));
        return Softplus(x);
    }

    /// <summary>Rounding, with the straight-through estimator as its rule (its true derivative is zero).</summary>
    public static float RoundThrough(float x) => MathF.Round(x);

    [DerivativeOf(nameof(RoundThrough))]
    public static float RoundThroughRule(float x, out float dX)
    {
        dX = 1f;
        return RoundThrough(x);
    }
}

/// <summary>A classifier with a softplus penalty per sample (of v·x) and one shared by the batch (of Σb): scalar rules in vector code.</summary>
public sealed partial class SmoothPenaltyNet : Model, ILabelLoss<SmoothPenaltyNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b, v;

    public SmoothPenaltyNet(int seed = 0)
    {
        W = Parameters.Matrix(3, 5, Init.Xavier(seed));
        b = Parameters.Vector(3, Init.Normal(0.5f, seed + 1));
        v = Parameters.Vector(5, Init.Normal(0.5f, seed + 2));
    }

    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        float perSample = ScalarRules.Softplus(Dot(v, x));
        float shared = ScalarRules.Softplus(Sum(b));
        return SoftmaxCrossEntropy(W * x + b, label) + 0.5f * perSample + 0.25f * shared;
    }
}

/// <summary>round(v·x) under the straight-through rule: ∂/∂v = x exactly, where rounding's own derivative is zero.</summary>
public sealed partial class RoundNet : Model
{
    public readonly Vec v;

    public RoundNet(int seed = 0) => v = Parameters.Vector(3, Init.Normal(1f, seed));

    [Differentiable]
    public float Score([NoDiff] Vec x) => 2f * ScalarRules.RoundThrough(Dot(v, x));
}
