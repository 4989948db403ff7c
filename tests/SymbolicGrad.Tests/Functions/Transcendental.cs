namespace SymbolicGrad.Tests.Functions;

/// <summary>Every supported Math function, alone and combined.</summary>
public static partial class Transcendental
{
    [Differentiable(Jvp = true, Hessian = true)]
    public static double SinCos(double x, double y) => Math.Sin(x) * Math.Cos(y);

    [Differentiable]
    public static double Tangent(double x) => Math.Tan(x);

    [Differentiable(Jvp = true, Hessian = true)]
    public static double InverseTrig(double x, double y) => Math.Asin(x) + Math.Acos(0.5 * x) + Math.Atan(x * y);

    [Differentiable(Jvp = true, Hessian = true)]
    public static double Hyperbolic(double x, double y) => Math.Sinh(x) + Math.Cosh(y) * Math.Tanh(x * y);

    [Differentiable(Jvp = true, Hessian = true)]
    public static double ExpTimesLog(double x, double y) => Math.Exp(x) * Math.Log(y);

    [Differentiable]
    public static double LogWithBase(double x, double b) => Math.Log(x, b);

    [Differentiable]
    public static double LogBaseTen(double x) => Math.Log10(x * x + 1.0);

    [Differentiable(Jvp = true, Hessian = true)]
    public static double Hypotenuse(double x, double y) => Math.Sqrt(x * x + y * y);

    [Differentiable]
    public static double PowConstantExponent(double x) => Math.Pow(x, 3.5);

    [Differentiable]
    public static double PowIntegerExponent(double x) => Math.Pow(x, 3.0);

    [Differentiable(Jvp = true, Hessian = true)]
    public static double PowVariableExponent(double x, double y) => Math.Pow(x, y);

    [Differentiable]
    public static double Softplus(double x) => Math.Log(1.0 + Math.Exp(x));

    [Differentiable(Jvp = true, Hessian = true)]
    public static double Gaussian(double x, double mu, double sigma)
    {
        double d = x - mu;
        return Math.Exp(-(d * d) / (2.0 * sigma * sigma)) / (sigma * Math.Sqrt(2.0 * Math.PI));
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double NestedTrig(double x) => Math.Sin(Math.Cos(Math.Tan(x)));

    [Differentiable]
    public static double SinSquared(double x) => Math.Sin(x) * Math.Sin(x);
}
