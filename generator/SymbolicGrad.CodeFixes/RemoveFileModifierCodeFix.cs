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

/// <summary>SG0020: removes the <c>file</c> modifier, so that the generated partial declaration extends the type.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveFileModifierCodeFix)), Shared]
public sealed class RemoveFileModifierCodeFix : DocumentCodeFix
{
    /// <inheritdoc />
    protected override string DiagnosticId => DiagnosticIds.FileLocalType;

    /// <inheritdoc />
    protected override string? Title(SyntaxNode flagged) => "Remove the 'file' modifier";

    /// <inheritdoc />
    protected override Task<Document> FixAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellation) =>
        Task.FromResult(document.WithSyntaxRoot(root.ReplaceNodes(Flagged<TypeDeclarationSyntax>(root, diagnostics), (_, type) =>
        {
            var leading = type.GetLeadingTrivia();
            var withoutFile = type.WithModifiers(SyntaxFactory.TokenList(type.Modifiers.Where(m => !m.IsKind(SyntaxKind.FileKeyword))));
            return type.AttributeLists.Count > 0 ? withoutFile : withoutFile.WithLeadingTrivia(leading);
        })));
}
