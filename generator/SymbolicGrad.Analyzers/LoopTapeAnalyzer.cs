using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Frontend;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;
using SymbolicGrad.Generator.Transforms;

namespace SymbolicGrad.Analyzers;

/// <summary>
/// Reports what each loop of a [Differentiable] method keeps for its backward pass (SG0104, information), and any other
/// diagnostic the catalogue leaves to the analyzer (<see cref="DiagnosticCatalogue.ReportedByAnalyzer"/>). It runs the
/// generator's own lowering, reverse mode and planning, compiled from their source, so it says what the generated code
/// tapes. The generator does not report these: a generator's diagnostic costs Roslyn suppression checks on every
/// keystroke, an analyzer's runs in the background.
/// </summary>
/// <remarks>
/// Lowering goes through the generator's <see cref="LoweringCache"/> (this assembly's own copy), so an edit re-binds
/// only the edited method; the notes are kept per lowering, so an unchanged method is not differentiated again.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LoopTapeAnalyzer : DiagnosticAnalyzer
{
    private static readonly ConditionalWeakTable<LoweringResult, DiagnosticInfo[]> NotesByLowering = new();

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        DiagnosticCatalogue.All.Where(d => DiagnosticCatalogue.ReportedByAnalyzer(d.Id)).ToImmutableArray();

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxNodeAction(Analyze, SyntaxKind.MethodDeclaration, SyntaxKind.LocalFunctionStatement);
    }

    private static void Analyze(SyntaxNodeAnalysisContext context)
    {
        // The generator's candidates: methods and local functions with attributes.
        if (context.Node is MethodDeclarationSyntax { AttributeLists.Count: 0 } or LocalFunctionStatementSyntax { AttributeLists.Count: 0 }) return;
        if (LoweringCache.Lower(context.Node, context.SemanticModel, context.CancellationToken) is not { } lowered) return;
        foreach (var note in NotesByLowering.GetValue(lowered, NotesOf))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticCatalogue.Find(note.Id), LocationOf(note.Location, context),
                note.Arguments.Cast<object>().ToArray()));
        }
    }

    /// <summary>The diagnostics the generator's planning gives the method and leaves to the analyzer.</summary>
    private static DiagnosticInfo[] NotesOf(LoweringResult lowered)
    {
        // Only a loop gets a note (the planner's notes are per entry of Loops): no need to differentiate the others.
        if (lowered.Method is not { Loops.Count: > 0 }) return [];
        var planned = Planner.Plan(ReverseMode.Differentiate(lowered));
        return planned.Diagnostics.Where(d => DiagnosticCatalogue.ReportedByAnalyzer(d.Id)).ToArray();
    }

    /// <summary>The location in the compilation's own tree (where pragmas and [SuppressMessage] apply to it).</summary>
    private static Location LocationOf(LocationInfo? at, SyntaxNodeAnalysisContext context)
    {
        if (at is null) return Location.None;
        var tree = context.Node.SyntaxTree;
        if (tree.FilePath != at.FilePath)
        {
            // A loop of a callee the method inlines, in another file.
            var others = context.SemanticModel.Compilation.SyntaxTrees.Where(t => t.FilePath == at.FilePath).Take(2).ToList();
            if (others.Count != 1) return at.ToLocation();
            tree = others[0];
        }
        return at.Span.End <= tree.Length ? Location.Create(tree, at.Span) : at.ToLocation();
    }
}
