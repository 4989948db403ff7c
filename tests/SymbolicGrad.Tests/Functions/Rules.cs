namespace SymbolicGrad.Tests.Functions;

/// <summary>
/// Functions SymbolicGrad does not differentiate (code it rejects, or a derivative chosen on purpose), each given a
/// [DerivativeOf] rule in another type or its own.
/// </summary>
public static class Special
{
    /// <summary>log(1 + eˣ), computed without overflow; its try/catch is code SymbolicGrad does not differentiate.</summary>
    public static double Softplus(double x)
    {
        try
        {
            return x > 30 ? x : Math.Log(1 + Math.Exp(x));
        }
        catch (OverflowException)
        {
            return x;
        }
    }

    /// <summary>scale · x^n by repeated multiplication in a checked block: a [NoDiff] and an int parameter.</summary>
    public static double ScaledPower(double x, [NoDiff] double scale, int n)
    {
        double p = 1;
        checked
        {
            for (int k = 0; k < n; k++) p *= x;
        }
        return scale * p;
    }
}

/// <summary>The rules, and [Differentiable] methods calling their functions.</summary>
public static partial class Rules
{
    /// <summary>d softplus/dx = σ(x), stable for large |x|.</summary>
    [DerivativeOf(typeof(Special), nameof(Special.Softplus))]
    public static double SoftplusRule(double x, out double dX)
    {
        dX = x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
        return Special.Softplus(x);
    }

    [DerivativeOf(typeof(Special), nameof(Special.ScaledPower))]
    public static double ScaledPowerRule(double x, double scale, int n, out double dX)
    {
        dX = n == 0 ? 0 : scale * n * Math.Pow(x, n - 1);
        return Special.ScaledPower(x, scale, n);
    }

    /// <summary>Rounding, whose derivative is zero almost everywhere.</summary>
    public static double Round(double x) => Math.Round(x);

    /// <summary>The straight-through estimator: rounding passes the gradient through as if it were the identity.</summary>
    [DerivativeOf(nameof(Round))]
    public static double StraightThrough(double x, out double dX)
    {
        dX = 1;
        return Math.Round(x);
    }

    /// <summary>A [Differentiable] function whose rule callers use instead of its body (SG0053): the body's derivative at 0 is ∞.</summary>
    [Differentiable]
    public static double Root(double x) => Math.Sqrt(x);

    [DerivativeOf(nameof(Root))]
    public static double RootRule(double x, out double dX)
    {
        double r = Math.Sqrt(x);
        dX = r == 0 ? 0 : 0.5 / r;
        return r;
    }

    /// <summary>The same rules in float.</summary>
    public static float SoftplusF(float x) => MathF.Log(1 + MathF.Exp(x));

    [DerivativeOf(nameof(SoftplusF))]
    public static float SoftplusFRule(float x, out float dX)
    {
        dX = 1 / (1 + MathF.Exp(-x));
        return SoftplusF(x);
    }

    /// <summary>softplus(x·y) + 3·x⁴ + round(x)·y: rules across types, with [NoDiff] and int operands, and straight through.</summary>
    [Differentiable(Jvp = true)]
    public static double UsesRules(double x, double y) => Special.Softplus(x * y) + Special.ScaledPower(x, 3.0, 4) + Round(x) * y;

    /// <summary>√(x² + y²) through the rule of Root, whose derivative is 0 (not NaN) at the origin.</summary>
    [Differentiable(Jvp = true)]
    public static double Radius(double x, double y) => Root(x * x + y * y) * x;

    /// <summary>A rule called inside a loop, twice per iteration.</summary>
    [Differentiable(Jvp = true)]
    public static double SoftplusSum(double[] w, [NoDiff] double[] x)
    {
        double s = 0;
        for (int i = 0; i < w.Length; i++) s += Special.Softplus(w[i] * x[i]) - 0.5 * Special.Softplus(-w[i]);
        return s;
    }

    [Differentiable(Jvp = true)]
    public static float UsesFloatRule(float x, float y) => SoftplusF(x - y) * y;
}
