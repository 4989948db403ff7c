namespace SymbolicGrad.Tests.Functions;

/// <summary>Functions whose second derivatives are known in closed form, for exact checks of Hessians and Jvps.</summary>
public static partial class Curvature
{
    /// <summary>(1 − x)² + 100 (y − x²)²: at (1, 1) the gradient is 0 and the Hessian exactly [[802, −400], [−400, 200]].</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public static double Rosenbrock(double x, double y) => (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);

    /// <summary>The same in float.</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public static float RosenbrockF(float x, float y) => (1f - x) * (1f - x) + 100f * (y - x * x) * (y - x * x);

    /// <summary>A quadratic form ½ Σᵢⱼ Aᵢⱼ xᵢ xⱼ + Σᵢ bᵢ xᵢ of an array, written with loops: its Hessian is the symmetric part of A.</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public static double Quadratic(double[] x, [NoDiff] double[] a, [NoDiff] double[] b)
    {
        int n = x.Length;
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            double row = 0;
            for (int j = 0; j < n; j++) row += a[i * n + j] * x[j];
            s += 0.5 * x[i] * row + b[i] * x[i];
        }
        return s;
    }
}
