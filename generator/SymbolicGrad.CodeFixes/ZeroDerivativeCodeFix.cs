using System.Collections.Generic;
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
using Microsoft.CodeAnalysis.Text;

namespace SymbolicGrad.CodeFixes;

/// <summary>
/// SG0100 (a function whose derivative is zero almost everywhere, such as Math.Floor, is applied to a differentiable
/// value): either the value is data, so mark the method's parameters it reads <c>[NoDiff]</c>; or the zero gradient is
/// intended, so keep the call and silence the warning around its statement.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ZeroDerivativeCodeFix)), Shared]
public sealed class ZeroDerivativeCodeFix : CodeFixProvider
{
    private const string MarkKey = nameof(ZeroDerivativeCodeFix) + ".NoDiff";
    private const string KeepKey = nameof(ZeroDerivativeCodeFix) + ".Keep";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.ZeroDerivative);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (context, document, diagnostics) =>
        context.CodeActionEquivalenceKey == KeepKey
            ? await KeepAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false)
            : await MarkAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            var call = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var inputs = Inputs(call, model, context.CancellationToken).ToList();
            if (inputs.Count > 0)
            {
                string names = string.Join(", ", inputs.Select(p => $"'{p.Identifier.ValueText}'"));
                context.RegisterCodeFix(CodeAction.Create($"Mark {names} [NoDiff]",
                    token => MarkAsync(context.Document, ImmutableArray.Create(diagnostic), token), MarkKey), diagnostic);
            }
            context.RegisterCodeFix(CodeAction.Create($"Keep '{call}' with its zero gradient (silence SG0100 here)",
                token => KeepAsync(context.Document, ImmutableArray.Create(diagnostic), token), KeepKey), diagnostic);
        }
    }

    /// <summary>The parameters of the enclosing method that the call's arguments read.</summary>
    private static IEnumerable<ParameterSyntax> Inputs(SyntaxNode call, SemanticModel model, CancellationToken cancellation)
    {
        var method = call.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>();
        if (method is null || call is not InvocationExpressionSyntax invocation) return Enumerable.Empty<ParameterSyntax>();
        var read = new HashSet<string>(invocation.ArgumentList.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Where(n => model.GetSymbolInfo(n, cancellation).Symbol is IParameterSymbol)
            .Select(n => n.Identifier.ValueText));
        return method.ParameterList.Parameters.Where(p => read.Contains(p.Identifier.ValueText));
    }

    private static async Task<Document> MarkAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
        if (root is null || model is null) return document;
        var parameters = diagnostics.SelectMany(d => Inputs(root.FindNode(d.Location.SourceSpan, getInnermostNodeForTie: true), model, cancellation)).Distinct();
        return await Attributes.AddNoDiffAsync(document, root, parameters, cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>#pragma warning disable SG0100</c> on the line before the statement (or the member, for an expression body) and
    /// <c>restore</c> on the line after it, indented like it.
    /// </summary>
    private static async Task<Document> KeepAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        var text = await document.GetTextAsync(cancellation).ConfigureAwait(false);
        if (root is null) return document;
        string newLine = Attributes.EndOfLine(root).ToFullString();
        var enclosing = diagnostics
            .Select(d => root.FindNode(d.Location.SourceSpan, getInnermostNodeForTie: true))
            .Select(n => (SyntaxNode?)n.FirstAncestorOrSelf<StatementSyntax>(s => s.Parent is BlockSyntax or SwitchSectionSyntax) ?? n.FirstAncestorOrSelf<MemberDeclarationSyntax>())
            .OfType<SyntaxNode>()
            .Distinct()
            .ToList();
        // A statement inside another one that is kept already is covered by the outer pragma.
        enclosing = enclosing.Where(s => !enclosing.Any(o => o != s && o.Span.Contains(s.Span))).ToList();
        var changes = new List<TextChange>();
        foreach (var statement in enclosing)
        {
            var first = text.Lines.GetLineFromPosition(statement.SpanStart);
            var last = text.Lines.GetLineFromPosition(statement.Span.End);
            string line = first.ToString();
            string indentation = line.Substring(0, line.Length - line.TrimStart().Length);
            changes.Add(new TextChange(new TextSpan(first.Start, 0), indentation + "#pragma warning disable " + DiagnosticIds.ZeroDerivative + newLine));
            changes.Add(new TextChange(new TextSpan(last.EndIncludingLineBreak, 0), indentation + "#pragma warning restore " + DiagnosticIds.ZeroDerivative + newLine));
        }
        return document.WithText(text.WithChanges(changes));
    }
}
