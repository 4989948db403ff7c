using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SymbolicGrad.CodeFixes;

/// <summary>SG0101: the result does not depend on the parameter, so it is data: mark it <c>[NoDiff]</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddNoDiffCodeFix)), Shared]
public sealed class AddNoDiffCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.UnusedParameter);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<ParameterSyntax>() is not { } parameter) continue;
            context.RegisterCodeFix(CodeAction.Create($"Mark '{parameter.Identifier.ValueText}' [NoDiff]",
                token => FixAsync(context.Document, ImmutableArray.Create(diagnostic), token), nameof(AddNoDiffCodeFix)), diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        if (root is null) return document;
        var parameters = diagnostics.Select(d => root.FindNode(d.Location.SourceSpan).FirstAncestorOrSelf<ParameterSyntax>())
            .OfType<ParameterSyntax>().Distinct();
        var marked = document.WithSyntaxRoot(root.ReplaceNodes(parameters, (_, rewritten) => Attributes.AddNoDiff(rewritten)));
        return await Attributes.CleanUpAsync(marked, cancellation).ConfigureAwait(false);
    }
}
