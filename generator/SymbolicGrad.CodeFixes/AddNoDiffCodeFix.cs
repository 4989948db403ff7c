using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
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
    protected override Task<Document> FixAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellation) =>
        Attributes.AddNoDiffAsync(document, root, Flagged<ParameterSyntax>(root, diagnostics), cancellation);
}
