namespace SymbolicGrad.Benchmarks.Derived;

/// <summary>The functions of <see cref="DerivedBenchmarks"/>: their Jvp, Hvp and Hessian are generated.</summary>
public static partial class DerivedFunctions
{
    /// <summary>The lectures' Gabor model: a few transcendental calls, a scalar Jvp's typical cost.</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public static double Gabor([NoDiff] double x, double phi0, double phi1)
    {
        double z = phi0 + 0.06 * phi1 * x;
        return Math.Sin(z) * Math.Exp(-(z * z) / 32.0);
    }

    /// <summary>Least squares of a line through N points: a loop whose Jvp and Hvp carry tangents.</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public static double LeastSquares([NoDiff] double[] xs, [NoDiff] double[] ys, double w, double b)
    {
        double loss = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double r = w * xs[i] + b - ys[i];
            loss += r * r;
        }
        return loss;
    }

    /// <summary>Horner's rule: the gradient and H·t with respect to every coefficient (array Hvp, reverse loop).</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public static double Horner(double[] c, double x)
    {
        double p = 0;
        for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
        return p;
    }

    /// <summary>
    /// A function of ten scalars with a dense Hessian: an extended Rosenbrock chain, a coupling sine and a log of the
    /// squared norm.
    /// </summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public static double Ten(double p0, double p1, double p2, double p3, double p4, double p5, double p6, double p7, double p8, double p9)
    {
        double chain = 100 * (p1 - p0 * p0) * (p1 - p0 * p0) + (1 - p0) * (1 - p0)
            + 100 * (p2 - p1 * p1) * (p2 - p1 * p1) + (1 - p1) * (1 - p1)
            + 100 * (p3 - p2 * p2) * (p3 - p2 * p2) + (1 - p2) * (1 - p2)
            + 100 * (p4 - p3 * p3) * (p4 - p3 * p3) + (1 - p3) * (1 - p3)
            + 100 * (p5 - p4 * p4) * (p5 - p4 * p4) + (1 - p4) * (1 - p4)
            + 100 * (p6 - p5 * p5) * (p6 - p5 * p5) + (1 - p5) * (1 - p5)
            + 100 * (p7 - p6 * p6) * (p7 - p6 * p6) + (1 - p6) * (1 - p6)
            + 100 * (p8 - p7 * p7) * (p8 - p7 * p7) + (1 - p7) * (1 - p7)
            + 100 * (p9 - p8 * p8) * (p9 - p8 * p8) + (1 - p8) * (1 - p8);
        double norm = p0 * p0 + p1 * p1 + p2 * p2 + p3 * p3 + p4 * p4 + p5 * p5 + p6 * p6 + p7 * p7 + p8 * p8 + p9 * p9;
        return chain + Math.Sin(p0 * p9 + p4 * p5) + Math.Log(1 + norm);
    }
}
