namespace SymbolicGrad.Tests.Checking;

/// <summary>Central finite differences, the reference every generated gradient is compared with.</summary>
public static class FiniteDifferences
{
    /// <summary>Relative step: h = 1e-6·max(1, |x|) balances truncation (h²) against rounding (ε/h).</summary>
    public const double RelativeStep = 1e-6;

    /// <summary>∂f/∂p[index] at <paramref name="point"/> by (f(x + h) − f(x − h)) / 2h.</summary>
    public static double Partial(Func<double[], double> f, double[] point, int index)
    {
        double x = point[index];
        double h = RelativeStep * Math.Max(1.0, Math.Abs(x));
        double[] shifted = (double[])point.Clone();
        shifted[index] = x + h;
        double up = f(shifted);
        double stepUp = shifted[index];
        shifted[index] = x - h;
        double down = f(shifted);
        // Divide by the steps actually taken, not by the rounded 2h.
        return (up - down) / (stepUp - shifted[index]);
    }
}
