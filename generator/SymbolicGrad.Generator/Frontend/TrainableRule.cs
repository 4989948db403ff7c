using System.Linq;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>When the generated code makes a model an <c>ITrainable</c>, so that <c>Trainer</c> can train it.</summary>
internal static class TrainableRule
{
    /// <summary>
    /// A model whose only [Differentiable] method is <c>(Vec, int)</c> or <c>(Vec, Vec)</c> gets <c>ITrainable</c>,
    /// unless it implements the interface itself; layers factored into helpers (returning Vec or Mat) do not count.
    /// Otherwise <paramref name="whyNot"/> says why (null when the model implements the interface itself: nothing to report).
    /// </summary>
    public static TrainableKind KindOf(IMethodSymbol method, out string? whyNot)
    {
        whyNot = null;
        var type = method.ContainingType;
        if (type.AllInterfaces.Any(i => i.Name == "ITrainable" && i.ContainingNamespace.Name == "SymbolicGrad")) return TrainableKind.None;
        var differentiable = type.GetMembers().OfType<IMethodSymbol>().Where(m => !m.IsStatic && !LayerHelper.Is(m) && ScopeNames.IsDifferentiable(m)).ToList();
        var parameters = method.Parameters;
        string TypeOf(IParameterSymbol p) => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        if (differentiable.Count != 1)
        {
            whyNot = $"'{type.Name}' has {differentiable.Count} [Differentiable] methods ({string.Join(", ", differentiable.Select(m => m.Name))}), and Trainer trains one";
        }
        else if (parameters.Length != 2)
        {
            whyNot = $"'{method.Name}' takes {parameters.Length} parameter{(parameters.Length == 1 ? "" : "s")} ({string.Join(", ", parameters.Select(TypeOf))})";
        }
        else if (TensorTypes.RankOf(parameters[0].Type) != 1)
        {
            whyNot = $"its first parameter is '{TypeOf(parameters[0])}', not the input Vec";
        }
        else if (parameters[1].Type.SpecialType == SpecialType.System_Int32)
        {
            return TrainableKind.Labels;
        }
        else if (TensorTypes.RankOf(parameters[1].Type) == 1)
        {
            return TrainableKind.Values;
        }
        else
        {
            whyNot = $"its second parameter is '{TypeOf(parameters[1])}', not an int label or a Vec target";
        }
        return TrainableKind.None;
    }
}
