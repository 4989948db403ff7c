using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// The IR node each variable holds at one point of the method (the body is run symbolically). Variables are the
/// user's locals and parameters (symbols) and the lowering's own hidden ones (<see cref="HiddenVariable"/>, e.g. a
/// foreach's position).
/// </summary>
internal sealed class Environment
{
    private static readonly IEqualityComparer<object> Comparer = new VariableComparer();
    private readonly Dictionary<object, int> _values;

    public Environment() => _values = new Dictionary<object, int>(Comparer);

    private Environment(Dictionary<object, int> values) => _values = new Dictionary<object, int>(values, Comparer);

    public Environment Clone() => new(_values);

    public IEnumerable<KeyValuePair<object, int>> Entries => _values;

    public bool TryGet(object variable, out int node) => _values.TryGetValue(variable, out node);

    public void Set(object variable, int node) => _values[variable] = node;

    private sealed class VariableComparer : IEqualityComparer<object>
    {
        public new bool Equals(object? x, object? y) =>
            x is ISymbol a && y is ISymbol b ? SymbolEqualityComparer.Default.Equals(a, b) : ReferenceEquals(x, y);

        public int GetHashCode(object obj) => obj is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : obj.GetHashCode();
    }
}

/// <summary>A variable of the lowering's own (a foreach's position), named for the generated code.</summary>
internal sealed class HiddenVariable
{
    public HiddenVariable(string name) => Name = name;

    public string Name { get; }
}
