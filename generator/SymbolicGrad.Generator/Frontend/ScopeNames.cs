using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Pipeline;
using MethodKind = Microsoft.CodeAnalysis.MethodKind;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// The names generated code for a method must not take: every member of its type and of the user's base types
/// (the runtime's <c>Model</c> and <c>object</c> are known to planning), the enclosing types and their type
/// parameters, and every member the other [Differentiable] methods of these types generate.
/// </summary>
internal static class ScopeNames
{
    /// <remarks>
    /// Declarations only: kept while they stay the same (<see cref="DeclarationFacts"/>), so that an edit inside one body
    /// does not bind the attributes of its type's other methods again.
    /// </remarks>
    public static EquatableArray<string> Of(IMethodSymbol method) =>
        DeclarationFacts.Get("scope names|" + DeclarationFacts.KeyOf(method.ContainingType) + "|" + method.Name, () => Compute(method));

    private static EquatableArray<string> Compute(IMethodSymbol method)
    {
        var names = new SortedSet<string>(System.StringComparer.Ordinal);
        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            names.Add(type.Name);
            foreach (var parameter in type.TypeParameters) names.Add(parameter.Name);
        }
        for (var type = method.ContainingType; type is not null && !IsRuntimeOrObject(type); type = type.BaseType)
        {
            foreach (var member in type.GetMembers())
            {
                // Accessors, constructors and operators have no name generated code could meet.
                if (member is IMethodSymbol { MethodKind: not (MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation) }) continue;
                if (member.CanBeReferencedByName) names.Add(member.Name);
                if (member is IMethodSymbol other && other.Name != method.Name && IsDifferentiable(other) && !LayerHelper.Is(other))
                {
                    foreach (string generated in GeneratedMembers.All(other.Name)) names.Add(generated);
                }
            }
        }
        return names.ToEquatableArray();
    }

    /// <summary>Whether <paramref name="method"/> has SymbolicGrad's [Differentiable] (matched as the lowering cache matches it).</summary>
    public static bool IsDifferentiable(IMethodSymbol method)
    {
        // Asked of every method of the type on each lowering: compare the name's parts, without formatting it.
        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "DifferentiableAttribute", Arity: 0, ContainingType: null, ContainingNamespace: { Name: "SymbolicGrad" } ns }
                && ns.ContainingNamespace is { IsGlobalNamespace: true })
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsRuntimeOrObject(INamedTypeSymbol type) =>
        type.SpecialType == SpecialType.System_Object
        || (type.Name == "Model" && type.ContainingNamespace is { Name: "SymbolicGrad", ContainingNamespace.IsGlobalNamespace: true });
}
