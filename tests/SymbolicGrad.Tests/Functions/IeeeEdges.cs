namespace SymbolicGrad.Tests.Functions;

/// <summary>
/// Code that algebra would simplify but IEEE arithmetic does not: 0·x is NaN for x = ∞, x + 0 is +0 for x = −0.
/// The generated forward pass must compute what these methods compute, bit for bit.
/// </summary>
public static partial class IeeeEdges
{
    [Differentiable]
    public static double ZeroTimes(double x, double y) => 0.0 * x + y;

    [Differentiable]
    public static double PlusZero(double x) => x + 0.0;

    [Differentiable]
    public static double ZeroMinus(double x) => 0.0 - x;

    [Differentiable]
    public static double ZeroOver(double x, double y) => 0.0 / x + y;

    [Differentiable]
    public static double GuardedProduct(double c, double x, double y) => (c > 0.0 ? x : 0.0) * y;

    [Differentiable]
    public static double AccumulatedFromZero(double x, double y)
    {
        double s = 0.0;
        s += x * y;
        return s;
    }

    [Differentiable]
    public static float FloatZeroTimes(float x, float y) => 0f * x + y;
}
