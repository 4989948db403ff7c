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

/// <summary>SG0001: declares the flagged type, the types around it and the types inside it that hold a [Differentiable] method <c>partial</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeTypePartialCodeFix)), Shared]
public sealed class MakeTypePartialCodeFix : DocumentCodeFix
{
    /// <inheritdoc />
    protected override string DiagnosticId => DiagnosticIds.TypeNotPartial;

    /// <inheritdoc />
    protected override string? Title(SyntaxNode flagged) => "Make the type chain partial";

    /// <inheritdoc />
    protected override Task<Document> FixAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellation)
    {
        var types = new HashSet<TypeDeclarationSyntax>();
        foreach (var flagged in Flagged<TypeDeclarationSyntax>(root, diagnostics))
        {
            types.UnionWith(flagged.AncestorsAndSelf().OfType<TypeDeclarationSyntax>());
            // Inner types on the way to a [Differentiable] method need it too.
            foreach (var method in flagged.DescendantNodes().OfType<MethodDeclarationSyntax>().Where(IsMarkedDifferentiable))
            {
                types.UnionWith(method.Ancestors().OfType<TypeDeclarationSyntax>().TakeWhile(t => t != flagged));
            }
        }
        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNodes(types, (_, rewritten) => AddPartial(rewritten))));
    }

    private static bool IsMarkedDifferentiable(MethodDeclarationSyntax method) =>
        method.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString().Split('.', ':').Last() is "Differentiable" or "DifferentiableAttribute");

    /// <summary><c>partial</c> as the last modifier, right before the keyword as C# requires.</summary>
    private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax type)
    {
        if (type.Modifiers.Any(SyntaxKind.PartialKeyword)) return type;
        if (type.Modifiers.Count == 0)
        {
            var keyword = type.Keyword;
            var partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return type.WithKeyword(keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
        }
        return type.WithModifiers(type.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }
}
