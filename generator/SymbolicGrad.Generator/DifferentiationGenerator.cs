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
/// Write (C#); the derived methods (forward mode, second order) branch off after Transform, and derivative rules
/// are checked on their own. Caching contract: each stage's output is plain equatable data (records, equatable arrays, locations as
/// text spans; never a symbol, syntax node or compilation), so when an edit leaves a method's lowered IR unchanged,
/// the later stages are not re-run and its source is not re-added.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class DifferentiationGenerator : IIncrementalGenerator
{
    private const string DifferentiableAttribute = "SymbolicGrad.DifferentiableAttribute";
    private const string DerivativeOfAttribute = "SymbolicGrad.DerivativeOfAttribute";

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

        // NameJvp, NameHessian and NameHvp, as [Differentiable(Jvp = true, Hessian = true)] asks: from the gradient's IR.
        var derived = transformed
            .Select(static (result, _) => DerivedMethods.Transform(result))
            .WithTrackingName(TrackingNames.Derive)
            .Select(static (result, _) => DerivedMethods.Plan(result))
            .WithTrackingName(TrackingNames.PlanDerived)
            .Select(static (result, _) => DerivedWriter.Write(result))
            .WithTrackingName(TrackingNames.WriteDerived);

        // The [DerivativeOf] rules' own checks (callers find the rules when they are lowered).
        var rules = context.SyntaxProvider
            .ForAttributeWithMetadataName(DerivativeOfAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                DerivativeRuleChecks.Check)
            .WithTrackingName(TrackingNames.CheckRules);

        context.RegisterSourceOutput(written, Emit);
        context.RegisterSourceOutput(derived, Emit);
        context.RegisterSourceOutput(rules, static (output, diagnostics) =>
        {
            foreach (var diagnostic in diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
        });
    }

    private static void Emit(SourceProductionContext output, Pipeline.WriteResult result)
    {
        foreach (var diagnostic in result.Diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
        if (result.File is { } file) output.AddSource(file.HintName, file.Source);
    }
}
