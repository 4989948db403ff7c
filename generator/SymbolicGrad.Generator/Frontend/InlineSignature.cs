using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Which [Differentiable] methods a call can inline. Scalar code inlines static scalar functions. Tensor code (model
/// methods, tensor functions) also inlines layers factored into helpers: static or instance methods taking Vec, Mat,
/// float, int and bool and returning float, Vec or Mat; an instance helper only when called on the model itself, whose
/// fields it reads as the caller's parameters.
/// </summary>
internal static class InlineSignature
{
    /// <summary>Why <paramref name="callee"/> cannot be inlined at <paramref name="call"/>, or null when it can.</summary>
    public static string? Refusal(IMethodSymbol callee, IInvocationOperation call, IMethodSymbol caller, bool tensors)
    {
        bool scalar = callee.IsStatic && !callee.IsGenericMethod
            && ScalarTypes.KindOf(callee.ReturnType)?.IsReal() == true
            && callee.Parameters.All(p => p.RefKind == RefKind.None && ScalarTypes.KindOf(p.Type) is not null);
        if (scalar) return null;
        if (!tensors)
        {
            return $"'{callee.Name}' must be static and non-generic, return double or float, and take double, float, int or bool parameters by value";
        }
        bool layer = !callee.IsGenericMethod
            && (callee.ReturnType.SpecialType == SpecialType.System_Single || TensorTypes.IsTensorType(callee.ReturnType))
            && callee.Parameters.All(p => p.RefKind == RefKind.None && IsTensorCodeValue(p.Type));
        if (!layer)
        {
            return $"'{callee.Name}' must be non-generic, return float, Vec or Mat, and take Vec, Mat, float, int or bool parameters by value";
        }
        if (!callee.IsStatic && (caller.IsStatic || call.Instance is not IInstanceReferenceOperation))
        {
            return $"'{callee.Name}' reads the fields of the model it is called on: call it on this model ('{callee.Name}(…)' in an instance method), or make it static and pass the weights in";
        }
        return null;
    }

    private static bool IsTensorCodeValue(ITypeSymbol type) =>
        TensorTypes.IsTensorType(type) || type.SpecialType is SpecialType.System_Single or SpecialType.System_Int32 or SpecialType.System_Boolean;
}
