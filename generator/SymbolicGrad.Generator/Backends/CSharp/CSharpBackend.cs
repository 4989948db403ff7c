using System;
using System.Linq;
using SymbolicGrad.Generator.Backends.Mermaid;
using SymbolicGrad.Generator.Backends.Onnx;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>The write stage for C#: one file per method, by the writer of the method's kind.</summary>
internal static class CSharpBackend
{
    public static WriteResult Write(PlanResult result)
    {
        if (result.Plan is not { } plan) return new WriteResult(null, result.Diagnostics);
        try
        {
            // A model's prediction graph for ONNX export is a member of the model's file; if it cannot be written, the
            // model keeps its gradient code and reports why.
            OnnxMember? onnx = null;
            var diagnostics = result.Diagnostics;
            try
            {
                onnx = OnnxBackend.Write(plan);
                if (onnx?.NotExportable is { } notExportable) diagnostics = diagnostics.Append(notExportable).ToEquatableArray();
            }
            catch (Exception exception)
            {
                diagnostics = diagnostics.Append(DiagnosticInfo.Create(DiagnosticCatalogue.InternalError, plan.Method.Location, plan.Method.Name,
                    "ONNX prediction graph: " + exception.GetType().Name + ": " + exception.Message)).ToEquatableArray();
            }
            // The picture is the Mermaid backend's; this file only carries it (header comment and NameGraph).
            string? graph = plan.Method.DrawGraph ? MermaidBackend.Write(plan) : null;
            string source = plan.Method.Kind switch
            {
                MethodKind.ScalarFunction => ScalarFunctionWriter.Write(plan, graph),
                MethodKind.TensorFunction => TensorFunctionWriter.Write(plan, graph),
                _ => ModelMethodWriter.Write(plan, graph, onnx),
            };
            return new WriteResult(new GeneratedFile(plan.Method.HintName, source), diagnostics);
        }
        catch (Exception exception)
        {
            var error = DiagnosticInfo.Create(DiagnosticCatalogue.InternalError, plan.Method.Location, plan.Method.Name,
                exception.GetType().Name + ": " + exception.Message);
            return new WriteResult(null, result.Diagnostics.Append(error).ToEquatableArray());
        }
    }
}
