namespace SymbolicGrad.Tests.Functions;

/// <summary>
/// Operations that throw for some operands (integer division by zero, Clamp with min &gt; max, Math.Sign of NaN), run
/// only under a condition that rules those operands out: the generated code computes values ahead of their
/// conditions, and must still throw only where the method does.
/// </summary>
public static partial class ConditionalExceptions
{
    [Differentiable]
    public static double DivisionInBranch(double x, int n, int m)
    {
        if (m != 0)
        {
            int q = n / m;
            int r = n % m;
            return x * q + r;
        }
        return x;
    }

    [Differentiable]
    public static double ClampWhenOrdered(double x, double lo, double hi) => lo <= hi ? Math.Clamp(x, lo, hi) * x : x;

    [Differentiable]
    public static double RemainderAfterAnd(double x, int n) => n != 0 && 7 % n == 1 ? x * x : x;

    [Differentiable]
    public static double RemainderAfterOr(double x, int n) => n == 0 || 7 % n == 1 ? x * x : x;

    [Differentiable]
    public static double SignOfNumber([NoDiff] double x, double y) => x >= 0.0 || x < 0.0 ? Math.Sign(x) * y : y;

    /// <summary>The division runs in the callee only where the caller's condition holds.</summary>
    [Differentiable]
    public static double CallInBranch(double x, int m) => m > 0 ? Helper(x, m) : -x;

    [Differentiable]
    public static double Helper(double x, int m)
    {
        int k = 12 / m;
        return x * k;
    }
}
