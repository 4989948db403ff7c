namespace SymbolicGrad;

/// <summary>
/// The named ranges a <see cref="HyperparameterSearch"/> explores, e.g.
/// <code>
/// var space = new SearchSpace()
///     .LogUniform("lr", 1e-3, 1e-1)
///     .Choice("batch", 32, 64, 128)
///     .Choice("hidden", 64, 128, 256)
///     .Choice("optimizer", "momentum", "adam");
/// </code>
/// A trial reads its values by name (<see cref="TrialParameters.Get{T}"/>). Any parameter a model accepts can be
/// searched: the trial factory decides what each name means.
/// </summary>
public sealed class SearchSpace
{
    // The table's own columns: a parameter may not take their names.
    private static readonly string[] Reserved =
        ["rank", "trial", "rung", "epochs", "best", "best_epoch", "val loss", "val acc", "validation_loss", "validation_accuracy", "train_loss", "stopped_early", "failure", "seconds"];

    private readonly List<SearchParameter> _parameters = [];

    /// <summary>The parameters, in the order they were added (the order of the table's columns and of the grid).</summary>
    public IReadOnlyList<SearchParameter> Parameters => _parameters;

    /// <summary>
    /// The number of points of the full grid: the product of every parameter's <see cref="SearchParameter.GridPoints"/>
    /// (1 for an empty space).
    /// </summary>
    public long GridSize
    {
        get
        {
            long size = 1;
            foreach (var parameter in _parameters)
            {
                size = size > long.MaxValue / parameter.GridPoints ? long.MaxValue : size * parameter.GridPoints;
            }

            return size;
        }
    }

    /// <summary>Adds a number drawn log-uniformly from [<paramref name="min"/>, <paramref name="max"/>] (a learning rate, a weight decay).</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="min">The lower bound; positive and finite.</param>
    /// <param name="max">The upper bound; finite and above <paramref name="min"/>.</param>
    /// <param name="gridPoints">Points a grid search takes, spaced evenly on a log scale from min to max; at least 1.</param>
    /// <returns>This space, to add more.</returns>
    /// <exception cref="ArgumentException">The name is empty, taken or reserved, or the bounds are out of range.</exception>
    public SearchSpace LogUniform(string name, double min, double max, int gridPoints = 3)
    {
        if (!(min > 0) || !double.IsFinite(max) || !(max > min))
        {
            throw new ArgumentOutOfRangeException(nameof(min), $"SearchSpace.LogUniform(\"{name}\"): the bounds must be finite with 0 < min < max; got [{min}, {max}].");
        }

        return Add(new SearchParameter(CheckName(name), SearchParameterKind.LogUniform, min, max, CheckGrid(name, gridPoints), []));
    }

    /// <summary>Adds a number drawn uniformly from [<paramref name="min"/>, <paramref name="max"/>] (a dropout probability).</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="min">The lower bound; finite.</param>
    /// <param name="max">The upper bound; finite and above <paramref name="min"/>.</param>
    /// <param name="gridPoints">Points a grid search takes, evenly spaced from min to max; at least 1.</param>
    /// <returns>This space, to add more.</returns>
    /// <exception cref="ArgumentException">The name is empty, taken or reserved, or the bounds are out of range.</exception>
    public SearchSpace Uniform(string name, double min, double max, int gridPoints = 3)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
        {
            throw new ArgumentOutOfRangeException(nameof(min), $"SearchSpace.Uniform(\"{name}\"): the bounds must be finite with min < max; got [{min}, {max}].");
        }

        return Add(new SearchParameter(CheckName(name), SearchParameterKind.Uniform, min, max, CheckGrid(name, gridPoints), []));
    }

    /// <summary>Adds a choice among <paramref name="values"/> (batch sizes, hidden sizes as <c>int[]</c>, optimizer names, enums).</summary>
    /// <typeparam name="T">The values' type; a trial reads them with <see cref="TrialParameters.Get{T}"/>.</typeparam>
    /// <param name="name">The parameter's name.</param>
    /// <param name="values">The values; at least one, none null.</param>
    /// <returns>This space, to add more.</returns>
    /// <exception cref="ArgumentException">The name is empty, taken or reserved, or there are no values or a null one.</exception>
    public SearchSpace Choice<T>(string name, params T[] values)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
        {
            throw new ArgumentException($"SearchSpace.Choice(\"{name}\"): there must be at least one value.", nameof(values));
        }

        var boxed = new object[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            boxed[i] = values[i] ?? throw new ArgumentException($"SearchSpace.Choice(\"{name}\"): value {i} is null.", nameof(values));
        }

        return Add(new SearchParameter(CheckName(name), SearchParameterKind.Choice, double.NaN, double.NaN, values.Length, boxed));
    }

    /// <summary>Whether a parameter of this name exists.</summary>
    /// <param name="name">The name.</param>
    public bool Contains(string name) => _parameters.Exists(p => p.Name == name);

    internal object[] Sample(SplitMix64 random)
    {
        var values = new object[_parameters.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = _parameters[i].Sample(random);
        }

        return values;
    }

    // Point `index` of the grid, the first parameter varying slowest.
    internal object[] GridPoint(long index, IReadOnlyList<IReadOnlyList<object>> grid)
    {
        var values = new object[grid.Count];
        for (int i = grid.Count - 1; i >= 0; i--)
        {
            values[i] = grid[i][(int)(index % grid[i].Count)];
            index /= grid[i].Count;
        }

        return values;
    }

    private SearchSpace Add(SearchParameter parameter)
    {
        _parameters.Add(parameter);
        return this;
    }

    private string CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("SearchSpace: a parameter needs a non-empty name.", nameof(name));
        }

        if (name.AsSpan().IndexOfAny(",\"\r\n") >= 0 || name.Trim() != name)
        {
            throw new ArgumentException($"SearchSpace: the name \"{name}\" must not contain commas, quotes or line breaks, or start or end with spaces (it heads a CSV column).", nameof(name));
        }

        if (Contains(name))
        {
            throw new ArgumentException($"SearchSpace: there already is a parameter named \"{name}\".", nameof(name));
        }

        if (Array.IndexOf(Reserved, name) >= 0)
        {
            throw new ArgumentException($"SearchSpace: \"{name}\" names a column of the results table; choose another name.", nameof(name));
        }

        return name;
    }

    private static int CheckGrid(string name, int gridPoints) =>
        gridPoints >= 1 ? gridPoints : throw new ArgumentOutOfRangeException(nameof(gridPoints), gridPoints, $"SearchSpace(\"{name}\"): a range needs at least 1 grid point.");
}
