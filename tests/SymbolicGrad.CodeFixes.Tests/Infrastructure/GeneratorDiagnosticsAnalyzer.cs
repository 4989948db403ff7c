using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicGrad.Generator;

namespace SymbolicGrad.CodeFixes.Tests.Infrastructure;

/// <summary>
/// The generator's diagnostics as an analyzer's, so that the code fix test framework can drive the fixes of the ids
/// the generator reports (SG0004, SG0010, SG0100, SG0101): it runs the generator over the compilation.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GeneratorDiagnosticsAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableArray<DiagnosticDescriptor> Catalogue =
        ((IEnumerable<DiagnosticDescriptor>)typeof(DifferentiationGenerator).Assembly
            .GetType("SymbolicGrad.Generator.Diagnostics.DiagnosticCatalogue", throwOnError: true)!
            .GetProperty("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
        .ToImmutableArray();

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Catalogue;

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationAction(compilation =>
        {
            var driver = CSharpGeneratorDriver.Create(new[] { new DifferentiationGenerator().AsSourceGenerator() },
                parseOptions: (CSharpParseOptions?)compilation.Compilation.SyntaxTrees.FirstOrDefault()?.Options);
            var result = driver.RunGenerators(compilation.Compilation, compilation.CancellationToken).GetRunResult();
            foreach (var diagnostic in result.Diagnostics) compilation.ReportDiagnostic(diagnostic);
        });
    }
}
