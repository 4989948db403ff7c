namespace SymbolicGrad;

/// <summary>A scalar function of a point, for <see cref="GradientCheck.Function"/>: <c>x => F(x[0], x[1])</c>.</summary>
/// <param name="x">The point.</param>
/// <returns>The function's value.</returns>
public delegate double ScalarFunction(ReadOnlySpan<double> x);

/// <summary>
/// A gradient of a scalar function, for <see cref="GradientCheck.Function"/>: returns the value and writes ∂f/∂x[k]
/// into <paramref name="gradient"/>[k], e.g. <c>(x, g) => FRule(x[0], x[1], out g[0], out g[1])</c> or a generated <c>FGradient</c>.
/// </summary>
/// <param name="x">The point.</param>
/// <param name="gradient">Where to write the partial derivatives, one per element of <paramref name="x"/>, zeroed before the call.</param>
/// <returns>The function's value.</returns>
public delegate double ScalarGradient(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>One partial derivative checked by <see cref="GradientCheck.Function"/>.</summary>
/// <param name="Index">The coordinate of the point.</param>
/// <param name="Analytic">What the gradient (the rule, or the generated method) gave.</param>
/// <param name="Numeric">The finite difference.</param>
/// <param name="Error"><c>|analytic − numeric| / max(1, |numeric|)</c>: absolute below 1, relative above.</param>
public readonly record struct PartialCheck(int Index, double Analytic, double Numeric, double Error);

/// <summary>The outcome of <see cref="GradientCheck.Function"/>: every partial derivative and the worst error.</summary>
public sealed class FunctionCheckReport
{
    internal FunctionCheckReport(IReadOnlyList<PartialCheck> partials, double value, double returnedValue, double tolerance)
    {
        Partials = partials;
        Value = value;
        ReturnedValue = returnedValue;
        Tolerance = tolerance;
        Worst = partials.Count == 0 ? default : partials.MaxBy(p => double.IsNaN(p.Error) ? double.PositiveInfinity : p.Error);
    }

    /// <summary>Every partial derivative, in coordinate order.</summary>
    public IReadOnlyList<PartialCheck> Partials { get; }

    /// <summary>The partial derivative with the largest error.</summary>
    public PartialCheck Worst { get; }

    /// <summary>The function's value at the point.</summary>
    public double Value { get; }

    /// <summary>The value the gradient returned, which should be <see cref="Value"/>.</summary>
    public double ReturnedValue { get; }

    /// <summary><c>|returned − value| / max(1, |value|)</c>.</summary>
    public double ValueError => ReturnedValue.Equals(Value) ? 0 : Math.Abs(ReturnedValue - Value) / Math.Max(1, Math.Abs(Value));

    /// <summary>The largest error of a partial derivative (NaN counts as the worst).</summary>
    public double WorstError => Partials.Count == 0 ? 0 : double.IsNaN(Worst.Error) ? double.PositiveInfinity : Worst.Error;

    /// <summary>The largest error accepted, for the partial derivatives and for the value.</summary>
    public double Tolerance { get; }

    /// <summary>True when the function is finite at the point, the returned value matches it and every partial's error is at most <see cref="Tolerance"/>.</summary>
    public bool Passed => double.IsFinite(Value) && !(ValueError > Tolerance) && WorstError <= Tolerance;

    /// <summary>Throws when the check failed.</summary>
    /// <exception cref="InvalidOperationException">The check failed; the message names the worst partial derivative.</exception>
    public void ThrowIfFailed()
    {
        if (!Passed)
        {
            throw new InvalidOperationException(ToString());
        }
    }

    /// <summary>A one-line summary naming the worst partial derivative.</summary>
    public override string ToString()
    {
        string verdict = Passed ? "passed" : "FAILED";
        if (!double.IsFinite(Value))
        {
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"gradient check FAILED: the function is {Value} at this point; choose another");
        }

        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"gradient check {verdict}: worst error {WorstError:G3} (tolerance {Tolerance:G3}) at ∂f/∂x[{Worst.Index}]: analytic {Worst.Analytic:G10}, numeric {Worst.Numeric:G10}; value {ReturnedValue:G17} returned, {Value:G17} computed; {Partials.Count} partial derivatives checked");
    }
}

