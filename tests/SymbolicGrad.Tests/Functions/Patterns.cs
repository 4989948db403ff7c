namespace SymbolicGrad.Tests.Functions;

/// <summary>Switch expressions and patterns: selects between arms tested in order; the derivative is the arm taken's.</summary>
public static partial class Patterns
{
    [Differentiable]
    public static double AbsBySwitch(double x) => x switch { < 0.0 => -x, _ => x };

    [Differentiable]
    public static double Bands(double x, double y) => x switch
    {
        < -1.0 => y * x,
        >= -1.0 and < 1.0 => x * x * y,
        > 5.0 or < 1.5 => Math.Sin(x) + y,
        _ => x / y,
    };

    [Differentiable]
    public static double SwitchOnInt(double x, int n) => n switch
    {
        0 => x,
        1 or 2 => x * x,
        int m when m > 10 => Math.Exp(x) * m,
        _ => -x,
    };

    [Differentiable]
    public static double SwitchOnBool(bool square, double x) => square switch { true => x * x, false => 3.0 * x };

    /// <summary>A var pattern binding the computed value, read in a when clause and in the arm.</summary>
    [Differentiable]
    public static double VarPattern(double x, double y) => (x * y) switch
    {
        var p when p > 1.0 => p * p,
        var p => p + x,
    };

    [Differentiable]
    public static double IsPatterns(double x, double y)
    {
        double r = y;
        if (x is > 0.0 and < 1.0)
        {
            r = x * y;
        }
        if (x is not (> -2.0) || y is 3.0)
        {
            r += x * x;
        }
        return x is double.NaN ? 0.0 : r;
    }

    /// <summary>A constant pattern on −0.0 matches +0.0 too, as == does.</summary>
    [Differentiable]
    public static double ZeroPattern(double x, double y) => (x * y) switch { 0.0 => y, _ => x * y };

    [Differentiable]
    public static float FloatSwitch(float x) => x switch { > 1f => MathF.Log(x), < -1f => -MathF.Log(-x), _ => x - 1f };
}
