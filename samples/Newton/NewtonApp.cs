using System.Globalization;

namespace SymbolicGrad.Samples.Newton;

/// <summary>Fits the same logistic regression both ways and prints how many iterations each needed.</summary>
public static class NewtonApp
{
    /// <summary>Runs both fits on 500 samples of σ(1.5·x0 − 2·x1 + 0.5) and writes a line per method.</summary>
    public static (Fit Newton, Fit GradientDescent) Run(TextWriter output, int samples = 500, int seed = 7)
    {
        var data = LabelledPoints.Generate(samples, 1.5, -2.0, 0.5, seed);
        var newton = Fitting.Newton(data);
        var descent = Fitting.GradientDescent(data);
        foreach (var fit in new[] { newton, descent })
        {
            output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{0,-17} {1,6} iterations to |grad| <= {2:g1}{3}: loss {4:F10}, w0 {5:F6}, w1 {6:F6}, b {7:F6}",
                fit.Method + ":", fit.Iterations, Fitting.Tolerance, fit.Converged ? "" : " (NOT converged)", fit.Loss,
                fit.Parameters[0], fit.Parameters[1], fit.Parameters[2]));
        }
        return (newton, descent);
    }
}
