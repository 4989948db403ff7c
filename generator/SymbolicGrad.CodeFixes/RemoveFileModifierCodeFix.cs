using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SymbolicGrad.CodeFixes;

/// <summary>SG0020: removes the <c>file</c> modifier, so that the generated partial declaration extends the type.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveFileModifierCodeFix)), Shared]
public sealed class RemoveFileModifierCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.FileLocalType);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            context.RegisterCodeFix(CodeAction.Create("Remove the 'file' modifier",
                token => FixAsync(context.Document, ImmutableArray.Create(diagnostic), token), nameof(RemoveFileModifierCodeFix)), diagnostic);
        }
        return Task.CompletedTask;
    }

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        if (root is null) return document;
        var types = diagnostics.Select(d => root.FindNode(d.Location.SourceSpan).FirstAncestorOrSelf<TypeDeclarationSyntax>()).OfType<TypeDeclarationSyntax>().Distinct();
        return document.WithSyntaxRoot(root.ReplaceNodes(types, (_, type) =>
        {
            var leading = type.GetLeadingTrivia();
            var withoutFile = type.WithModifiers(SyntaxFactory.TokenList(type.Modifiers.Where(m => !m.IsKind(SyntaxKind.FileKeyword))));
            return type.AttributeLists.Count > 0 ? withoutFile : withoutFile.WithLeadingTrivia(leading);
        }));
    }
}
