using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace SymbolicGrad.CodeFixes;

/// <summary>
/// A code fix that edits only the document its diagnostics are in: one diagnostic, or all of a document's at once
/// (fix-all in document, project or solution).
/// </summary>
public abstract class DocumentCodeFix : CodeFixProvider
{
    /// <summary>The id of the diagnostic this fixes.</summary>
    protected abstract string DiagnosticId { get; }

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticId);

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) => await FixDocumentAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (Title(root.FindNode(diagnostic.Location.SourceSpan), diagnostic) is not { } title) continue;
            var document = context.Document;
            context.RegisterCodeFix(CodeAction.Create(title,
                token => FixDocumentAsync(document, ImmutableArray.Create(diagnostic), token), GetType().Name), diagnostic);
        }
    }

    /// <summary>What the fix offers for the diagnostic at <paramref name="flagged"/>, or null to offer nothing.</summary>
    protected abstract string? Title(SyntaxNode flagged);

    /// <summary>What the fix offers for <paramref name="diagnostic"/> at <paramref name="flagged"/> (a fix that reads the diagnostic's properties overrides this).</summary>
    protected virtual string? Title(SyntaxNode flagged, Diagnostic diagnostic) => Title(flagged);

    /// <summary>The document, whose syntax root is <paramref name="root"/>, with <paramref name="diagnostics"/> (all in it) fixed.</summary>
    protected abstract Task<Document> FixAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellation);

    /// <summary>The nearest <typeparamref name="T"/> around each diagnostic's span, each once.</summary>
    protected static IEnumerable<T> Flagged<T>(SyntaxNode root, IEnumerable<Diagnostic> diagnostics) where T : SyntaxNode =>
        diagnostics.Select(d => root.FindNode(d.Location.SourceSpan).FirstAncestorOrSelf<T>()).OfType<T>().Distinct();

    private async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        return root is null ? document : await FixAsync(document, root, diagnostics, cancellation).ConfigureAwait(false);
    }
}
