using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>The members of System.Math and System.MathF the compiler knows how to differentiate, by name and arity.</summary>
internal static class MathLibrary
{
    private static readonly Dictionary<string, Op> Unary = new()
    {
        ["Sin"] = Op.Sin, ["Cos"] = Op.Cos, ["Tan"] = Op.Tan,
        ["Asin"] = Op.Asin, ["Acos"] = Op.Acos, ["Atan"] = Op.Atan,
        ["Sinh"] = Op.Sinh, ["Cosh"] = Op.Cosh, ["Tanh"] = Op.Tanh,
        ["Asinh"] = Op.Asinh, ["Acosh"] = Op.Acosh, ["Atanh"] = Op.Atanh,
        ["Exp"] = Op.Exp, ["Log"] = Op.Log, ["Log10"] = Op.Log10, ["Log2"] = Op.Log2,
        ["Sqrt"] = Op.Sqrt, ["Cbrt"] = Op.Cbrt, ["Abs"] = Op.Abs,
        ["Floor"] = Op.Floor, ["Ceiling"] = Op.Ceiling, ["Round"] = Op.Round, ["Truncate"] = Op.Truncate, ["Sign"] = Op.Sign,
    };

    private static readonly Dictionary<string, Op> Binary = new()
    {
        ["Pow"] = Op.Pow, ["Max"] = Op.Max, ["Min"] = Op.Min, ["Log"] = Op.LogBase, ["Atan2"] = Op.Atan2,
        ["CopySign"] = Op.CopySign, ["ScaleB"] = Op.ScaleB, ["IEEERemainder"] = Op.IEEERemainder,
    };

    private static readonly Dictionary<string, Op> Ternary = new()
    {
        ["FusedMultiplyAdd"] = Op.FusedMultiplyAdd, ["Clamp"] = Op.Clamp,
    };

    public static bool IsMathType(INamedTypeSymbol? type) =>
        type is { Name: "Math" or "MathF", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    /// <summary>The op for a call with the given number of arguments, or null when it is not supported.</summary>
    public static Op? Find(string name, int argumentCount) => argumentCount switch
    {
        1 when Unary.TryGetValue(name, out var op) => op,
        2 when Binary.TryGetValue(name, out var op) => op,
        3 when Ternary.TryGetValue(name, out var op) => op,
        _ => null,
    };
}
