namespace SymbolicGrad.Tests.Functions;

/// <summary>
/// [DerivativeOf] rules with a derivative with respect to an array (a Span the rule adds into), and [Differentiable]
/// methods calling their functions with the array a parameter, data, or passed twice.
/// </summary>
public static partial class ArrayRules
{
    /// <summary>Σ xs[i]² · a; not [Differentiable]: only its rule gives its derivative.</summary>
    public static double SquaresTimes(double[] xs, double a)
    {
        double s = 0;
        foreach (double x in xs) s += x * x;
        return s * a;
    }

    [DerivativeOf(nameof(SquaresTimes))]
    public static double SquaresTimesRule(double[] xs, double a, Span<double> dXs, out double dA)
    {
        double s = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            s += xs[i] * xs[i];
            dXs[i] += 2 * xs[i] * a;
        }
        dA = s;
        return s * a;
    }

    /// <summary>Σ round(xs[i]) · ws[i]: its true derivative in xs is zero almost everywhere.</summary>
    public static double RoundedDot(double[] xs, double[] ws)
    {
        double s = 0;
        for (int i = 0; i < xs.Length; i++) s += Math.Round(xs[i]) * ws[i];
        return s;
    }

    /// <summary>Straight through: rounding passes the gradient as if it were the identity, ∂/∂xs[i] = ws[i].</summary>
    [DerivativeOf(nameof(RoundedDot))]
    public static double RoundedDotRule(double[] xs, double[] ws, Span<double> dXs, Span<double> dWs)
    {
        for (int i = 0; i < xs.Length; i++)
        {
            dXs[i] += ws[i];
            dWs[i] += Math.Round(xs[i]);
        }
        return RoundedDot(xs, ws);
    }

    /// <summary>sin(Σ xs[i]²·a) + a: the array is a parameter of the caller.</summary>
    [Differentiable(Jvp = true)]
    public static double SineOfSquares(double[] xs, double a) => Math.Sin(SquaresTimes(xs, a)) + a;

    /// <summary>(Σ data[i]²·a)·a: the array is data in the caller, so the rule's buffer for it is not read.</summary>
    [Differentiable(Jvp = true)]
    public static double SquaresOfData([NoDiff] double[] data, double a) => SquaresTimes(data, a) * a;

    /// <summary>3·Σ round(xs[i])·xs[i]: the array passed twice, each derivative added into its gradient.</summary>
    [Differentiable(Jvp = true)]
    public static double RoundedSelfDot(double[] xs) => 3 * RoundedDot(xs, xs);

    /// <summary>Σ round(xs[i])·ws[i] + a·Σ xs[i]²·a: two rule calls on one array, one array data.</summary>
    [Differentiable(Jvp = true)]
    public static double TwoCalls(double[] xs, [NoDiff] double[] ws, double a) => RoundedDot(xs, ws) + a * SquaresTimes(xs, a);

    /// <summary>Σₖ sin(Σ xs[i]²·a·k) for k = 1..n: the rule called inside a loop, its buffer declared once before it.</summary>
    [Differentiable(Jvp = true)]
    public static double LoopOfSquares(double[] xs, double a, int n)
    {
        double total = 0;
        for (int k = 1; k <= n; k++) total += Math.Sin(SquaresTimes(xs, a * k));
        return total;
    }

    /// <summary>Σₖ k·Σ round(xs[i])·xs[i] for k = 1..n: the straight-through rule inside a loop, the array passed twice.</summary>
    [Differentiable(Jvp = true)]
    public static double LoopOfRoundedDots(double[] xs, int n)
    {
        double total = 0;
        for (int k = 1; k <= n; k++) total += k * RoundedDot(xs, xs);
        return total;
    }

    /// <summary>sin(Σ xs[i]²·a) + a again, opaque: its rule is the generated <see cref="SineOfSquaresGradient"/>.</summary>
    public static double OpaqueSineOfSquares(double[] xs, double a) => Math.Sin(SquaresTimes(xs, a)) + a;

    /// <summary>A rule that runs a generated gradient: its buffer is rented while the caller's is still in use.</summary>
    [DerivativeOf(nameof(OpaqueSineOfSquares))]
    public static double OpaqueSineOfSquaresRule(double[] xs, double a, Span<double> dXs, out double dA) =>
        SineOfSquaresGradient(xs, a, dXs, out dA);

    /// <summary>2·(sin(Σ xs[i]²·a) + a) through the rule above: generated code inside generated code.</summary>
    [Differentiable(Jvp = true)]
    public static double NestedRules(double[] xs, double a) => 2 * OpaqueSineOfSquares(xs, a);
}
