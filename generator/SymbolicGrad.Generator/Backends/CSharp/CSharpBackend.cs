using System;
using System.Linq;
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
            // A model's prediction graph for ONNX export is a member of the model's file.
            var onnx = OnnxBackend.Write(plan);
            string source = plan.Method.Kind switch
            {
                MethodKind.ScalarFunction => ScalarFunctionWriter.Write(plan),
                MethodKind.TensorFunction => TensorFunctionWriter.Write(plan),
                _ => ModelMethodWriter.Write(plan, onnx),
            };
            var diagnostics = onnx?.NotExportable is { } notExportable ? result.Diagnostics.Append(notExportable).ToEquatableArray() : result.Diagnostics;
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
