using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>The arrays a scalar function may take: <c>T[]</c>, <c>ReadOnlySpan&lt;T&gt;</c> and <c>Span&lt;T&gt;</c> of double, float or int.</summary>
internal static class ArrayTypes
{
    /// <summary>The element kind of an array or span type, or null for any other type.</summary>
    public static ScalarKind? ElementKind(ITypeSymbol? type)
    {
        var element = type switch
        {
            IArrayTypeSymbol { Rank: 1 } array => array.ElementType,
            INamedTypeSymbol { Name: "ReadOnlySpan" or "Span", Arity: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } span
                => span.TypeArguments[0],
            _ => null,
        };
        return ScalarTypes.KindOf(element) is { } kind and not ScalarKind.Boolean ? kind : null;
    }

    public static bool IsArray(ITypeSymbol? type) => ElementKind(type) is not null;
}
