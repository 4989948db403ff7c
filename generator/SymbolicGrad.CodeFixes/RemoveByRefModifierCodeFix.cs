using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SymbolicGrad.CodeFixes;

/// <summary>
/// SG0004: removes <c>ref</c>, <c>out</c>, <c>in</c> (and <c>ref readonly</c>'s <c>readonly</c>) from the parameter, and
/// the <c>ref</c> and <c>in</c> of the arguments that pass it in the same file (an <c>out var</c> argument has no by-value form: it is left for the user).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveByRefModifierCodeFix)), Shared]
public sealed class RemoveByRefModifierCodeFix : DocumentCodeFix
{
    /// <inheritdoc />
    protected override string DiagnosticId => DiagnosticIds.ByRefParameter;

    /// <inheritdoc />
    protected override string? Title(SyntaxNode flagged) =>
        flagged.FirstAncestorOrSelf<ParameterSyntax>() is { } parameter
            ? $"Pass '{parameter.Identifier.ValueText}' by value (remove '{parameter.Modifiers.FirstOrDefault(IsByRef).ValueText}')"
            : null;

    private static bool IsByRef(SyntaxToken modifier) =>
        modifier.IsKind(SyntaxKind.RefKeyword) || modifier.IsKind(SyntaxKind.OutKeyword) || modifier.IsKind(SyntaxKind.InKeyword);

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellation)
    {
        var model = await document.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
        if (model is null) return document;
        var parameters = Flagged<ParameterSyntax>(root, diagnostics).ToList();
        var symbols = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
        foreach (var parameter in parameters)
        {
            if (model.GetDeclaredSymbol(parameter, cancellation) is { } symbol) symbols.Add(symbol);
        }
        var arguments = root.DescendantNodes().OfType<ArgumentSyntax>()
            .Where(a => a.RefKindKeyword.IsKind(SyntaxKind.RefKeyword) || a.RefKindKeyword.IsKind(SyntaxKind.InKeyword))
            .Where(a => ParameterOf(a, model, cancellation) is { } p && symbols.Contains(p.OriginalDefinition))
            .ToList();
        var nodes = parameters.Cast<SyntaxNode>().Concat(arguments);
        return document.WithSyntaxRoot(root.ReplaceNodes(nodes, (_, rewritten) => rewritten switch
        {
            ParameterSyntax parameter => ByValue(parameter),
            ArgumentSyntax argument => argument.WithRefKindKeyword(default).WithLeadingTrivia(argument.GetLeadingTrivia()),
            _ => rewritten,
        }));
    }

    private static IParameterSymbol? ParameterOf(ArgumentSyntax argument, SemanticModel model, CancellationToken cancellation)
    {
        if (argument.Parent?.Parent is not { } call || model.GetSymbolInfo(call, cancellation).Symbol is not IMethodSymbol method) return null;
        var list = (BaseArgumentListSyntax)argument.Parent;
        if (argument.NameColon is { } named) return method.Parameters.FirstOrDefault(p => p.Name == named.Name.Identifier.ValueText);
        int index = list.Arguments.IndexOf(argument);
        return index < method.Parameters.Length ? method.Parameters[index] : null;
    }

    private static ParameterSyntax ByValue(ParameterSyntax parameter)
    {
        var kept = new List<SyntaxToken>();
        for (int i = 0; i < parameter.Modifiers.Count; i++)
        {
            var modifier = parameter.Modifiers[i];
            if (IsByRef(modifier)) continue;
            if (modifier.IsKind(SyntaxKind.ReadOnlyKeyword) && i > 0 && parameter.Modifiers[i - 1].IsKind(SyntaxKind.RefKeyword)) continue;
            if (modifier.IsKind(SyntaxKind.ScopedKeyword)) continue;
            kept.Add(modifier);
        }
        return parameter.WithModifiers(SyntaxFactory.TokenList(kept)).WithLeadingTrivia(parameter.GetLeadingTrivia());
    }
}
