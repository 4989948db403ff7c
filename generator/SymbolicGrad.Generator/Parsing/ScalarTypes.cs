using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Graph;

namespace SymbolicGrad.Generator.Parsing;

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

    /// <summary>The kind both operands are converted to, by C#'s numeric promotion.</summary>
    public static ScalarKind Promote(ScalarKind a, ScalarKind b) =>
        a == ScalarKind.Double || b == ScalarKind.Double ? ScalarKind.Double
        : a == ScalarKind.Single || b == ScalarKind.Single ? ScalarKind.Single
        : ScalarKind.Int32;
}
