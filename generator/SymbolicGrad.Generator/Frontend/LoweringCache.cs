using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Lowering runs again for every [Differentiable] method on every compilation change — an IDE keystroke — because the
/// driver hands the transform a new semantic model each time, and binding method bodies is most of that cost. A method
/// whose inputs did not change gets its previous result instead: same syntax tree (the driver reuses the instance of
/// an unedited file), same trees for every callee it inlines and every declaration of its enclosing types, same
/// declarations everywhere else (a fingerprint of every file's tokens outside method bodies: a new type or member
/// elsewhere can change what a name binds to), same references and options. An edit inside another method's body
/// changes none of these. Whether a method is [Differentiable] at all is cached the same way: the driver's own
/// attribute matching (ForAttributeWithMetadataName) binds every candidate's symbol and attributes again on every
/// compilation change, which cost more than the rest of an edit.
/// </summary>
internal static class LoweringCache
{
    private static readonly ConditionalWeakTable<SyntaxNode, Entry> Entries = new();
    private static readonly ConditionalWeakTable<SyntaxTree, TreePrint> TreePrints = new();

    /// <summary>Each compilation's declarations, options and references, as one instance shared by every compilation alike.</summary>
    private static readonly ConditionalWeakTable<Compilation, DeclarationFacts.Store> Settings = new();

    /// <summary>The nodes of each tree that have an entry, so that the next version of the file can find them.</summary>
    private static readonly ConditionalWeakTable<SyntaxTree, List<SyntaxNode>> NodesByTree = new();

    /// <summary>The last tree seen for each file path (weakly), and for each tree the one it replaced (weakly).</summary>
    private static readonly Dictionary<string, WeakReference<SyntaxTree>> LatestTrees = new(StringComparer.Ordinal);
    private static readonly ConditionalWeakTable<SyntaxTree, WeakReference<SyntaxTree>> PreviousTrees = new();

    /// <summary>For each tree that replaced another, where it was edited when that edit keeps the other bodies' lowerings.</summary>
    private static readonly ConditionalWeakTable<SyntaxTree, StrongBox<TextEdit?>> EditsInOneBody = new();

    /// <summary>The trees the lowering on this thread has read so far (callees it inlined); null outside <see cref="Lower"/>.</summary>
    [ThreadStatic]
    private static HashSet<SyntaxTree>? t_consulted;

    /// <summary>How many methods this thread has bound and lowered (cache misses), for tests of what an edit re-runs.</summary>
    [ThreadStatic]
    private static int t_lowered;

    /// <summary>How many methods this thread has bound and lowered so far (cache misses).</summary>
    internal static int LoweredOnThisThread => t_lowered;

    /// <summary>Records that the lowering read <paramref name="tree"/> (the body of a method it inlines).</summary>
    public static void Consulted(SyntaxTree tree) => t_consulted?.Add(tree);

    /// <summary>
    /// The lowering of <paramref name="context"/>'s node, a method or local function with attributes; null when none of
    /// them is SymbolicGrad's [Differentiable]. Finding the attribute binds the declaration, so that answer is cached too.
    /// </summary>
    public static LoweringResult? Lower(GeneratorSyntaxContext context, CancellationToken cancellation) =>
        Lower(context.Node, context.SemanticModel, cancellation);

