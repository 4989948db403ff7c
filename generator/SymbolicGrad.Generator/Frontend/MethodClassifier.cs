using System.Linq;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Pipeline;
using MethodKind = SymbolicGrad.Generator.Pipeline.MethodKind;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>Decides what kind of method a [Differentiable] method is, and so what gets generated for it.</summary>
internal static class MethodClassifier
{
    public static MethodKind Classify(IMethodSymbol method)
    {
        if (!method.IsStatic && TensorTypes.IsModel(method.ContainingType)) return MethodKind.ModelMethod;
        if (method.IsStatic && method.Parameters.Any(p => TensorTypes.RankOf(p.Type) > 0)) return MethodKind.TensorFunction;
        return MethodKind.ScalarFunction;
    }
}