public static partial class GradientCheck
{
    /// <summary>
    /// Checks the gradient of a scalar function — a <see cref="DerivativeOfAttribute"/> rule, or a generated
    /// <c>NameGradient</c> — against finite differences of the function at one point, in one call.
    /// </summary>
    /// <remarks>
    /// Each partial is the Richardson extrapolation <c>(4·D(h/2) − D(h))/3</c> of two central differences
    /// <c>D(h) = (f(x + h·e) − f(x − h·e)) / 2h</c>, with <c>h = relativeStep · max(1, |x|)</c> (the steps actually taken,
    /// not h, divide): its error is of order h⁴, so the default step of 1e-3 balances truncation against rounding in
    /// double. A point where the function is not smooth (a kink within h) gives a wrong numeric value by design.
    /// </remarks>
    /// <param name="function">The function, e.g. <c>x => F(x[0], x[1])</c>.</param>
    /// <param name="gradient">Its gradient, e.g. <c>(x, g) => FRule(x[0], x[1], out g[0], out g[1])</c>.</param>
    /// <param name="point">Where to check; its length is the number of partial derivatives.</param>
    /// <param name="relativeStep">The step h relative to max(1, |x[k]|).</param>
    /// <param name="tolerance">The largest error accepted (absolute below 1, relative above).</param>
    /// <returns>Every partial derivative, the worst error and whether the check passed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> or <paramref name="gradient"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="point"/> is empty or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="relativeStep"/> is not in (0, 0.1], or <paramref name="tolerance"/> is not positive.</exception>
    public static FunctionCheckReport Function(ScalarFunction function, ScalarGradient gradient, double[] point, double relativeStep = 1e-3, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(point);
        if (point.Length == 0)
        {
            throw new ArgumentException("GradientCheck.Function: the point has no coordinates.", nameof(point));
        }

        foreach (double coordinate in point)
        {
            if (!double.IsFinite(coordinate))
            {
                throw new ArgumentException($"GradientCheck.Function: the point has a coordinate {coordinate}; every coordinate must be finite.", nameof(point));
            }
        }

        if (!(relativeStep > 0 && relativeStep <= 0.1))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeStep), relativeStep, "The relative step must be in (0, 0.1]; 1e-3 suits double.");
        }

        if (!(tolerance > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be positive.");
        }

        double[] x = (double[])point.Clone();
        double value = function(x);
        double[] analytic = new double[x.Length];
        double returned = gradient(x, analytic);
        var partials = new List<PartialCheck>(x.Length);
        for (int k = 0; k < x.Length; k++)
        {
            double h = relativeStep * Math.Max(1, Math.Abs(point[k]));
            double wide = Central(function, x, k, h);
            double narrow = Central(function, x, k, h / 2);
            double numeric = (4 * narrow - wide) / 3;
            double error = Math.Abs(analytic[k] - numeric) / Math.Max(1, Math.Abs(numeric));
            partials.Add(new PartialCheck(k, analytic[k], numeric, error));
        }

        return new FunctionCheckReport(partials, value, returned, tolerance);
    }

    // (f(x + h) − f(x − h)) divided by the step actually taken; x is restored.
    private static double Central(ScalarFunction function, double[] x, int k, double h)
    {
        double origin = x[k];
        try
        {
            x[k] = origin + h;
            double up = function(x);
            double stepUp = x[k];
            x[k] = origin - h;
            double down = function(x);
            return (up - down) / (stepUp - x[k]);
        }
        finally
        {
            x[k] = origin;
        }
    }
}
