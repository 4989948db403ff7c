using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace SymbolicGrad.CodeFixes;

/// <summary>Adding SymbolicGrad's attributes to declarations, written as short as the file's usings allow.</summary>
internal static class Attributes
{
    public const string Differentiable = "Differentiable";
    public const string NoDiff = "NoDiff";

    /// <summary>
    /// <c>[SymbolicGrad.Name]</c>, marked so that the code action's cleanup adds <c>using SymbolicGrad;</c> when needed
    /// and shortens it to <c>[Name]</c>.
    /// </summary>
    public static AttributeListSyntax List(string name) =>
        SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(
                SyntaxFactory.QualifiedName(SyntaxFactory.AliasQualifiedName(SyntaxFactory.IdentifierName(SyntaxFactory.Token(SyntaxKind.GlobalKeyword)), SyntaxFactory.IdentifierName("SymbolicGrad")),
                    SyntaxFactory.IdentifierName(name))
                .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation))));

    /// <summary><paramref name="parameter"/> with <c>[NoDiff]</c> in front (unchanged when it has it).</summary>
    public static ParameterSyntax AddNoDiff(ParameterSyntax parameter)
    {
        if (Has(parameter.AttributeLists, NoDiff)) return parameter;
        var list = List(NoDiff).WithLeadingTrivia(parameter.GetLeadingTrivia()).WithTrailingTrivia(SyntaxFactory.Space);
        var bare = parameter.WithoutLeadingTrivia();
        return bare.WithAttributeLists(bare.AttributeLists.Insert(0, list));
    }

    /// <summary>The document with <c>[NoDiff]</c> on <paramref name="parameters"/> (nodes of <paramref name="root"/>), cleaned up.</summary>
    public static Task<Document> AddNoDiffAsync(Document document, SyntaxNode root, IEnumerable<ParameterSyntax> parameters, CancellationToken cancellation) =>
        CleanUpAsync(document.WithSyntaxRoot(root.ReplaceNodes(parameters, (_, rewritten) => AddNoDiff(rewritten))), cancellation);

    /// <summary><paramref name="method"/> with <c>[Differentiable]</c> on a line of its own above it (unchanged when it has it).</summary>
    public static MethodDeclarationSyntax AddDifferentiable(MethodDeclarationSyntax method)
    {
        if (Has(method.AttributeLists, Differentiable)) return method;
        // The attribute takes the method's leading trivia (comments, indentation); the method keeps the indentation.
        var leading = method.GetLeadingTrivia();
        var indentation = leading.Reverse().TakeWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse();
        var list = List(Differentiable).WithLeadingTrivia(leading).WithTrailingTrivia(EndOfLine(method));
        var bare = method.WithLeadingTrivia(indentation);
        return bare.WithAttributeLists(bare.AttributeLists.Insert(0, list));
    }

    /// <summary>Adds <c>using SymbolicGrad;</c> where an attribute added here needs it, then shortens the attribute names.</summary>
    public static async Task<Document> CleanUpAsync(Document document, CancellationToken cancellation)
    {
        var withImports = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellation).ConfigureAwait(false);
        return await Simplifier.ReduceAsync(withImports, Simplifier.Annotation, cancellationToken: cancellation).ConfigureAwait(false);
    }

    /// <summary>The line break the file uses.</summary>
    public static SyntaxTrivia EndOfLine(SyntaxNode node) =>
        node.SyntaxTree.GetRoot().DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } found
            ? found
            : SyntaxFactory.LineFeed;

    private static bool Has(SyntaxList<AttributeListSyntax> lists, string name) =>
        lists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString().Split('.', ':').Last() is var last && (last == name || last == name + "Attribute"));
}
