namespace SymbolicGrad.Benchmarks.Loops;

/// <summary>The loop functions of issue 9's speed goals, each with its generated gradient.</summary>
public static partial class LoopFunctions
{
    [Differentiable]
    public static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    [Differentiable]
    public static double LeastSquares([NoDiff] double[] xs, [NoDiff] double[] ys, double w, double b)
    {
        double loss = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double r = w * xs[i] + b - ys[i];
            loss += r * r;
        }
        return loss / xs.Length;
    }

    [Differentiable]
    public static double Horner(double[] c, double x)
    {
        double p = 0;
        for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
        return p;
    }
}
