using SymbolicGrad.Tests.Cases;
using Xunit;

namespace SymbolicGrad.Tests.Checking;

/// <summary>
/// Checks forward mode against finite differences of the function, and second derivatives against finite differences of
/// the generated gradient, along a few fixed directions per point; and the methods against each other: a Jvp is the
/// gradient's dot product with the direction, H·t the Hessian times t, the Hessian symmetric, every value the method's.
/// </summary>
public static class DerivedChecker
{
    /// <summary>Largest accepted |generated − finite difference| / max(1, |finite difference|).</summary>
    public const double Tolerance = 1e-6;

    /// <summary>The directions checked at each point (entries cycle over the differentiable parameters).</summary>
    private static readonly double[][] Directions = [[1.0, -0.5, 0.25, 2.0, -1.5], [-0.75, 1.25, 1.0, -0.5, 0.5]];

    /// <summary>Checks <see cref="DerivedCase.Jvp"/> at every point of the case, along each direction.</summary>
    public static void CheckJvp(DerivedCase derived)
    {
        var gradientCase = GradientCatalogue.Find(derived.Name);
        int n = gradientCase.Differentiable.Length;
        foreach (double[] point in gradientCase.Points)
        {
            double[] gradient = Gradient(gradientCase, point);
            foreach (double[] direction in DirectionsFor(n))
            {
                string at = $"{derived.Name} at ({string.Join(", ", point)}) along ({string.Join(", ", direction)})";
                double value = derived.Jvp(point, direction, out double tangent);
                Assert.True(value.Equals(gradientCase.Function(point)), $"{at}: the Jvp's value {value:R} is not the method's {gradientCase.Function(point):R}");
                double numeric = Directional(p => (gradientCase.Reference ?? gradientCase.Function)(p), gradientCase, point, direction);
                Assert.True(GradientChecker.Error(tangent, numeric) <= Tolerance, $"{at}: tangent {tangent:R}, finite differences give {numeric:R}");
                double dot = Enumerable.Range(0, n).Sum(k => gradient[k] * direction[k]);
                Assert.True(GradientChecker.Error(tangent, dot) <= 1e-12, $"{at}: tangent {tangent:R} but ∇f·t = {dot:R}");
            }
        }
    }

    /// <summary>Checks <see cref="DerivedCase.Hvp"/> (and <see cref="DerivedCase.Hessian"/> where there is one) at every point.</summary>
    public static void CheckSecondOrder(DerivedCase derived)
    {
        var gradientCase = GradientCatalogue.Find(derived.Name);
        int n = gradientCase.Differentiable.Length;
        foreach (double[] point in gradientCase.Points)
        {
            string at = $"{derived.Name} at ({string.Join(", ", point)})";
            double[] gradient = Gradient(gradientCase, point);
            double expectedValue = gradientCase.Function(point);
            double[]? hessian = null;
            if (derived.Hessian is { } hessianMethod)
            {
                double[] g = new double[n];
                hessian = new double[n * n];
                double value = hessianMethod(point, g, hessian);
                Assert.True(value.Equals(expectedValue), $"{at}: the Hessian method's value {value:R} is not the method's {expectedValue:R}");
                AssertClose(gradient, g, 1e-12, $"{at}: the Hessian method's gradient");
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        Assert.True(hessian[i * n + j].Equals(hessian[j * n + i]), $"{at}: hessian[{i}, {j}] = {hessian[i * n + j]:R} but [{j}, {i}] = {hessian[j * n + i]:R}");
                    }
                }
            }
            foreach (double[] direction in DirectionsFor(n))
            {
                string along = $"{at} along ({string.Join(", ", direction)})";
                double[] g = new double[n], hv = new double[n];
                double value = derived.Hvp(point, direction, g, hv);
                Assert.True(value.Equals(expectedValue), $"{along}: the Hvp's value {value:R} is not the method's {expectedValue:R}");
                AssertClose(gradient, g, 1e-12, $"{along}: the Hvp's gradient");
                // H·t by finite differences of the generated gradient along t.
                double[] numeric = GradientDirectional(gradientCase, point, direction);
                for (int k = 0; k < n; k++)
                {
                    Assert.True(GradientChecker.Error(hv[k], numeric[k]) <= Tolerance, $"{along}: (H·t)[{k}] = {hv[k]:R}, finite differences of the gradient give {numeric[k]:R}");
                }
                if (hessian is null) continue;
                for (int i = 0; i < n; i++)
                {
                    double row = Enumerable.Range(0, n).Sum(j => hessian[i * n + j] * direction[j]);
                    Assert.True(GradientChecker.Error(row, hv[i]) <= 1e-12, $"{along}: (H·t)[{i}] from the Hessian is {row:R}, from the Hvp {hv[i]:R}");
                }
            }
        }
    }

    private static IEnumerable<double[]> DirectionsFor(int n) => Directions.Select(d => Enumerable.Range(0, n).Select(k => d[k % d.Length]).ToArray());

    private static double[] Gradient(GradientCase gradientCase, double[] point)
    {
        double[] gradient = new double[gradientCase.Differentiable.Length];
        gradientCase.Gradient(point, gradient);
        return gradient;
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(GradientChecker.Error(actual[k], expected[k]) <= tolerance, $"{what}[{k}] is {actual[k]:R}, the generated gradient's {expected[k]:R}");
        }
    }

    /// <summary>The point moved by <paramref name="step"/>·direction along the differentiable coordinates.</summary>
    private static double[] Moved(GradientCase gradientCase, double[] point, double[] direction, double step)
    {
        double[] moved = (double[])point.Clone();
        for (int k = 0; k < direction.Length; k++) moved[gradientCase.Differentiable[k]] += step * direction[k];
        return moved;
    }

    /// <summary>Richardson-extrapolated central difference of f along the direction: error of order h⁴.</summary>
    private static double Directional(Func<double[], double> f, GradientCase gradientCase, double[] point, double[] direction)
    {
        double h = StepFor(point);
        double wide = (f(Moved(gradientCase, point, direction, h)) - f(Moved(gradientCase, point, direction, -h))) / (2 * h);
        double narrow = (f(Moved(gradientCase, point, direction, h / 2)) - f(Moved(gradientCase, point, direction, -h / 2))) / h;
        return (4 * narrow - wide) / 3;
    }

    /// <summary>The same difference of each entry of the generated gradient.</summary>
    private static double[] GradientDirectional(GradientCase gradientCase, double[] point, double[] direction)
    {
        double h = StepFor(point);
        double[] Along(double step) => Gradient(gradientCase, Moved(gradientCase, point, direction, step));
        double[] up = Along(h), down = Along(-h), halfUp = Along(h / 2), halfDown = Along(-h / 2);
        return Enumerable.Range(0, up.Length).Select(k => (4 * (halfUp[k] - halfDown[k]) / h - (up[k] - down[k]) / (2 * h)) / 3).ToArray();
    }

    private static double StepFor(double[] point) => 1e-4 * Math.Max(1.0, point.Max(Math.Abs));
}
