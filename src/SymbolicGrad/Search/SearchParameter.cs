using System.Globalization;

namespace SymbolicGrad;

/// <summary>How a <see cref="SearchParameter"/> draws its values.</summary>
public enum SearchParameterKind
{
    /// <summary>A number whose logarithm is uniform between the bounds (a learning rate: 0.001 is as likely as 0.01 … 0.1).</summary>
    LogUniform,

    /// <summary>A number uniform between the bounds.</summary>
    Uniform,

    /// <summary>One of a list of values (batch sizes, layer sizes, optimizer names), each equally likely.</summary>
    Choice,
}

/// <summary>One named range of a <see cref="SearchSpace"/>.</summary>
public sealed class SearchParameter
{
    private readonly object[] _values;

    internal SearchParameter(string name, SearchParameterKind kind, double min, double max, int gridPoints, object[] values)
    {
        Name = name;
        Kind = kind;
        Min = min;
        Max = max;
        GridPoints = gridPoints;
        _values = values;
    }

    /// <summary>The name trials read the value by (<see cref="TrialParameters.Get{T}"/>), and the results table's column.</summary>
    public string Name { get; }

    /// <summary>How values are drawn.</summary>
    public SearchParameterKind Kind { get; }

    /// <summary>The lower bound of a number range (NaN for a choice).</summary>
    public double Min { get; }

    /// <summary>The upper bound of a number range (NaN for a choice).</summary>
    public double Max { get; }

    /// <summary>
    /// Values a grid search takes: for a range, that many points from <see cref="Min"/> to <see cref="Max"/> (evenly
    /// spaced, on a log scale for <see cref="SearchParameterKind.LogUniform"/>; one point is the middle); for a choice,
    /// every value.
    /// </summary>
    public int GridPoints { get; }

    /// <summary>The values of a choice (empty for a range).</summary>
    public IReadOnlyList<object> Values => _values;

    /// <summary>The values a grid search tries, in order.</summary>
    public IReadOnlyList<object> GridValues()
    {
        if (Kind == SearchParameterKind.Choice)
        {
            return _values;
        }

        var points = new object[GridPoints];
        for (int i = 0; i < GridPoints; i++)
        {
            double t = GridPoints == 1 ? 0.5 : (double)i / (GridPoints - 1);
            points[i] = Kind == SearchParameterKind.LogUniform
                ? Math.Exp(Math.Log(Min) + t * (Math.Log(Max) - Math.Log(Min)))
                : Min + t * (Max - Min);
        }

        // The ends exactly as given, not as exp(log(x)) returns them.
        if (GridPoints > 1)
        {
            points[0] = Min;
            points[^1] = Max;
        }

        return points;
    }

    internal object Sample(SplitMix64 random)
    {
        double u = random.NextDouble();
        return Kind switch
        {
            SearchParameterKind.LogUniform => Math.Exp(Math.Log(Min) + u * (Math.Log(Max) - Math.Log(Min))),
            SearchParameterKind.Uniform => Min + u * (Max - Min),
            _ => _values[(int)(u * _values.Length)],
        };
    }

    /// <summary>A value as the results table shows it: numbers to 3 significant digits, lists joined by commas.</summary>
    /// <param name="value">A value of this or any parameter.</param>
    public static string Format(object value) => value switch
    {
        double d => d.ToString("G3", CultureInfo.InvariantCulture),
        float f => f.ToString("G3", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list and not string => string.Join(",", list.Cast<object>().Select(Format)),
        _ => value.ToString() ?? "",
    };

    /// <summary>A value as the CSV file holds it: numbers round-trip exactly.</summary>
    internal static string FormatExact(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        _ => Format(value),
    };
}
