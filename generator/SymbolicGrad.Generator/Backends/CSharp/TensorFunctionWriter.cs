using System.CodeDom.Compiler;
using System.IO;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>
/// Writes a static function of vectors and matrices: <c>NameGradient(&lt;same parameters&gt;, dX …)</c> adds the gradient
/// into one buffer per differentiable Vec/Mat parameter. Its workspace is per thread, so it can run on several threads
/// at once (into gradient buffers of their own).
/// </summary>
internal static class TensorFunctionWriter
{
    public static string Write(Planning.ProgramPlan plan, string? graph)
    {
        var c = new TensorCode(plan);
        var method = plan.Method;
        var names = plan.Names;
        var text = new StringWriter();
        c.Writer = new IndentedTextWriter(text, "    ");
        string name = method.Name, workspaceType = name + "Workspace";
        var differentiable = method.Parameters.Where(p => p.IsField).ToList();
        var parameters = method.Parameters.Select(p => ParameterType(c, p) + " " + p.Name)
            .Concat(differentiable.Select(p => ParameterType(c, p) + " " + p.GradientName));

        FileLayout.Open(c.Writer, method, ModelMethodWriter.Header(plan, $"{name}, into gradient buffers"), ModelMethodWriter.Usings(c), graph: graph);
        WorkspaceWriter.Write(c);
        c.Line("[global::System.ThreadStatic]");
        c.Line($"private static {workspaceType}? {names.CachedWorkspace};");
        c.Writer.WriteLineNoTabs(string.Empty);
        string wrt = string.Join(", ", differentiable.Select(p => $"<paramref name=\"{Identifiers.Bare(p.Name)}\"/>"));
        WorkspaceWriter.Doc(c, $"Computes <see cref=\"{method.DocumentationId}\"/> and adds its gradient with respect to {wrt} into {string.Join(", ", differentiable.Select(p => $"<paramref name=\"{p.GradientName}\"/>"))}.", "The value.");
        c.Line($"{method.Accessibility} static float {name}Gradient({string.Join(", ", parameters)})");
        c.Line("{");
        c.Writer.Indent++;
        c.Line($"var {names.Workspace} = {names.CachedWorkspace} ??= new {workspaceType}();");
        ArgumentChecks.Write(c, declareSizes: true);
        foreach (var parameter in method.Parameters.Where(p => c.Dag[p.Input].Rank > 0))
        {
            c.Line($"var {c.View(parameter.Name)} = {parameter.Name}.Span;");
        }
        foreach (var p in differentiable) ArgumentChecks.WriteSameShape(c, p.GradientName, p.Name, c.Dag[p.Input].Rank);
        c.Writer.WriteLineNoTabs(string.Empty);
        c.Line("// Forward pass.");
        foreach (var value in plan.Forward)
        {
            PassWriter.Bind(c, value, grow: true);
            PassWriter.WriteValue(c, value);
        }
        c.Writer.WriteLineNoTabs(string.Empty);
        c.Line("// Backward pass: each dName holds ∂f/∂name; each parameter's gradient is added into its buffer once its terms are ready.");
        PassWriter.WriteBackward(c);
        c.Line($"return {c.Element(method.Output, "0", "0")};");
        c.Writer.Indent--;
        c.Line("}");
        FileLayout.Close(c.Writer, method);
        c.Writer.Flush();
        return text.ToString();
    }

    /// <summary>The C# type of a parameter of a function of Vec and Mat values (or of a buffer of its shape).</summary>
    internal static string ParameterType(TensorCode c, ParameterInfo p) => c.Dag[p.Input].Rank switch
    {
        1 => FileLayout.Runtime + ".Vec",
        2 => FileLayout.Runtime + ".Mat",
        _ => p.Kind.Keyword(),
    };
}
