using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>The DAG node each local and parameter holds at one point of the method (the body is run symbolically).</summary>
internal sealed class Environment
{
    private readonly Dictionary<ISymbol, int> _values;

    public Environment() => _values = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);

    private Environment(Dictionary<ISymbol, int> values) => _values = new Dictionary<ISymbol, int>(values, SymbolEqualityComparer.Default);

    public Environment Clone() => new(_values);

    public IEnumerable<KeyValuePair<ISymbol, int>> Entries => _values;

    public bool TryGet(ISymbol symbol, out int node) => _values.TryGetValue(symbol, out node);

    public void Set(ISymbol symbol, int node) => _values[symbol] = node;
}
