using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace SymbolicGrad.Generator.Pipeline;

/// <summary>A source location as plain data (a <see cref="Location"/> holds a syntax tree, which must not be cached).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    /// <summary>In the tree of <see cref="FilePath"/> when <paramref name="trees"/> has it and the span fits, else as <see cref="ToLocation()"/>.</summary>
    public Location ToLocation(IReadOnlyDictionary<string, SyntaxTree> trees) =>
        trees.TryGetValue(FilePath, out var tree) && Span.End <= tree.Length ? Location.Create(tree, Span) : ToLocation();

    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

    public static LocationInfo? From(SyntaxToken token) => From(token.GetLocation());

    public static LocationInfo? From(Location location)
    {
        if (location.SourceTree is null) return null;
        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }
}
