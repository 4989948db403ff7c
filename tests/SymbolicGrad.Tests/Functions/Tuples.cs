namespace SymbolicGrad.Tests.Functions;

/// <summary>Tuple deconstruction of locals: every element is evaluated before any target is assigned.</summary>
public static partial class Tuples
{
    [Differentiable]
    public static double Declare(double x, double y)
    {
        var (p, s) = (x * y, x + y);
        return p * s;
    }

    /// <summary>A swap reads the old values: after it, a holds y·y and b holds x.</summary>
    [Differentiable]
    public static double Swap(double x, double y)
    {
        double a = x;
        double b = y * y;
        (a, b) = (b, a);
        return a * 3.0 + Math.Sin(b);
    }

    /// <summary>A rotation by an angle, written as simultaneous assignment.</summary>
    [Differentiable]
    public static double Rotate(double x, double y, double angle)
    {
        double c = Math.Cos(angle), s = Math.Sin(angle);
        (x, y) = (c * x - s * y, s * x + c * y);
        return x * x * 2.0 + y;
    }

    /// <summary>Nested tuples, a discard, an int element converted to double, and explicit types.</summary>
    [Differentiable]
    public static double Nested(double x, int n)
    {
        (double a, (double b, _)) = (x * n, (Math.Exp(x), x * x));
        double c;
        (c, a) = (n, a + b);
        return a * c;
    }

    /// <summary>Fibonacci-like recurrence of two carried values, unrolled.</summary>
    [Differentiable]
    public static double Recurrence(double x, double y)
    {
        (x, y) = (y, x + y);
        (x, y) = (y, x * y);
        (x, y) = (y, x - y);
        return x + y;
    }
}
