using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Lowering runs again for every [Differentiable] method on every compilation change — an IDE keystroke — because the
/// driver hands the transform a new semantic model each time, and binding method bodies is most of that cost. A method
/// whose inputs did not change gets its previous result instead: same syntax tree (the driver reuses the instance of
/// an unedited file), same trees for every callee it inlines and every declaration of its enclosing types, same
/// declarations everywhere else (a fingerprint of every file's tokens outside method bodies: a new type or member
/// elsewhere can change what a name binds to), same references and options. An edit inside another method's body
/// changes none of these.
/// </summary>
internal static class LoweringCache
{
    private static readonly ConditionalWeakTable<SyntaxNode, Entry> Entries = new();
    private static readonly ConditionalWeakTable<SyntaxTree, StrongBox<ulong>> TreePrints = new();
    private static readonly ConditionalWeakTable<Compilation, StrongBox<ulong>> CompilationPrints = new();

    /// <summary>The trees the lowering on this thread has read so far (callees it inlined); null outside <see cref="Lower"/>.</summary>
    [ThreadStatic]
    private static HashSet<SyntaxTree>? t_consulted;

    /// <summary>Records that the lowering read <paramref name="tree"/> (the body of a method it inlines).</summary>
    public static void Consulted(SyntaxTree tree) => t_consulted?.Add(tree);

    public static LoweringResult Lower(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        var compilation = context.SemanticModel.Compilation;
        ulong declarations = DeclarationsOf(compilation, cancellation);
        if (Entries.TryGetValue(context.TargetNode, out var cached) && cached.StillHolds(compilation, declarations)) return cached.Result;

        var consulted = new HashSet<SyntaxTree> { context.TargetNode.SyntaxTree };
        var outer = t_consulted;
        t_consulted = consulted;
        LoweringResult result;
        try
        {
            result = MethodLowering.Lower(context, cancellation);
        }
        finally
        {
            t_consulted = outer;
        }
        // Members of the enclosing types and their bases (in source) are where some diagnostics point.
        if (context.TargetSymbol is IMethodSymbol method)
        {
            for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                for (var t = type; t is not null; t = t.BaseType)
                {
                    foreach (var reference in t.DeclaringSyntaxReferences) consulted.Add(reference.SyntaxTree);
                }
            }
        }
        var entry = new Entry(result, consulted.ToArray(), declarations, compilation.Options, compilation.ExternalReferences);
        lock (Entries)
        {
            Entries.Remove(context.TargetNode);
            Entries.Add(context.TargetNode, entry);
        }
        return result;
    }

    private sealed class Entry
    {
        private readonly SyntaxTree[] _trees;
        private readonly ulong _declarations;
        private readonly CompilationOptions _options;
        private readonly ImmutableArray<MetadataReference> _references;

        public Entry(LoweringResult result, SyntaxTree[] trees, ulong declarations, CompilationOptions options, ImmutableArray<MetadataReference> references)
        {
            Result = result;
            _trees = trees;
            _declarations = declarations;
            _options = options;
            _references = references;
        }

        public LoweringResult Result { get; }

        public bool StillHolds(Compilation compilation, ulong declarations)
        {
            if (declarations != _declarations || !ReferenceEquals(compilation.Options, _options)) return false;
            var references = compilation.ExternalReferences;
            if (references.Length != _references.Length) return false;
            for (int i = 0; i < references.Length; i++)
            {
                if (!ReferenceEquals(references[i], _references[i])) return false;
            }
            foreach (var tree in _trees)
            {
                if (!compilation.ContainsSyntaxTree(tree)) return false;
            }
            return true;
        }
    }

    /// <summary>An order-independent fingerprint of every file's declarations (its path and tokens outside bodies).</summary>
    private static ulong DeclarationsOf(Compilation compilation, CancellationToken cancellation)
    {
        if (CompilationPrints.TryGetValue(compilation, out var known)) return known.Value;
        ulong sum = 0;
        foreach (var tree in compilation.SyntaxTrees)
        {
            ulong print = TreePrints.GetValue(tree, t => new StrongBox<ulong>(Fingerprint(t, cancellation))).Value;
            sum += Mix(print ^ Hash(tree.FilePath));
        }
        CompilationPrints.GetValue(compilation, _ => new StrongBox<ulong>(sum));
        return sum;
    }

    /// <summary>FNV-1a over the kinds and texts of a tree's tokens, skipping the bodies of methods, accessors and the like.</summary>
    private static ulong Fingerprint(SyntaxTree tree, CancellationToken cancellation)
    {
        ulong hash = 14695981039346656037UL;
        foreach (var token in tree.GetRoot(cancellation).DescendantTokens(node => !IsBody(node)))
        {
            hash = (hash ^ (ulong)token.RawKind) * 1099511628211UL;
            foreach (char c in token.ValueText) hash = (hash ^ c) * 1099511628211UL;
        }
        return hash;
    }

    /// <summary>A body whose tokens no other method's binding depends on.</summary>
    private static bool IsBody(SyntaxNode node) =>
        node is BlockSyntax or ArrowExpressionClauseSyntax
        && node.Parent is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax
            or PropertyDeclarationSyntax or IndexerDeclarationSyntax;

    private static ulong Hash(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }

    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        return x;
    }
}
