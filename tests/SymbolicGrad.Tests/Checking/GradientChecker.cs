using Xunit;

namespace SymbolicGrad.Tests.Checking;

/// <summary>
/// Compares generated gradients with central finite differences and keeps the tally the closing note reports:
/// functions and points checked and the worst error seen, double and float apart.
/// </summary>
public sealed class GradientChecker
{
    private readonly HashSet<string> _functions = [];

    /// <summary>Distinct [Differentiable] methods checked.</summary>
    public int Functions => _functions.Count;

    /// <summary>Cases checked: a method checked with two fixed int or bool arguments counts twice.</summary>
    public int Cases { get; private set; }

    /// <summary>Points checked, over all functions.</summary>
    public int Points { get; private set; }

    /// <summary>Partial derivatives compared, over all points.</summary>
    public int Partials { get; private set; }

    /// <summary>Worst |generated − finite difference| / max(1, |finite difference|) over double methods.</summary>
    public double WorstDoubleError { get; private set; }

    /// <summary>Where <see cref="WorstDoubleError"/> occurred.</summary>
    public string WorstDoubleAt { get; private set; } = "-";

    /// <summary>Worst error over float methods (their gradient is computed in float).</summary>
    public double WorstFloatError { get; private set; }

    /// <summary>Where <see cref="WorstFloatError"/> occurred.</summary>
    public string WorstFloatAt { get; private set; } = "-";

    /// <summary>The error measure: relative for large partials, absolute below 1.</summary>
    public static double Error(double generated, double reference) =>
        Math.Abs(generated - reference) / Math.Max(1.0, Math.Abs(reference));

    /// <summary>Checks every point of <paramref name="gradientCase"/>; fails with the case, point and partial on a mismatch.</summary>
    public void Check(GradientCase gradientCase)
    {
        Assert.True(gradientCase.Points.Length >= 3, $"{gradientCase.Name}: check at least 3 points");
        Func<double[], double> reference = gradientCase.Reference ?? gradientCase.Function;
        foreach (double[] point in gradientCase.Points)
        {
            CheckPoint(gradientCase, reference, point);
        }
        _functions.Add(MethodOf(gradientCase.Name));
        Cases++;
    }

    // "Piecewise.SelectByFlag(true)" and "Piecewise.SelectByFlag(false)" check one method.
    private static string MethodOf(string caseName)
    {
        int parenthesis = caseName.IndexOf('(', StringComparison.Ordinal);
        return parenthesis < 0 ? caseName : caseName[..parenthesis];
    }

    private void CheckPoint(GradientCase gradientCase, Func<double[], double> reference, double[] point)
    {
        string at = $"{gradientCase.Name} at ({string.Join(", ", point)})";
        double[] gradient = new double[gradientCase.Differentiable.Length];
        double value = gradientCase.Gradient(point, gradient);
        double expectedValue = gradientCase.Function(point);
        Assert.True(double.IsFinite(expectedValue), $"{at}: the method itself is not finite here; choose another point");
        double valueError = value == expectedValue ? 0.0 : Math.Abs(value - expectedValue) / Math.Max(1.0, Math.Abs(expectedValue));
        Assert.True(valueError <= gradientCase.ValueTolerance,
            $"{at}: generated value {value:R} differs from the method's {expectedValue:R} (error {valueError:E2})");

        for (int k = 0; k < gradientCase.Differentiable.Length; k++)
        {
            int index = gradientCase.Differentiable[k];
            double fd = FiniteDifferences.Partial(reference, point, index);
            double error = Error(gradient[k], fd);
            Assert.True(error <= gradientCase.Tolerance,
                $"{at}: partial {k} (parameter #{index}) is {gradient[k]:R}, finite differences give {fd:R} (error {error:E2} > {gradientCase.Tolerance:E0})");
            Record(gradientCase.IsFloat, error, $"{at}, partial {k}");
            Partials++;
        }
        Points++;
    }

    private void Record(bool isFloat, double error, string at)
    {
        if (isFloat && error >= WorstFloatError)
        {
            WorstFloatError = error;
            WorstFloatAt = at;
        }
        else if (!isFloat && error >= WorstDoubleError)
        {
            WorstDoubleError = error;
            WorstDoubleAt = at;
        }
    }
}
