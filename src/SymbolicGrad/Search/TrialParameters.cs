namespace SymbolicGrad;

/// <summary>The values one trial of a <see cref="HyperparameterSearch"/> uses, by name, and its seed.</summary>
public sealed class TrialParameters
{
    private readonly string[] _names;
    private readonly object[] _values;

    internal TrialParameters(int trial, int seed, string[] names, object[] values)
    {
        Trial = trial;
        Seed = seed;
        _names = names;
        _values = values;
    }

    /// <summary>The trial's number, from 1.</summary>
    public int Trial { get; }

    /// <summary>
    /// The seed to initialize the trial's model with: the search's seed, the same for every trial, so trials differ
    /// only in their parameters (the trainer's shuffle uses it too).
    /// </summary>
    public int Seed { get; }

    /// <summary>The parameters' names, in the search space's order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The value of parameter <paramref name="name"/>.</summary>
    /// <param name="name">A name of the search space.</param>
    /// <exception cref="KeyNotFoundException">The search space has no such parameter.</exception>
    public object this[string name] => _values[IndexOf(name)];

    /// <summary>Whether the search space has a parameter named <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    public bool Contains(string name) => Array.IndexOf(_names, name) >= 0;

    /// <summary>
    /// The value of parameter <paramref name="name"/> as a <typeparamref name="T"/>. Numbers convert where nothing is
    /// lost in meaning: a range's double reads as float, a choice of ints as long, float or double.
    /// </summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="name">A name of the search space.</param>
    /// <exception cref="KeyNotFoundException">The search space has no such parameter.</exception>
    /// <exception cref="InvalidCastException">The value is of another type.</exception>
    public T Get<T>(string name)
    {
        object value = this[name];
        if (value is T typed)
        {
            return typed;
        }

        object? converted = (value, typeof(T)) switch
        {
            (double d, Type t) when t == typeof(float) => (float)d,
            (int i, Type t) when t == typeof(long) => (long)i,
            (int i, Type t) when t == typeof(float) => (float)i,
            (int i, Type t) when t == typeof(double) => (double)i,
            (float f, Type t) when t == typeof(double) => (double)f,
            _ => null,
        };
        return converted is T result
            ? result
            : throw new InvalidCastException($"Search parameter \"{name}\" is a {value.GetType().Name} ({SearchParameter.Format(value)}), not a {typeof(T).Name}.");
    }

    /// <summary>The value of <paramref name="name"/> as the results table shows it.</summary>
    /// <param name="name">A name of the search space.</param>
    public string Format(string name) => SearchParameter.Format(this[name]);

    /// <summary>The values as <c>name=value</c> pairs, e.g. <c>lr=0.0316 batch=32 hidden=128</c>.</summary>
    public override string ToString() => string.Join(" ", _names.Select((n, i) => n + "=" + SearchParameter.Format(_values[i])));

    private int IndexOf(string name)
    {
        int index = Array.IndexOf(_names, name);
        return index >= 0
            ? index
            : throw new KeyNotFoundException(_names.Length == 0
                ? $"The search space has no parameter \"{name}\"; it has none."
                : $"The search space has no parameter \"{name}\"; it has: {string.Join(", ", _names)}.");
    }
}
