using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>Which value of a model method is its prediction, the graph <c>Onnx.Export</c> writes.</summary>
internal static class PredictionRule
{
    /// <summary>
    /// The value of the [Prediction] layer helper the method calls; else the first argument of its one loss (the logits of
    /// <c>SoftmaxCrossEntropy</c>, the prediction of <c>Mse</c>, <c>Mae</c>, <c>BinaryCrossEntropy</c>); null when there is
    /// none, when it is ambiguous (SG0081 for a helper whose calls give different values), or when the model has other
    /// [Differentiable] methods (one graph per model) or implements the export interface itself.
    /// </summary>
    public static PredictionInfo? Find(IMethodSymbol method, BodyLowering lowering, LocationInfo? at, List<DiagnosticInfo> diagnostics)
    {
        var type = method.ContainingType;
        if (type.AllInterfaces.Any(i => i.Name == "IOnnxExportable" && i.ContainingNamespace.ToDisplayString() == "SymbolicGrad.CompilerServices")) return null;
        int methods = type.GetMembers().OfType<IMethodSymbol>().Count(m => !m.IsStatic && !LayerHelper.Is(m) && ScopeNames.IsDifferentiable(m));
        if (methods != 1) return null;

        var marked = lowering.MarkedPredictions.GroupBy(p => p.Node).Select(g => g.First()).ToList();
        if (marked.Count > 1)
        {
            string helpers = string.Join(", ", marked.Select(p => p.Name).Distinct());
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.AmbiguousPrediction, at, method.Name, helpers, marked.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return null;
        }
        if (marked.Count == 1) return new PredictionInfo(marked[0].Node, marked[0].Name);

        var losses = lowering.LossInputs.GroupBy(p => p.Node).Select(g => g.First()).ToList();
        if (losses.Count != 1) return null;
        return new PredictionInfo(losses[0].Node, losses[0].Name == "SoftmaxCrossEntropy" ? "logits" : "prediction");
    }
}
