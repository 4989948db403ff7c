using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Backends.CSharp;
using SymbolicGrad.Generator.Frontend;
using SymbolicGrad.Generator.Planning;
using SymbolicGrad.Generator.Transforms;

namespace SymbolicGrad.Generator;

/// <summary>
/// The SymbolicGrad compiler: for each method marked [Differentiable], generates its gradient method.
/// </summary>
/// <remarks>
/// This file only wires the stages: Lower (C# → IR) → Transform (reverse mode) → Plan (names, statements, storage) →
/// Write (C#). Caching contract: each stage's output is plain equatable data (records, equatable arrays, locations as
/// text spans; never a symbol, syntax node or compilation), so when an edit leaves a method's lowered IR unchanged,
/// the later stages are not re-run and its source is not re-added.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class DifferentiationGenerator : IIncrementalGenerator
{
    private const string DifferentiableAttribute = "SymbolicGrad.DifferentiableAttribute";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var lowered = context.SyntaxProvider
            .ForAttributeWithMetadataName(DifferentiableAttribute,
                static (node, _) => node is MethodDeclarationSyntax or LocalFunctionStatementSyntax,
                LoweringCache.Lower)
            .WithTrackingName(TrackingNames.Lower);

        var transformed = lowered
            .Select(static (result, _) => ReverseMode.Differentiate(result))
            .WithTrackingName(TrackingNames.Transform);

        var planned = transformed
            .Select(static (result, _) => Planner.Plan(result))
            .WithTrackingName(TrackingNames.Plan);

        var written = planned
            .Select(static (result, _) => CSharpBackend.Write(result))
            .WithTrackingName(TrackingNames.Write);

        context.RegisterSourceOutput(written, static (output, result) =>
        {
            foreach (var diagnostic in result.Diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
            if (result.File is { } file) output.AddSource(file.HintName, file.Source);
        });
    }
}
