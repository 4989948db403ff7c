using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Facts about declarations only — a type's member names, which of its methods are [Differentiable] — kept from one
/// compilation to the next while every file's declarations (<see cref="LoweringCache"/>'s fingerprint of the tokens
/// outside bodies), the options and the references stay the same: then every symbol they name is declared alike. An
/// edit inside a body keeps them, so lowering the edited method does not bind its type's other members again.
/// </summary>
internal static class DeclarationFacts
{
    private static readonly object Gate = new();

    /// <summary>
    /// The facts of the last few sets of declarations seen (declarations seldom change between keystrokes; a few, so
    /// that an IDE's projects, compiled in turn, do not push each other's out).
    /// </summary>
    private static readonly List<Store> s_recent = new();

    /// <summary>The facts the lowering on this thread may use; null outside <see cref="LoweringCache"/>'s lowering.</summary>
    [System.ThreadStatic]
    private static Store? t_current;

    /// <summary>
    /// The facts of <paramref name="compilation"/>, whose declarations have fingerprint <paramref name="declarations"/>:
    /// the same instance for every compilation with the same declarations, options and references, so that what is
    /// cached under it compares it by reference.
    /// </summary>
    public static Store For(ulong declarations, Compilation compilation)
    {
        lock (Gate)
        {
            for (int i = 0; i < s_recent.Count; i++)
            {
                var store = s_recent[i];
                if (!store.Holds(declarations, compilation)) continue;
                if (i > 0)
                {
                    s_recent.RemoveAt(i);
                    s_recent.Insert(0, store);
                }
                return store;
            }
            var created = new Store(declarations, compilation.Options, compilation.ExternalReferences);
            s_recent.Insert(0, created);
            if (s_recent.Count > RecentStores) s_recent.RemoveAt(s_recent.Count - 1);
            return created;
        }
    }

    private const int RecentStores = 4;

    /// <summary>Makes <paramref name="store"/> the facts of this thread; returns the ones it replaces, for <see cref="Leave"/>.</summary>
    public static Store? Enter(Store store)
    {
        var outer = t_current;
        t_current = store;
        return outer;
    }

    public static void Leave(Store? outer) => t_current = outer;

    /// <summary>The fact named <paramref name="key"/>, computed once per set of declarations (every time outside a lowering).</summary>
    public static T Get<T>(string key, System.Func<T> compute)
    {
        if (t_current is not { } store) return compute();
        lock (store)
        {
            if (store.Facts.TryGetValue(key, out var known)) return (T)known!;
        }
        var value = compute();
        lock (store)
        {
            store.Facts[key] = value;
        }
        return value;
    }

    /// <summary>A key naming <paramref name="type"/> in its compilation: its namespaces and types, arities and first file.</summary>
    public static string KeyOf(INamedTypeSymbol type)
    {
        var key = new StringBuilder();
        for (ISymbol? symbol = type; symbol is INamedTypeSymbol or INamespaceSymbol { IsGlobalNamespace: false }; symbol = symbol.ContainingSymbol)
        {
            key.Append(symbol.Name).Append('`').Append(symbol is INamedTypeSymbol named ? named.Arity : 0).Append('.');
        }
        // Two file-local types may share a name.
        var locations = type.Locations;
        return key.Append('|').Append(locations.Length > 0 ? locations[0].SourceTree?.FilePath : null).ToString();
    }

    internal sealed class Store
    {
        private readonly ulong _declarations;
        private readonly CompilationOptions _options;
        private readonly ImmutableArray<MetadataReference> _references;

        public Store(ulong declarations, CompilationOptions options, ImmutableArray<MetadataReference> references)
        {
            _declarations = declarations;
            _options = options;
            _references = references;
        }

        public Dictionary<string, object?> Facts { get; } = new(System.StringComparer.Ordinal);

        public bool Holds(ulong declarations, Compilation compilation)
        {
            if (declarations != _declarations || !ReferenceEquals(compilation.Options, _options)) return false;
            var references = compilation.ExternalReferences;
            if (references.Length != _references.Length) return false;
            for (int i = 0; i < references.Length; i++)
            {
                if (!ReferenceEquals(references[i], _references[i])) return false;
            }
            return true;
        }
    }
}
