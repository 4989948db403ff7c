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

    /// <summary>The runtime's <c>Image</c>: a per-sample vector with a (channels, height, width) shape.</summary>
    public static bool IsImage(ITypeSymbol? type) => InRuntime(type) && type!.Name == "Image";

    /// <summary>A layer of the runtime whose parameters live in the model's store: <c>Conv2d</c> or <c>BatchNorm</c>.</summary>
    public static bool IsLayer(ITypeSymbol? type) => InRuntime(type) && type!.Name is "Conv2d" or "BatchNorm";

    /// <summary>float for Vec, Mat and Image, whose elements are floats; null for other types.</summary>
    public static ScalarKind? ElementKind(ITypeSymbol? type) => IsTensorType(type) || IsImage(type) ? ScalarKind.Single : null;

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
