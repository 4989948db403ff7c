namespace SymbolicGrad.Network.Tests.Models.CustomLayers;

/// <summary>
/// swish(x) = x·σ(x), written with a plain loop (code the compiler does not differentiate), with its pullback rule and
/// the overload generated code computes it with.
/// </summary>
public static class Swish
{
    /// <summary>The user's form: a new vector.</summary>
    public static Vec Of(Vec x)
    {
        var result = new Vec(x.Length);
        Of(x, result);
        return result;
    }

    /// <summary>Into a buffer: what generated code calls, once per sample.</summary>
    public static void Of(Vec x, Vec result)
    {
        for (int i = 0; i < x.Length; i++) result[i] = x[i] / (1f + MathF.Exp(-x[i]));
    }

    /// <summary>d swish/dx = σ(x)·(1 + x·(1 − σ(x))), times dResult, added into dX.</summary>
    [DerivativeOf(nameof(Of))]
    public static void Pullback(Vec x, Vec dResult, Vec dX)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float s = 1f / (1f + MathF.Exp(-x[i]));
            dX[i] += dResult[i] * s * (1f + x[i] * (1f - s));
        }
    }
}
