using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// A method's SymbolicGrad [Differentiable] attribute and the options it sets (<c>Jvp</c>, <c>Hessian</c>,
/// <c>Graph</c>). Binding a method's attributes costs as much as a keystroke's whole lowering, and an edit inside a
/// body changes neither the attribute nor what its name binds to (aliases, usings, a user's own type named
/// Differentiable, the constants of its arguments: all declarations), so the mark is a declaration fact: bound once
/// per set of declarations, then read for every later keystroke.
/// </summary>
internal sealed record DifferentiableMark(bool Jvp, bool Hessian, bool Graph)
{
    private static readonly DifferentiableMark Plain = new(false, false, false);

    /// <summary>
    /// The mark of the method or local function whose declaration <paramref name="key"/> names (<see cref="KeyOf"/>);
    /// <paramref name="symbol"/> binds its declaration when the mark is not known yet.
    /// </summary>
    public static DifferentiableMark? Of(string? key, System.Func<ISymbol?> symbol) =>
        key is not null ? DeclarationFacts.Get("differentiable|" + key, () => Read(symbol())) : Read(symbol());

    /// <summary>The mark as bound from <paramref name="symbol"/>'s attributes: the first SymbolicGrad.DifferentiableAttribute's.</summary>
    public static DifferentiableMark? Read(ISymbol? symbol)
    {
        if (symbol is null) return null;
        foreach (var attribute in symbol.GetAttributes())
        {
            if (!IsDifferentiable(attribute.AttributeClass)) continue;
            bool jvp = First(attribute, "Jvp") is true, hessian = First(attribute, "Hessian") is true;
            bool graph = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Graph" && a.Value.Value is bool).Value.Value is true;
            return jvp || hessian || graph ? new DifferentiableMark(jvp, hessian, graph) : Plain;
        }
        return null;
    }

    private static object? First(AttributeData attribute, string name) => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value;

    /// <summary>SymbolicGrad.DifferentiableAttribute, as ForAttributeWithMetadataName would match it (from any assembly).</summary>
    public static bool IsDifferentiable(INamedTypeSymbol? attribute) =>
        attribute is { Name: "DifferentiableAttribute", Arity: 0, ContainingType: null, ContainingNamespace: { Name: "SymbolicGrad" } ns }
        && ns.ContainingNamespace is { IsGlobalNamespace: true };

    /// <summary>
    /// A key naming <paramref name="node"/>'s declaration while every file's declarations stay the same: its file (path
    /// and fingerprint of its declarations, <paramref name="treeDeclarations"/>) and its place among the members of each
    /// enclosing declaration. Null when it is not a member of a type or namespace (broken code), or a local function
    /// (whose attributes lie inside a body, outside the declaration facts).
    /// </summary>
    public static string? KeyOf(SyntaxNode node, ulong treeDeclarations) =>
        node is MemberDeclarationSyntax member ? KeyOf(member, treeDeclarations) : null;

    private static string? KeyOf(MemberDeclarationSyntax member, ulong treeDeclarations)
    {
        var places = new List<int>();
        SyntaxNode node = member;
        for (; node.Parent is { } parent; node = parent)
        {
            int place = parent switch
            {
                TypeDeclarationSyntax type => type.Members.IndexOf((MemberDeclarationSyntax)node),
                BaseNamespaceDeclarationSyntax ns => ns.Members.IndexOf((MemberDeclarationSyntax)node),
                CompilationUnitSyntax unit => unit.Members.IndexOf((MemberDeclarationSyntax)node),
                _ => -1,
            };
            if (place < 0) return null;
            places.Add(place);
        }
        if (node is not CompilationUnitSyntax) return null;
        var key = new StringBuilder().Append(member.SyntaxTree.FilePath).Append('|').Append(treeDeclarations).Append('|');
        for (int i = places.Count - 1; i >= 0; i--) key.Append(places[i]).Append('.');
        return key.ToString();
    }
}
