namespace SymbolicGrad.Tests.Functions;

/// <summary>
/// Math/MathF members beyond the classic set: Atan2, Cbrt, Log2, the inverse hyperbolic functions, Log with a base,
/// FusedMultiplyAdd, ScaleB, CopySign, Clamp, IEEERemainder and <c>%</c> on reals, each called as the method calls it.
/// </summary>
public static partial class MathMembers
{
    [Differentiable(Jvp = true, Hessian = true)]
    public static double Atan2(double y, double x) => Math.Atan2(y, x);

    /// <summary>The angle of a point on a curve, composed with the radius.</summary>
    [Differentiable]
    public static double PolarAngle(double x, double y) => Math.Atan2(y * y, x - y) * Math.Sqrt(x * x + y * y);

    [Differentiable]
    public static double Cbrt(double x) => Math.Cbrt(x);

    [Differentiable]
    public static double Log2(double x, double y) => Math.Log2(x * y);

    [Differentiable(Jvp = true, Hessian = true)]
    public static double LogWithBase(double a, double b) => Math.Log(a, b);

    [Differentiable]
    public static double InverseHyperbolic(double x) => Math.Asinh(x) + Math.Acosh(x * x + 1.0) + Math.Atanh(x / 4.0);

    [Differentiable(Jvp = true, Hessian = true)]
    public static double FusedMultiplyAdd(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);

    /// <summary>Horner's rule for 1 + 2x + 3x², one rounding per step.</summary>
    [Differentiable]
    public static double FusedHorner(double x) => Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(3.0, x, 2.0), x, 1.0);

    [Differentiable]
    public static double ScaleB(double x, int n) => Math.ScaleB(x * x, n);

    [Differentiable]
    public static double CopySign(double x, double y) => Math.CopySign(x, y) * y;

    [Differentiable]
    public static double Clamp(double x, double min, double max) => Math.Clamp(x, min, max);

    /// <summary>A clamp of a computed value inside a larger expression.</summary>
    [Differentiable]
    public static double ClampedSquare(double x, double y) => Math.Clamp(x * y, -1.0, 2.0) * x;

    [Differentiable]
    public static double IeeeRemainder(double x, double y) => Math.IEEERemainder(x, y);

    [Differentiable]
    public static double Remainder(double x, double y) => x % y;

    /// <summary>A phase wrapped into [0, 2π) with % and a compound %=.</summary>
    [Differentiable]
    public static double WrappedPhase(double x, double y)
    {
        double phase = x * y;
        phase %= 2.0 * Math.PI;
        return Math.Sin(phase) + phase;
    }

    [Differentiable]
    public static float FloatMembers(float x, float y) =>
        MathF.Atan2(y, x) + MathF.Cbrt(x) + MathF.Log2(y) + MathF.FusedMultiplyAdd(x, y, 1f) + MathF.ScaleB(x, 3)
        + MathF.CopySign(x, -y) + Math.Clamp(x * y, -1f, 1f) + x % y;

    /// <summary>Integer / and % keep C#'s truncation.</summary>
    [Differentiable]
    public static double IntegerRemainder(double x, int n, int m)
    {
        int q = n / m;
        int r = n % m;
        r %= 3;
        return x * q + x * x * r;
    }
}
