using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Declarations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using MethodKind = SymbolicGrad.Generator.Pipeline.MethodKind;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// A [Differentiable] method returning Vec or Mat: a layer factored into a helper (<c>Vec Dense(Mat W, Vec b, Vec x)
/// =&gt; Relu(W * x + b);</c>), inlined where model methods and tensor functions call it. A vector-valued function has
/// no gradient method of its own, so nothing is generated for it; its body is lowered once here so that its errors are
/// reported on it, where the caller's SG0019 points.
/// </summary>
internal static class LayerHelper
{
    public static bool Is(IMethodSymbol method) => TensorTypes.IsTensorType(method.ReturnType);

    public static LoweringResult Check(IMethodSymbol method, MethodDeclarationSyntax declaration, SemanticModel semanticModel,
        List<DiagnosticInfo> diagnostics, CancellationToken cancellation)
    {
        // Its declaration rules (static or a model's, not generic, a body) are the analyzer's to report.
        bool badDeclaration = DeclarationRules.Check(method, declaration).Count > 0;
        var graph = new GraphBuilder();
        var parameters = ParameterBinder.Bind(MethodKind.TensorFunction, method, graph, diagnostics);
        var body = badDeclaration || diagnostics.Any(d => d.IsError) ? null : semanticModel.GetOperation(declaration, cancellation);
        if (body is null || parameters.Count != method.Parameters.Length) return new LoweringResult(null, diagnostics.ToEquatableArray());

        var env = new Environment();
        foreach (var (symbol, info) in method.Parameters.Zip(parameters, (s, p) => (s, p))) env.Set(symbol, info.Input);
        var lowering = new BodyLowering(graph, semanticModel.Compilation, parameters.Where(p => p.IsDifferentiable).Select(p => p.Input),
            cancellation, MethodKind.TensorFunction, method.Parameters.Select(p => p.Name))
        {
            // A model's static helper is there for the model's methods: its layers are checked where one inlines it.
            LayersAssumed = method.IsStatic && TensorTypes.IsModel(method.ContainingType),
        };
        try
        {
            lowering.Run(method, body, env, ScalarKind.Single);
        }
        catch (Exception exception) when (lowering.Failed && exception is not OperationCanceledException)
        {
            // A reported construct left a placeholder behind that a later step could not use; the report is what matters.
        }
        diagnostics.AddRange(lowering.Diagnostics);
        return new LoweringResult(null, diagnostics.ToEquatableArray());
    }
}