    /// <summary>
    /// The lowering of <paramref name="node"/> (as <see cref="Lower(GeneratorSyntaxContext, CancellationToken)"/>), for
    /// SymbolicGrad.Analyzers, which compiles this file and keeps its own cache.
    /// </summary>
    public static LoweringResult? Lower(SyntaxNode node, SemanticModel semanticModel, CancellationToken cancellation)
    {
        var compilation = semanticModel.Compilation;
        var settings = SettingsOf(compilation, cancellation);
        if (Entries.TryGetValue(node, out var cached) && cached.StillHolds(compilation, settings)) return cached.Result;
        if (FromPreviousVersion(node, compilation, settings) is { } moved)
        {
            Remember(node, moved);
            return moved.Result;
        }

        t_lowered++;
        var consulted = new HashSet<SyntaxTree>();
        ISymbol? symbol = null;
        LoweringResult? result = null;
        var outerFacts = DeclarationFacts.Enter(settings);
        try
        {
            // Known from an earlier compilation with the same declarations, the mark costs no binding.
            string? key = DifferentiableMark.KeyOf(node, DeclarationsOf(node.SyntaxTree, cancellation));
            var mark = DifferentiableMark.Of(key, () => symbol ??= semanticModel.GetDeclaredSymbol(node, cancellation));
            if (mark is not null)
            {
                symbol ??= semanticModel.GetDeclaredSymbol(node, cancellation);
                var outer = t_consulted;
                t_consulted = consulted;
                try
                {
                    result = MethodLowering.Lower(node, symbol, mark, key, semanticModel, cancellation);
                }
                finally
                {
                    t_consulted = outer;
                }
            }
        }
        finally
        {
            DeclarationFacts.Leave(outerFacts);
        }
        // A callee inlined from the method's own file ties it to that file's other bodies.
        bool readOwnFile = consulted.Contains(node.SyntaxTree);
        consulted.Add(node.SyntaxTree);
        // Members of the enclosing types and their bases (in source) are where some diagnostics point.
        if (result is not null && symbol is IMethodSymbol method)
        {
            for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                for (var t = type; t is not null; t = t.BaseType)
                {
                    foreach (var reference in t.DeclaringSyntaxReferences) consulted.Add(reference.SyntaxTree);
                }
            }
        }
        Remember(node, new Entry(result, consulted.ToArray(), readOwnFile, settings));
        return result;
    }

    private static void Remember(SyntaxNode node, Entry entry)
    {
        var tree = node.SyntaxTree;
        lock (Entries)
        {
            Entries.Remove(node);
            Entries.Add(node, entry);
            var nodes = NodesByTree.GetOrCreateValue(tree);
            if (!nodes.Contains(node)) nodes.Add(node);
        }
    }

    /// <summary>The tree that <paramref name="tree"/>'s file had before (the last one seen with its path), if still alive.</summary>
    private static SyntaxTree? PreviousVersionOf(SyntaxTree tree)
    {
        lock (Entries)
        {
            if (!PreviousTrees.TryGetValue(tree, out var previous))
            {
                previous = LatestTrees.TryGetValue(tree.FilePath, out var latest) ? latest : new WeakReference<SyntaxTree>(null!);
                PreviousTrees.Add(tree, previous);
                if (LatestTrees.Count > 4096) LatestTrees.Clear();
                LatestTrees[tree.FilePath] = new WeakReference<SyntaxTree>(tree);
            }
            return previous.TryGetTarget(out var target) && !ReferenceEquals(target, tree) ? target : null;
        }
    }

    /// <summary>
    /// When <paramref name="node"/>'s file was edited elsewhere (inside another method's body), the entry of the same
    /// method in the file's previous tree, if it still holds: the edit put no line break or directive in or out and did
    /// not touch this method's text, and either kept the text's length or lies after the method, so that every span and
    /// line the result holds is unchanged. (A method after an edit that changed the length has moved: it is lowered again.)
    /// </summary>
    private static Entry? FromPreviousVersion(SyntaxNode node, Compilation compilation, DeclarationFacts.Store settings)
    {
        var tree = node.SyntaxTree;
        if (PreviousVersionOf(tree) is not { } previous) return null;
        List<SyntaxNode>? nodes;
        lock (Entries)
        {
            if (!NodesByTree.TryGetValue(previous, out nodes)) return null;
            nodes = nodes.ToList();
        }
        if (EditInOneBody(previous, tree) is not { } edit) return null;
        var span = node.FullSpan;
        var edited = edit.Old;
        if (span.OverlapsWith(edited) || span.End == edited.Start || edited.End == span.Start) return null;
        if (edit.Delta != 0 && span.End > edited.Start) return null;
        foreach (var old in nodes)
        {
            if (old.FullSpan == span && old.RawKind == node.RawKind && Entries.TryGetValue(old, out var entry)
                && (edit.Delta == 0 || LocatedBefore(entry.Result, tree.FilePath, edited.Start))
                && entry.MovedTo(tree, previous, compilation, settings) is { } moved)
            {
                return moved;
            }
        }
        return null;
    }

    /// <summary>
    /// Whether every location <paramref name="result"/> holds in file <paramref name="path"/> ends by
    /// <paramref name="position"/>, so that an edit there leaves them in place (a diagnostic or a partial method's
    /// parameter can point below the method itself).
    /// </summary>
    private static bool LocatedBefore(LoweringResult? result, string path, int position) =>
        result is null || (result.Diagnostics.All(d => LocatedBefore(d.Location, path, position))
            && (result.Method is not { } method || LocatedBefore(method, path, position)));

    private static bool LocatedBefore(MethodModel method, string path, int position) =>
        LocatedBefore(method.Location, path, position)
        && method.Parameters.All(p => LocatedBefore(p.Location, path, position))
        && method.Loops.All(l => LocatedBefore(l.Location, path, position))
        && method.LayerLoops.All(l => LocatedBefore(l.Location, path, position) && LocatedBefore(l.Body, path, position));

    private static bool LocatedBefore(LocationInfo? location, string path, int position) =>
        location is null || location.FilePath != path || location.Span.End <= position;

    /// <summary>
    /// Where <paramref name="current"/> differs from <paramref name="previous"/>, when that edit lies inside one body and
    /// puts no line break in or out (else null). Asked once per pair of trees, not once per method of the file.
    /// </summary>
    private static TextEdit? EditInOneBody(SyntaxTree previous, SyntaxTree current)
    {
        var known = EditsInOneBody.GetValue(current, _ =>
        {
            var edit = EditedRange(previous, current);
            return new StrongBox<TextEdit?>(edit is { } range && InOneBody(previous, current, range) ? range : null);
        });
        return known.Value;
    }

    /// <summary>
    /// The range where <paramref name="current"/>'s text differs from <paramref name="previous"/>'s (empty when equal),
    /// or null when the edit put a line break in or out, which moves later lines.
    /// </summary>
    private static TextEdit? EditedRange(SyntaxTree previous, SyntaxTree current)
    {
        var before = previous.GetText();
        var after = current.GetText();
        // An editor makes the new text from the old one (WithChanges), which then knows its changes: no need to compare.
        var changes = after.GetChangeRanges(before);
        int first, oldEnd;
        if (changes.Count == 0)
        {
            return new TextEdit(new TextSpan(0, 0), 0);
        }
        if (changes.Count == 1 && changes[0].Span.Start == 0 && changes[0].Span.Length == before.Length)
        {
            // Unrelated texts (the whole text is "changed"): compare them.
            string a = before.ToString(), b = after.ToString();
            int shorter = Math.Min(a.Length, b.Length);
            first = 0;
            while (first < shorter && a[first] == b[first]) first++;
            if (first == a.Length && a.Length == b.Length) return new TextEdit(new TextSpan(0, 0), 0);
            int common = 0;
            while (common < shorter - first && a[a.Length - 1 - common] == b[b.Length - 1 - common]) common++;
            oldEnd = a.Length - common;
        }
        else
        {
            first = changes[0].Span.Start;
            oldEnd = changes[changes.Count - 1].Span.End;
        }
        int delta = after.Length - before.Length;
        for (int i = first; i < oldEnd; i++)
        {
            if (IsLineBreak(before[i])) return null;
        }
        for (int i = first; i < oldEnd + delta; i++)
        {
            if (IsLineBreak(after[i])) return null;
        }
        // Text typed between a '\r' and its '\n' parts them (a line more), text deleted there joins them.
        if (first > 0 && before[first - 1] == '\r' && oldEnd < before.Length && before[oldEnd] == '\n') return null;
        return new TextEdit(TextSpan.FromBounds(first, oldEnd), delta);
    }

    /// <summary>
    /// Whether <paramref name="edit"/> (if not empty) lies strictly inside one body, the same in both trees, and holds
    /// no preprocessor directive: then every token outside bodies is unchanged. A '#define', '#if' or '#nullable' can
    /// change how the rest of the file parses or binds; an edit of a body's first or last token (a brace) can move where
    /// the body ends.
    /// </summary>
    private static bool InOneBody(SyntaxTree previous, SyntaxTree current, TextEdit edit)
    {
        if (edit.Old.IsEmpty && edit.Delta == 0) return true;
        return BodyAround(previous, edit.Old) is { } before && BodyAround(current, edit.New) is { } after
            && before.Start == after.Start && after.Length == before.Length + edit.Delta;
    }

    /// <summary>The span of the innermost body holding <paramref name="edited"/> strictly inside, or null.</summary>
    private static TextSpan? BodyAround(SyntaxTree tree, TextSpan edited)
    {
        var root = tree.GetRoot();
        // Most files have no directive at all: then the walk over the edited range's trivia is not needed.
        if (root.ContainsDirectives && root.DescendantTrivia(edited, descendIntoTrivia: true).Any(t => t.IsDirective)) return null;
        for (var node = root.FindNode(edited, getInnermostNodeForTie: true); node is not null; node = node.Parent)
        {
            if (!IsBody(node)) continue;
            return edited.Start >= node.GetFirstToken().Span.End && edited.End <= node.GetLastToken().Span.Start ? node.Span : null;
        }
        return null;
    }

    /// <summary>An edit of a text: the range <see cref="Old"/> of the old text became <see cref="Delta"/> characters longer.</summary>
    private readonly struct TextEdit
    {
        public TextEdit(TextSpan old, int delta)
        {
            Old = old;
            Delta = delta;
        }

        public TextSpan Old { get; }

        public int Delta { get; }

        /// <summary>The edited range in the new text.</summary>
        public TextSpan New => new(Old.Start, Old.Length + Delta);
    }

    private static bool IsLineBreak(char c) => c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029';

    private sealed class Entry
    {
        private readonly SyntaxTree[] _trees;
        private readonly bool _readOwnFile;

        /// <summary>The declarations, options and references it was lowered under (one instance per set: compared by reference).</summary>
        private readonly DeclarationFacts.Store _settings;

        public Entry(LoweringResult? result, SyntaxTree[] trees, bool readOwnFile, DeclarationFacts.Store settings)
        {
            Result = result;
            _trees = trees;
            _readOwnFile = readOwnFile;
            _settings = settings;
        }

        public LoweringResult? Result { get; }

        public bool StillHolds(Compilation compilation, DeclarationFacts.Store settings)
        {
            if (!ReferenceEquals(settings, _settings)) return false;
            foreach (var tree in _trees)
            {
                if (!compilation.ContainsSyntaxTree(tree)) return false;
            }
            return true;
        }

        /// <summary>This entry for the same method in <paramref name="current"/>, the edited <paramref name="previous"/>; null if it no longer holds.</summary>
        public Entry? MovedTo(SyntaxTree current, SyntaxTree previous, Compilation compilation, DeclarationFacts.Store settings)
        {
            if (_readOwnFile || !ReferenceEquals(settings, _settings)) return null;
            var trees = new SyntaxTree[_trees.Length];
            for (int i = 0; i < trees.Length; i++)
            {
                trees[i] = ReferenceEquals(_trees[i], previous) ? current : _trees[i];
                if (!compilation.ContainsSyntaxTree(trees[i])) return null;
            }
            return new Entry(Result, trees, _readOwnFile, _settings);
        }
    }

    /// <summary>
    /// <paramref name="compilation"/>'s declarations, options and references: asked once per compilation, then read by
    /// reference for each method.
    /// </summary>
    private static DeclarationFacts.Store SettingsOf(Compilation compilation, CancellationToken cancellation)
    {
        if (Settings.TryGetValue(compilation, out var known)) return known;
        var settings = DeclarationFacts.For(DeclarationsOf(compilation, cancellation), compilation);
        return Settings.GetValue(compilation, _ => settings);
    }

    /// <summary>An order-independent fingerprint of every file's declarations (its path and tokens outside bodies).</summary>
    private static ulong DeclarationsOf(Compilation compilation, CancellationToken cancellation)
    {
        ulong sum = 0;
        foreach (var tree in compilation.SyntaxTrees)
        {
            sum += TreePrintOf(tree, cancellation).WithPath;
        }
        return sum;
    }

    /// <summary>The fingerprint of <paramref name="tree"/>'s declarations (its tokens outside bodies).</summary>
    private static ulong DeclarationsOf(SyntaxTree tree, CancellationToken cancellation) => TreePrintOf(tree, cancellation).Declarations;

    private static TreePrint TreePrintOf(SyntaxTree tree, CancellationToken cancellation)
    {
        if (TreePrints.TryGetValue(tree, out var known)) return known;
        // An edit inside one body (a keystroke) keeps every token outside bodies: the file's previous print holds.
        ulong declarations = PreviousVersionOf(tree) is { } previous && TreePrints.TryGetValue(previous, out var before)
            && EditInOneBody(previous, tree) is not null
            ? before.Declarations
            : Fingerprint(tree, cancellation);
        var print = new TreePrint(declarations, Mix(declarations ^ Hash(tree.FilePath)));
        return TreePrints.GetValue(tree, _ => print);
    }

    /// <summary>A tree's fingerprint of declarations, and the same mixed with its path (its term in the compilation's).</summary>
    private sealed class TreePrint
    {
        public TreePrint(ulong declarations, ulong withPath)
        {
            Declarations = declarations;
            WithPath = withPath;
        }

        public ulong Declarations { get; }

        public ulong WithPath { get; }
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
