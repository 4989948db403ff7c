namespace SymbolicGrad.Tests.Functions;

/// <summary>Abs, Max, Min, ?: and if/else: the derivative of the branch taken.</summary>
public static partial class Piecewise
{
    [Differentiable]
    public static double AbsTimes(double x, double y) => Math.Abs(x) * y;

    [Differentiable]
    public static double MaxPlusMin(double x, double y) => Math.Max(x, y) + Math.Min(x, 2.0 * y);

    [Differentiable]
    public static double Relu(double x) => x > 0.0 ? x : 0.0;

    [Differentiable]
    public static double LeakyRelu(double x)
    {
        if (x >= 0.0)
        {
            return x;
        }
        return 0.01 * x;
    }

    [Differentiable]
    public static double NestedConditional(double x) => x < -1.0 ? -x * x : x < 1.0 ? x : Math.Sqrt(x) * 2.0 - 1.0;

    [Differentiable(Jvp = true, Hessian = true)]
    public static double Huber(double r, double delta)
    {
        if (Math.Abs(r) <= delta)
        {
            return 0.5 * r * r;
        }
        else
        {
            return delta * (Math.Abs(r) - 0.5 * delta);
        }
    }

    [Differentiable]
    public static double LogicalConditions(double x, double y)
    {
        if ((x > 0.0 && y > 0.0) || !(x > -1.0))
        {
            return x * y;
        }
        else if (x != y)
        {
            return x + y * y;
        }
        return 0.0 * x + y;
    }

    [Differentiable]
    public static double SelectByFlag(bool square, double x) => square ? x * x : Math.Sin(x);

    [Differentiable(Jvp = true, Hessian = true)]
    public static double BranchAssignsLocal(double x, double y)
    {
        double r = 0.0;
        if (x > y)
        {
            r = x - y;
        }
        else
        {
            r = y - x * x;
        }
        return r * x;
    }

    [Differentiable]
    public static double IntCondition(double x, int n)
    {
        if (n > 2)
        {
            return Math.Pow(x, 2.0) * n;
        }
        return x * n;
    }

    /// <summary>For x ≤ 0 the untaken branch is NaN; neither it nor its derivative may leak into the result.</summary>
    [Differentiable]
    public static double GuardedSqrt(double x) => x > 0.0 ? Math.Sqrt(x) : 0.0;

    /// <summary>sin(x)/x with its removable singularity patched; at 0 the untaken branch divides by zero.</summary>
    [Differentiable]
    public static double Sinc(double x) => x != 0.0 ? Math.Sin(x) / x : 1.0;

    [Differentiable]
    public static double GuardedLog(double x, double y)
    {
        if (x > 0.0)
        {
            return Math.Log(x) * y;
        }
        return y;
    }
}
