using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicGrad.Generator.Declarations;

namespace SymbolicGrad.Analyzers;

/// <summary>
/// Reports the declaration rules of [Differentiable] methods (SG0001, SG0014–SG0017, SG0020) as you type. The
/// generator checks the same rules and generates nothing for a method that breaks one, without reporting it again.
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class DeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DeclarationRules.Descriptors;

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
        if (!DeclarationRules.IsDifferentiable(method)) return;
        // The declaration the generator sees: the one that carries the attribute (a partial method has two).
        var marked = method.GetAttributes()
            .FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "SymbolicGrad.DifferentiableAttribute")?
            .ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).FirstAncestorOrSelf<MethodDeclarationSyntax>();
        var declaration = marked ?? method.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(context.CancellationToken)).OfType<MethodDeclarationSyntax>().FirstOrDefault();
        if (declaration is null) return;
        foreach (var diagnostic in DeclarationRules.Check(method, declaration)) context.ReportDiagnostic(diagnostic);
    }
}
