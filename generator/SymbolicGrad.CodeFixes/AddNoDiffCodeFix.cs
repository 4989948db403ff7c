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
public sealed class AddNoDiffCodeFix : DocumentCodeFix
{
    /// <inheritdoc />
    protected override string DiagnosticId => DiagnosticIds.UnusedParameter;

    /// <inheritdoc />
    protected override string? Title(SyntaxNode flagged) =>
        flagged.FirstAncestorOrSelf<ParameterSyntax>() is { } parameter ? $"Mark '{parameter.Identifier.ValueText}' [NoDiff]" : null;

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        if (root is null) return document;
        var parameters = diagnostics.Select(d => root.FindNode(d.Location.SourceSpan).FirstAncestorOrSelf<ParameterSyntax>())
            .OfType<ParameterSyntax>().Distinct();
        var marked = document.WithSyntaxRoot(root.ReplaceNodes(parameters, (_, rewritten) => Attributes.AddNoDiff(rewritten)));
        return await Attributes.CleanUpAsync(marked, cancellation).ConfigureAwait(false);
    }
}
