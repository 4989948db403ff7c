using System.Linq;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>When the generated code makes a model an <c>ITrainable</c>, so that <c>Trainer</c> can train it.</summary>
internal static class TrainableRule
{
    /// <summary>
    /// A model whose only [Differentiable] method is <c>(Vec, int)</c> or <c>(Vec, Vec)</c> gets <c>ITrainable</c>,
    /// unless it implements the interface itself. Layers factored into helpers (returning Vec or Mat) do not count.
    /// </summary>
    public static TrainableKind KindOf(IMethodSymbol method)
    {
        var type = method.ContainingType;
        if (type.AllInterfaces.Any(i => i.Name == "ITrainable" && i.ContainingNamespace.Name == "SymbolicGrad")) return TrainableKind.None;
        int differentiable = type.GetMembers().OfType<IMethodSymbol>()
            .Count(m => !m.IsStatic && !LayerHelper.Is(m) && m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "SymbolicGrad.DifferentiableAttribute"));
        if (differentiable != 1 || method.Parameters.Length != 2 || TensorTypes.RankOf(method.Parameters[0].Type) != 1) return TrainableKind.None;
        var target = method.Parameters[1].Type;
        if (target.SpecialType == SpecialType.System_Int32) return TrainableKind.Labels;
        return TensorTypes.RankOf(target) == 1 ? TrainableKind.Values : TrainableKind.None;
    }
}
