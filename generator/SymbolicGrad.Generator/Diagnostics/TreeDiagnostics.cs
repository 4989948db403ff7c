using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Diagnostics;

/// <summary>
/// The diagnostics to report in one syntax tree of the compilation, or (with no tree) those that have none of their
/// own: no location, or a file path that not exactly one tree has. Located in the compilation's own tree, a diagnostic
/// obeys '#pragma warning disable' and [SuppressMessage]. Comparing the tree by reference makes the report step run
/// again only for a file that changed or whose diagnostics did, not on every compilation as combining with the
/// compilation would. The only pipeline value that holds a tree: the last step's, and the driver holds that tree anyway.
/// </summary>
internal sealed class TreeDiagnostics : IEquatable<TreeDiagnostics>
{
    private TreeDiagnostics(SyntaxTree? tree, EquatableArray<DiagnosticInfo> diagnostics)
    {
        Tree = tree;
        Diagnostics = diagnostics;
    }

    public SyntaxTree? Tree { get; }

    public EquatableArray<DiagnosticInfo> Diagnostics { get; }

    /// <summary>The diagnostics of <paramref name="all"/> located in <paramref name="tree"/>, when its path is in <paramref name="uniquePaths"/>.</summary>
    public static TreeDiagnostics In(SyntaxTree tree, EquatableArray<DiagnosticInfo> all, EquatableArray<string> uniquePaths) =>
        new(tree, IsUnique(tree.FilePath, uniquePaths)
            ? all.Where(d => d.Location?.FilePath == tree.FilePath).ToEquatableArray()
            : EquatableArray<DiagnosticInfo>.Empty);

    /// <summary>The diagnostics of <paramref name="all"/> that no single tree holds.</summary>
    public static TreeDiagnostics Elsewhere(EquatableArray<DiagnosticInfo> all, EquatableArray<string> uniquePaths) =>
        new(null, all.Where(d => d.Location is null || !IsUnique(d.Location.FilePath, uniquePaths)).ToEquatableArray());

    /// <summary>The file paths exactly one tree has, in order.</summary>
    public static EquatableArray<string> UniquePaths(IEnumerable<string> paths) =>
        paths.GroupBy(p => p, StringComparer.Ordinal).Where(g => g.Count() == 1).Select(g => g.Key)
            .OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray();

    private static bool IsUnique(string path, EquatableArray<string> uniquePaths)
    {
        int low = 0, high = uniquePaths.Count - 1;
        while (low <= high)
        {
            int middle = low + (high - low) / 2;
            int order = string.CompareOrdinal(uniquePaths[middle], path);
            if (order == 0) return true;
            if (order < 0) low = middle + 1;
            else high = middle - 1;
        }
        return false;
    }

    /// <summary>Every diagnostic, located in <see cref="Tree"/> when the span fits it.</summary>
    public IEnumerable<Diagnostic> ToDiagnostics()
    {
        foreach (var diagnostic in Diagnostics)
        {
            var location = diagnostic.Location is not { } at ? Location.None
                : Tree is not null && at.Span.End <= Tree.Length ? Location.Create(Tree, at.Span)
                : at.ToLocation();
            yield return Diagnostic.Create(DiagnosticCatalogue.Find(diagnostic.Id), location, diagnostic.Arguments.Cast<object>().ToArray());
        }
    }

    public bool Equals(TreeDiagnostics? other) =>
        other is not null && ReferenceEquals(Tree, other.Tree) && Diagnostics.Equals(other.Diagnostics);

    public override bool Equals(object? obj) => Equals(obj as TreeDiagnostics);

    public override int GetHashCode() => Diagnostics.GetHashCode();
}
