namespace SymbolicGrad.Tests.Checking;

/// <summary>Calls a generated gradient method: returns its value and writes its partials into <paramref name="gradient"/>.</summary>
public delegate double GradientMethod(double[] point, double[] gradient);

/// <summary>
/// One [Differentiable] method to check: the user's method, its generated gradient, and the points to check it at.
/// </summary>
/// <param name="Name">Type and method, shown in test names and failure messages.</param>
/// <param name="Differentiable">Indices into a point of the parameters that get an out, in the order of the outs.</param>
/// <param name="Function">The user's original method.</param>
/// <param name="Gradient">The generated <c>NameGradient</c>.</param>
/// <param name="Points">Where to check; chosen away from kinks and domain edges.</param>
public sealed record GradientCase(
    string Name,
    int[] Differentiable,
    Func<double[], double> Function,
    GradientMethod Gradient,
    double[][] Points)
{
    /// <summary>What the finite differences evaluate; a double twin of a float method, else the method itself.</summary>
    public Func<double[], double>? Reference { get; init; }

    /// <summary>Largest accepted |generated − finite difference| / max(1, |finite difference|).</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>
    /// Largest accepted relative difference between the generated value and the user's method: 0, since the forward
    /// pass performs the user's operations in the user's order, so the values are equal to the last bit.
    /// </summary>
    public double ValueTolerance { get; init; }

    /// <summary>True when the method computes in float; its errors are reported apart from the double ones.</summary>
    public bool IsFloat { get; init; }

    /// <summary>A method whose every parameter is differentiable.</summary>
    public static GradientCase All(string name, Func<double[], double> function, GradientMethod gradient, params double[][] points) =>
        new(name, Enumerable.Range(0, points[0].Length).ToArray(), function, gradient, points);

    /// <summary>A method of which only the parameters at <paramref name="differentiable"/> get an out.</summary>
    public static GradientCase Some(string name, int[] differentiable, Func<double[], double> function, GradientMethod gradient, params double[][] points) =>
        new(name, differentiable, function, gradient, points);

    /// <summary>A float method: finite differences of its double twin, and a tolerance for a gradient computed in float.</summary>
    public GradientCase InFloat(Func<double[], double> doubleTwin) =>
        this with { Reference = doubleTwin, Tolerance = 1e-5, IsFloat = true };

    /// <inheritdoc />
    public override string ToString() => Name;
}
