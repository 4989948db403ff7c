using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Backends.CSharp;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Frontend;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;
using SymbolicGrad.Generator.Transforms;

namespace SymbolicGrad.Generator;

/// <summary>
/// The SymbolicGrad compiler: for each method marked [Differentiable], generates its gradient method.
/// </summary>
/// <remarks>
/// This file only wires the stages: Lower (C# → IR) → Transform (reverse mode) → Plan (names, statements, storage) →
/// Write (C#); the derived methods (forward mode, second order) branch off after Transform. SymbolicGrad.Analyzers
/// checks the declarations of [Differentiable] methods and [DerivativeOf] rules. Caching contract: each stage's output
/// is plain equatable data (records, equatable arrays, locations as text spans; never a symbol, syntax node or
/// compilation), so when an edit leaves a method's lowered IR unchanged, the later stages are not re-run and its source
/// is not re-added.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class DifferentiationGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Not ForAttributeWithMetadataName: it binds every candidate's symbol and attributes again on each new
        // compilation (an IDE keystroke); the lowering cache answers "is it [Differentiable]?" with the lowering.
        var lowered = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is MethodDeclarationSyntax { AttributeLists.Count: > 0 } or LocalFunctionStatementSyntax { AttributeLists.Count: > 0 },
                LoweringCache.Lower)
            .WithTrackingName(TrackingNames.Lower)
            .Where(static result => result is not null)
            .Select(static (result, _) => result!);

        var transformed = lowered
            .Select(static (result, _) => ReverseMode.Differentiate(result))
            .WithTrackingName(TrackingNames.Transform);

        var planned = transformed
            .Select(static (result, _) => Planner.Plan(result))
            .WithTrackingName(TrackingNames.Plan);

        var written = planned
            .Select(static (result, _) => CSharpBackend.Write(result))
            .WithTrackingName(TrackingNames.Write);

        // NameJvp, NameHessian and NameHvp, as [Differentiable(Jvp = true, Hessian = true)] asks: from the gradient's IR.
        var derived = transformed
            .Select(static (result, _) => DerivedMethods.Transform(result))
            .WithTrackingName(TrackingNames.Derive)
            .Select(static (result, _) => DerivedMethods.Plan(result))
            .WithTrackingName(TrackingNames.PlanDerived)
            .Select(static (result, _) => DerivedWriter.Write(result))
            .WithTrackingName(TrackingNames.WriteDerived);

        context.RegisterSourceOutput(written.Select(static (result, _) => result.File), AddFile);
        context.RegisterSourceOutput(derived.Select(static (result, _) => result.File), AddFile);

        // Diagnostics are reported in the compilation's own trees, so that '#pragma warning disable' and [SuppressMessage]
        // apply to them; each file's are reported again only when that file or its diagnostics change. What a loop tapes
        // (SG0104) is SymbolicGrad.Analyzers' to report: an edit then costs no suppression checks when all is well.
        var diagnostics = written.Select(static (result, _) => ForTheGenerator(result.Diagnostics)).Where(static list => list.Count > 0).Collect()
            .Combine(derived.Select(static (result, _) => ForTheGenerator(result.Diagnostics)).Where(static list => list.Count > 0).Collect())
            .Select(static (lists, _) => lists.Left.Concat(lists.Right).SelectMany(list => list).ToEquatableArray());
        var trees = context.SyntaxProvider.CreateSyntaxProvider(static (node, _) => node is CompilationUnitSyntax, static (file, _) => file.Node.SyntaxTree);
        var located = diagnostics.Combine(trees.Select(static (tree, _) => tree.FilePath).Collect().Select(static (paths, _) => TreeDiagnostics.UniquePaths(paths)));
        var inTrees = trees.Combine(located)
            .Select(static (pair, _) => TreeDiagnostics.In(pair.Left, pair.Right.Left, pair.Right.Right))
            .Where(static file => file.Diagnostics.Count > 0)
            .WithTrackingName(TrackingNames.LocateDiagnostics);
        context.RegisterSourceOutput(inTrees, Report);
        context.RegisterSourceOutput(located.Select(static (pair, _) => TreeDiagnostics.Elsewhere(pair.Left, pair.Right)), Report);
    }

    private static EquatableArray<DiagnosticInfo> ForTheGenerator(EquatableArray<DiagnosticInfo> diagnostics) =>
        diagnostics.Any(static d => DiagnosticCatalogue.ReportedByAnalyzer(d.Id))
            ? diagnostics.Where(static d => !DiagnosticCatalogue.ReportedByAnalyzer(d.Id)).ToEquatableArray()
            : diagnostics;

    private static void AddFile(SourceProductionContext output, Pipeline.GeneratedFile? file)
    {
        if (file is not null) output.AddSource(file.HintName, file.Source);
    }

    private static void Report(SourceProductionContext output, TreeDiagnostics file)
    {
        foreach (var diagnostic in file.ToDiagnostics()) output.ReportDiagnostic(diagnostic);
    }
}
