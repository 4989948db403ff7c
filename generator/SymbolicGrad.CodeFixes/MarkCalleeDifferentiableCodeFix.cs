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

/// <summary>
/// SG0010: marks the called method <c>[Differentiable]</c> so that the generator inlines it, when its source is in the
/// solution (in any document of it).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MarkCalleeDifferentiableCodeFix)), Shared]
public sealed class MarkCalleeDifferentiableCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.UnsupportedCall);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            var call = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (call is null || model.GetSymbolInfo(call, context.CancellationToken).Symbol is not IMethodSymbol callee) continue;
            callee = callee.ReducedFrom ?? callee.OriginalDefinition;
            var declaration = callee.DeclaringSyntaxReferences.Select(r => r.GetSyntax(context.CancellationToken))
                .OfType<MethodDeclarationSyntax>().FirstOrDefault(d => d.Body is not null || d.ExpressionBody is not null);
            if (declaration is null || context.Document.Project.Solution.GetDocument(declaration.SyntaxTree) is not { } target) continue;
            context.RegisterCodeFix(CodeAction.Create($"Mark '{callee.Name}' [Differentiable]",
                token => MarkAsync(target, declaration, token), nameof(MarkCalleeDifferentiableCodeFix)), diagnostic);
        }
    }

    private static async Task<Solution> MarkAsync(Document document, MethodDeclarationSyntax declaration, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        if (root is null) return document.Project.Solution;
        var current = root.FindNode(declaration.Span).FirstAncestorOrSelf<MethodDeclarationSyntax>() ?? declaration;
        var marked = document.WithSyntaxRoot(root.ReplaceNode(current, Attributes.AddDifferentiable(current)));
        return (await Attributes.CleanUpAsync(marked, cancellation).ConfigureAwait(false)).Project.Solution;
    }
}
