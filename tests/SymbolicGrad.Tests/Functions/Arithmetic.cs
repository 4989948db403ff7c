namespace SymbolicGrad.Tests.Functions;

/// <summary>Polynomials, quotients, unary operators, locals and compound assignment.</summary>
public static partial class Arithmetic
{
    private const double Scale = 2.5;
    private const double Offset = -0.75;

    [Differentiable]
    public static double Sum(double x, double y) => x + y;

    [Differentiable]
    public static double Quotient(double x, double y) => x / y;

    [Differentiable(Jvp = true, Hessian = true)]
    public static double Polynomial(double x) => 3.0 * x * x * x - 2.0 * x * x + x - 5.0;

    [Differentiable(Jvp = true, Hessian = true)]
    public static double Rational(double x, double y) => (x * x + y) / (1.0 + y * y);

    [Differentiable]
    public static double UnaryOperators(double x, double y) => -x * +y - -(x * x) + -(-y);

    [Differentiable(Jvp = true, Hessian = true)]
    public static double ProductOfFour(double a, double b, double c, double d) => a * b * c * d;

    [Differentiable(Jvp = true, Hessian = true)]
    public static double Reciprocals(double x, double y) => 1.0 / x + 1.0 / (x * y) - y / (x * x);

    [Differentiable(Jvp = true, Hessian = true)]
    public static double RepeatedSubexpression(double x, double y) => (x * y) * (x * y) + x * y - (x * y) / (1.0 + x * y * x * y);

    [Differentiable(Jvp = true, Hessian = true)]
    public static double CompoundAssignments(double x, double y)
    {
        double s = x;
        s += y;
        s *= x;
        s -= 2.0 * y;
        s /= 1.0 + y * y;
        return s;
    }

    [Differentiable]
    public static double ReassignedParameter(double x, double y)
    {
        x = x * x;
        y = y + x;
        x *= y;
        return x - y;
    }

    [Differentiable]
    public static double ConstFields(double x) => Scale * x * x + Offset * x;

    [Differentiable]
    public static double ConstLocals(double x, double y)
    {
        const double half = 0.5;
        const double third = 1.0 / 3.0;
        double r = half * x * x + third * y * y * y;
        return r * half;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double WithNoDiff([NoDiff] double a, double x, [NoDiff] double b) => a * x * x + b * x;

    [Differentiable(Jvp = true, Hessian = true)]
    public static double WithInt(double x, int n) => x * n + n * n * x * x;

    [Differentiable]
    public static double LocalsChain(double a, double b)
    {
        double u = a * b;
        double v = u + a;
        double w = v * v - u;
        double q = w / (1.0 + b * b);
        return q + v;
    }
}
