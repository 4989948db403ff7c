namespace SymbolicGrad.Tests.Functions;

/// <summary>Calls to [Differentiable] methods of other classes, inlined by the generator.</summary>
public static partial class Composition
{
    [Differentiable]
    public static double SquaredGabor(double phi0, double phi1) => Lectures.Gabor(3.0, phi0, phi1) * Lectures.Gabor(-2.0, phi0, phi1);

    [Differentiable]
    public static double SigmoidOfPolynomial(double x) => Lectures.Sigmoid(Arithmetic.Polynomial(x) / 10.0);

    [Differentiable(Jvp = true, Hessian = true)]
    public static double CallChain(double x, double y) => Outer.Inner.Swish(Transcendental.Hypotenuse(x, y)) + Transcendental.Softplus(x - y);

    [Differentiable(Jvp = true, Hessian = true)]
    public static double CallsStruct(double x, double y) => PlaneGeometry.Norm(x, y) * PlaneGeometry.Dot(x, y, y, x);

    [Differentiable]
    public static double CallsGlobal(double x) => GlobalFunctions.Cube(x) - Lectures.Sigmoid(x);

    [Differentiable]
    public static double PiecewiseCall(double x, double y) => Piecewise.Huber(x - y, 1.0) + Piecewise.LeakyRelu(y);

    [Differentiable]
    public static double NoDiffArgument([NoDiff] double c, double x) => Lectures.Gabor(c, x, x * x);

    [Differentiable]
    public static double LocalsAroundCall(double a, double b)
    {
        double s = a + b;
        double t = Lectures.Sigmoid(s);
        t *= Transcendental.SinCos(a, b);
        return t + s;
    }
}

/// <summary>A nested type two levels deep.</summary>
public static partial class Outer
{
    public static partial class Inner
    {
        [Differentiable]
        public static double Swish(double x) => x * Lectures.Sigmoid(x);

        [Differentiable]
        public static double Mish(double x) => x * Math.Tanh(Transcendental.Softplus(x));
    }
}

/// <summary>A partial struct holding [Differentiable] methods.</summary>
public partial struct PlaneGeometry
{
    [Differentiable]
    public static double Norm(double x, double y) => Math.Sqrt(x * x + y * y);

    [Differentiable]
    public static double Dot(double ax, double ay, double bx, double by) => ax * bx + ay * by;
}
