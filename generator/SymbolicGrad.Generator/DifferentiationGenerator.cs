using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Calculus;
using SymbolicGrad.Generator.Emit;
using SymbolicGrad.Generator.Parsing;

namespace SymbolicGrad.Generator;

/// <summary>
/// The SymbolicGrad compiler: for each method marked [Differentiable], generates its gradient method.
/// </summary>
/// <remarks>
/// This file only wires the stages. Caching contract: the Parse step's output is plain equatable data
/// (records, equatable arrays, locations as text spans; never a symbol, syntax node or compilation), so when an
/// edit leaves a method's model unchanged, differentiation and emission are not re-run, and its source is not re-added.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class DifferentiationGenerator : IIncrementalGenerator
{
    private const string DifferentiableAttribute = "SymbolicGrad.DifferentiableAttribute";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(DifferentiableAttribute,
                static (node, _) => node is MethodDeclarationSyntax or LocalFunctionStatementSyntax,
                MethodParser.Parse)
            .WithTrackingName(TrackingNames.Parse);

        var differentiated = parsed
            .Select(static (result, _) => ReverseMode.Differentiate(result))
            .WithTrackingName(TrackingNames.Differentiate);

        var emitted = differentiated
            .Select(static (result, _) => SourceEmitter.Emit(result))
            .WithTrackingName(TrackingNames.Emit);

        context.RegisterSourceOutput(emitted, static (output, result) =>
        {
            foreach (var diagnostic in result.Diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
            if (result.File is { } file) output.AddSource(file.HintName, file.Source);
        });
    }
}
