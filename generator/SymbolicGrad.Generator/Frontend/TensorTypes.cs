using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>The runtime's tensor types as the parser sees them: Vec (rank 1) and Mat (rank 2) of float.</summary>
internal static class TensorTypes
{
    private static bool InRuntime(ITypeSymbol? type) =>
        type?.ContainingNamespace is { Name: "SymbolicGrad", ContainingNamespace.IsGlobalNamespace: true };

    public static int RankOf(ITypeSymbol? type) => !InRuntime(type) ? 0 : type!.Name switch
    {
        "Vec" => 1,
        "Mat" => 2,
        _ => 0,
    };

    public static bool IsTensorType(ITypeSymbol? type) => RankOf(type) > 0;

    public static bool IsOps(ITypeSymbol? type) => InRuntime(type) && type!.Name == "Ops";

    /// <summary>float for Vec and Mat, whose elements are floats; null for other types.</summary>
    public static ScalarKind? ElementKind(ITypeSymbol? type) => IsTensorType(type) ? ScalarKind.Single : null;

    /// <summary>Whether <paramref name="type"/> derives from the runtime's <c>Model</c>.</summary>
    public static bool IsModel(INamedTypeSymbol? type)
    {
        for (var t = type?.BaseType; t is not null; t = t.BaseType)
        {
            if (InRuntime(t) && t.Name == "Model") return true;
        }
        return false;
    }
}
