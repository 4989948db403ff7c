using System.Linq;
using Microsoft.CodeAnalysis;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>The named arguments of a method's [Differentiable] attribute.</summary>
internal static class AttributeOptions
{
    private const string DifferentiableAttribute = "SymbolicGrad.DifferentiableAttribute";

    /// <summary><c>[Differentiable(Graph = true)]</c>: also generate the graph as Mermaid text.</summary>
    public static bool Graph(IMethodSymbol method) => Flag(method, "Graph");

    private static bool Flag(IMethodSymbol method, string name)
    {
        var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == DifferentiableAttribute);
        if (attribute is null) return false;
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is bool value) return value;
        }
        return false;
    }
}
