using System;
using System.Linq;
using SymbolicGrad.Generator.Backends.Mermaid;
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
            // The picture is the Mermaid backend's; this file only carries it (header comment and NameGraph).
            string? graph = plan.Method.DrawGraph ? MermaidBackend.Write(plan) : null;
            string source = plan.Method.Kind switch
            {
                MethodKind.ScalarFunction => ScalarFunctionWriter.Write(plan, graph),
                MethodKind.TensorFunction => TensorFunctionWriter.Write(plan, graph),
                _ => ModelMethodWriter.Write(plan, graph),
            };
            return new WriteResult(new GeneratedFile(plan.Method.HintName, source), result.Diagnostics);
        }
        catch (Exception exception)
        {
            var error = DiagnosticInfo.Create(DiagnosticCatalogue.InternalError, plan.Method.Location, plan.Method.Name,
                exception.GetType().Name + ": " + exception.Message);
            return new WriteResult(null, result.Diagnostics.Append(error).ToEquatableArray());
        }
    }
}
