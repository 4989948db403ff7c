namespace SymbolicGrad.Tests.Functions;

/// <summary>
/// Functions with [DerivativeOf] rules that throw outside their domain, called under a condition: the generated code
/// must run the function and its rule only where the method calls the function.
/// </summary>
public static partial class GuardedRules
{
    /// <summary>log(a·Σ xs[i]²), defined for a &gt; 0 only: it throws elsewhere, as its rule does.</summary>
    public static double LogSquares(double[] xs, double a)
    {
        if (a <= 0) throw new ArgumentOutOfRangeException(nameof(a), a, "LogSquares needs a > 0");
        double s = 0;
        foreach (double x in xs) s += x * x;
        return Math.Log(a * s);
    }

    [DerivativeOf(nameof(LogSquares))]
    public static double LogSquaresRule(double[] xs, double a, Span<double> dXs, out double dA)
    {
        if (a <= 0) throw new ArgumentOutOfRangeException(nameof(a), a, "LogSquaresRule needs a > 0");
        double s = 0;
        foreach (double x in xs) s += x * x;
        for (int i = 0; i < xs.Length; i++) dXs[i] += 2 * xs[i] / s;
        dA = 1 / a;
        return Math.Log(a * s);
    }

    /// <summary>log(a·Σ xs[i]²) where a &gt; 0, else a²: the rule runs only where the method calls the function.</summary>
    [Differentiable(Jvp = true)]
    public static double LogSquaresWherePositive(double[] xs, double a) => a > 0 ? LogSquares(xs, a) : a * a;

    /// <summary>The same guarded call inside a loop: Σₖ (a − k &gt; 0 ? log((a − k)·Σ xs²) : (a − k)²), k = 0..n−1.</summary>
    [Differentiable(Jvp = true)]
    public static double LogSquaresInALoop(double[] xs, double a, int n)
    {
        double total = 0;
        for (int k = 0; k < n; k++)
        {
            double b = a - k;
            total += b > 0 ? LogSquares(xs, b) : b * b;
        }
        return total;
    }

    /// <summary>sin(log(a·Σ xs[i]²)) where a &gt; 0, else a: the call's value is read again by the derivative, so it is a local.</summary>
    [Differentiable(Jvp = true)]
    public static double SineOfLogSquaresWherePositive(double[] xs, double a) => a > 0 ? Math.Sin(LogSquares(xs, a)) : a;

    /// <summary>log(x), for x &gt; 0 only: it throws elsewhere, as its rule does.</summary>
    public static double StrictLog(double x) => x > 0 ? Math.Log(x) : throw new ArgumentOutOfRangeException(nameof(x), x, "StrictLog needs x > 0");

    [DerivativeOf(nameof(StrictLog))]
    public static double StrictLogRule(double x, out double dX)
    {
        if (x <= 0) throw new ArgumentOutOfRangeException(nameof(x), x, "StrictLogRule needs x > 0");
        dX = 1 / x;
        return Math.Log(x);
    }

    /// <summary>x·log(x) where x &gt; 0, else 0: a scalar rule in a branch.</summary>
    [Differentiable(Jvp = true)]
    public static double EntropyTerm(double x) => x > 0 ? x * StrictLog(x) : 0;
}
