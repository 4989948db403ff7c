using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>Maps C# types to the IR's scalar kinds.</summary>
internal static class ScalarTypes
{
    public static ScalarKind? KindOf(ITypeSymbol? type) => type?.SpecialType switch
    {
        SpecialType.System_Double => ScalarKind.Double,
        SpecialType.System_Single => ScalarKind.Single,
        SpecialType.System_Int32 => ScalarKind.Int32,
        SpecialType.System_Boolean => ScalarKind.Boolean,
        _ => null,
    };
}
