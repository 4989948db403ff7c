using System.Collections.Generic;
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
/// <remarks>
/// Each type reports the diagnostics that lie in its own declarations (not in a nested type's) for the methods it
/// encloses: an outer type's missing <c>partial</c>, a method's shape, a member that takes a generated name. Every
/// diagnostic is thus local to the symbol whose action reports it, which is what the IDE shows for an open document.
/// </remarks>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class DeclarationAnalyzer : DiagnosticAnalyzer
{
    private const string DifferentiableAttribute = "SymbolicGrad.DifferentiableAttribute";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DeclarationRules.Descriptors;

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var own = type.DeclaringSyntaxReferences.Select(r => (r.SyntaxTree, r.Span)).ToImmutableHashSet();
        if (own.IsEmpty) return;
        foreach (var method in MethodsWithin(type))
        {
            if (Declaration(method, context) is not { } declaration) continue;
            foreach (var diagnostic in DeclarationRules.Check(method, declaration))
            {
                if (InnermostType(diagnostic.Location, context) is { } at && own.Contains(at)) context.ReportDiagnostic(diagnostic);
            }
        }
    }

    /// <summary>The [Differentiable] methods of the type and of the types nested in it.</summary>
    private static IEnumerable<IMethodSymbol> MethodsWithin(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is IMethodSymbol method && DeclarationRules.IsDifferentiable(method)) yield return method;
        }
        foreach (var nested in type.GetTypeMembers())
        {
            foreach (var method in MethodsWithin(nested)) yield return method;
        }
    }

    /// <summary>The declaration the generator sees: the one that carries the attribute (a partial method has two).</summary>
    private static MethodDeclarationSyntax? Declaration(IMethodSymbol method, SymbolAnalysisContext context)
    {
        var marked = method.GetAttributes()
            .FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == DifferentiableAttribute)?
            .ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).FirstAncestorOrSelf<MethodDeclarationSyntax>();
        return marked ?? method.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(context.CancellationToken)).OfType<MethodDeclarationSyntax>().FirstOrDefault();
    }

    /// <summary>The innermost type declaration around <paramref name="location"/>, as a tree and span.</summary>
    private static (SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan)? InnermostType(Location location, SymbolAnalysisContext context)
    {
        if (location.SourceTree is not { } tree) return null;
        var node = tree.GetRoot(context.CancellationToken).FindNode(location.SourceSpan);
        return node.FirstAncestorOrSelf<BaseTypeDeclarationSyntax>() is { } declaration ? (tree, declaration.Span) : null;
    }
}
