using System;
using System.CodeDom.Compiler;
using System.IO;
using System.Linq;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>
/// The write stage of the derived methods: one file per [Differentiable] method (<c>Type.Name.Derivatives.g.cs</c>)
/// holding its <c>NameJvp</c>, <c>NameHessian</c> and <c>NameHvp</c>, each written by its writer from its own plan.
/// </summary>
internal static class DerivedWriter
{
    public static WriteResult Write(DerivedPlanResult result)
    {
        if (result.Plans.Count == 0) return new WriteResult(null, result.Diagnostics);
        var original = result.Plans[0].Derived.Original;
        try
        {
            var text = new StringWriter();
            var w = new IndentedTextWriter(text, "    ");
            var kinds = string.Join(", ", result.Plans.Select(p => p.Plan.Method.Name));
            FileLayout.Open(w, original,
                new[] { $"SymbolicGrad {FileLayout.Version}: forward mode and second derivatives of {FileLayout.Qualified(original)} ({kinds})." },
                original.Kind != MethodKind.ScalarFunction ? ModelMethodWriter.Usings(original.QualifyMath)
                : original.QualifyMath ? Enumerable.Empty<string>() : new[] { "using System;" });
            for (int k = 0; k < result.Plans.Count; k++)
            {
                if (k > 0) w.WriteLineNoTabs(string.Empty);
                var plan = result.Plans[k];
                switch (plan.Derived.Kind)
                {
                    case DerivedKind.Jvp when original.Kind == MethodKind.ModelMethod:
                        ModelJvpWriter.Write(w, plan);
                        break;
                    case DerivedKind.Jvp when plan.Plan.Tensor is not null:
                        TensorJvpWriter.Write(w, plan);
                        break;
                    case DerivedKind.Jvp:
                        JvpWriter.Write(w, plan);
                        break;
                    case DerivedKind.Hvp when original.Kind == MethodKind.ModelMethod:
                        ModelHvpWriter.Write(w, plan);
                        break;
                    case DerivedKind.Hvp when plan.Plan.Tensor is not null:
                        TensorHvpWriter.Write(w, plan);
                        break;
                    case DerivedKind.Hessian:
                        HessianWriter.Write(w, plan);
                        break;
                    default:
                        HvpWriter.Write(w, plan);
                        break;
                }
            }
            FileLayout.Close(w, original);
            w.Flush();
            string hint = original.HintName.Substring(0, original.HintName.Length - ".g.cs".Length) + ".Derivatives.g.cs";
            return new WriteResult(new GeneratedFile(hint, text.ToString()), result.Diagnostics);
        }
        catch (Exception exception)
        {
            var error = DiagnosticInfo.Create(DiagnosticCatalogue.InternalError, original.Location, original.Name,
                exception.GetType().Name + ": " + exception.Message);
            return new WriteResult(null, result.Diagnostics.Append(error).ToEquatableArray());
        }
    }

    /// <summary>The doc comment and attribute every derived method starts with.</summary>
    public static void Header(IndentedTextWriter w, ProgramPlan plan, string summary, params (string Name, string Text)[] parameters)
    {
        w.WriteLine("/// <summary>");
        w.WriteLine($"/// {summary}");
        w.WriteLine($"/// Forward pass: {plan.ForwardOperations} operations; the rest: {plan.BackwardOperations} operations.");
        w.WriteLine("/// </summary>");
        foreach (var (name, text) in parameters) w.WriteLine($"/// <param name=\"{name}\">{text}</param>");
        w.WriteLine($"/// <returns>The value of <see cref=\"{plan.Model.Method.DocumentationId}\"/>.</returns>");
        w.WriteLine(FileLayout.GeneratedCode);
    }

    /// <summary>Throws unless span <paramref name="span"/> has <paramref name="length"/> elements (C#: an int expression).</summary>
    public static void LengthCheck(IndentedTextWriter w, string method, string span, string length, string what) =>
        w.WriteLine($"if ({span}.Length != {length}) throw new global::System.ArgumentException(" +
            $"$\"{method}: {span.TrimStart('@')} has {{{span}.Length}} elements but {what}.\", nameof({span}));");

    /// <summary>A value in a comment: its formula (one level: its operands by name), or its name where it has no formula (a loop's result).</summary>
    public static string MathOf(ScalarFunctionWriter writer, Dag dag, int node) =>
        OpTable.Of(dag[node].Op).Math is null ? writer.Math.Print(node) : writer.Math.PrintDefinition(node);

    /// <summary><c>(float)(e)</c> where the value's kind is not the target's.</summary>
    public static string As(string expression, ScalarKind from, ScalarKind to) =>
        from == to || to == ScalarKind.Double ? expression : $"({to.Keyword()})({expression})";
}
