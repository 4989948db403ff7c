using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicGrad.Generator.Declarations;

namespace SymbolicGrad.Analyzers;

/// <summary>
/// Reports the declaration rules of [DerivativeOf] methods (SG0050–SG0053) as you type. The generator uses only the
/// rules that fit, and reports nothing at a rule itself.
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class DerivativeRuleAnalyzer : DiagnosticAnalyzer
{
    private const string DerivativeOfAttribute = "SymbolicGrad.DerivativeOfAttribute";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DerivativeRuleChecks.Descriptors;

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeMethod, SymbolKind.Method);
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context)
    {
        var method = (IMethodSymbol)context.Symbol;
        var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == DerivativeOfAttribute);
        if (attribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken)
                .FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } declaration)
        {
            return;
        }
        // Which rule of a function comes first is a question about the whole compilation, answered once per compilation.
        foreach (var diagnostic in DerivativeRuleChecks.Check(method, declaration, DerivativeRules.Of(context.Compilation)))
        {
            context.ReportDiagnostic(diagnostic);
        }
    }
}
