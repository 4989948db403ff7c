using SymbolicGrad;

/// <summary>[Differentiable] methods in the global namespace.</summary>
public static partial class GlobalFunctions
{
    [Differentiable]
    public static double Cube(double x) => x * x * x;

    [Differentiable]
    public static double Bump(double x, double y) => Math.Exp(-(x * x) - y * y) * (x + 2.0 * y);
}
