using System.Linq;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>The workspace class: a buffer per stored value (not per value written in place over another's).</summary>
internal static class WorkspaceWriter
{
    /// <param name="c">The method's code.</param>
    /// <param name="summary">The class's summary (empty: the model method's).</param>
    /// <param name="accessibility">The class's accessibility.</param>
    /// <param name="model">Whether it is a model method's public workspace: then it records the rows and the thread of its last forward pass, which the public backward pass checks, and the pass using it.</param>
    /// <param name="branches">A layer's forms (<see cref="Planning.LayerBranchesPlan"/>): the class holds both forms' buffers and the condition's value, not the layer's one form's buffers.</param>
    public static void Write(TensorCode c, string summary = "", string accessibility = "public", bool model = false,
        Planning.LayerBranchesPlan? branches = null)
    {
        string cref = c.Method.DocumentationId;
        if (summary.Length == 0) summary = $"The buffers of <see cref=\"{cref}\"/>'s forward and backward passes, grown to the largest batch seen and then reused.";
        c.Line($"/// <summary>{summary}</summary>");
        c.Line($"{accessibility} sealed class {c.Method.Name}Workspace");
        c.Line("{");
        c.Writer.Indent++;
        var fields = branches?.Fields.Select(f => (f.Name, f.Kind))
            ?? c.Plan.Forward.Concat(c.Plan.Backward).Where(v => c.TakesOver(v.Node) < 0).Select(v => (v.Name, c.Dag[v.Node].Kind));
        foreach (var (name, kind) in fields)
        {
            string type = kind.Keyword();
            c.Line($"internal {type}[] {name} = global::System.Array.Empty<{type}>();");
        }
        // A layer's Jvp has no backward pass to tell which form ran.
        if (branches is not null && !c.Method.Layer!.IsJvp) c.Line($"internal bool {branches.Taken}; // the condition when the forward pass ran: the form whose backward pass runs");
        foreach (var loop in c.Plan.LayerLoops)
        {
            string type = loop.Body.Method.Name + "Workspace";
            if (loop.First is { } first)
            {
                string firstType = first.Method.Name + "Workspace";
                c.Line($"internal {type}[] {loop.Workspaces} = global::System.Array.Empty<{type}>(); // one per layer after the first");
                c.Line($"internal readonly {firstType} {loop.FirstWorkspace} = new {firstType}(); // the first layer's, from the data");
                continue;
            }
            c.Line($"internal {type}[] {loop.Workspaces} = global::System.Array.Empty<{type}>(); // one per layer");
        }
        if (c.Plan.Layer is { Tangent: { } tangent, GradientTangent: { } gradientTangent } hvp)
        {
            // A layer's Hvp: its output with its tangent, and (unless it starts from the data) ∂L/∂input with its tangent.
            c.Line($"internal {FileLayout.Runtime}.Mat {hvp.Output}; // the layer's output, the next layer's input");
            c.Line($"internal {FileLayout.Runtime}.Mat {tangent}; // the tangent of the layer's output, the next layer's input tangent");
            if (c.Method.Layer!.CarriedTangent >= 0)
            {
                c.Line($"internal {FileLayout.Runtime}.Mat {hvp.Gradient}; // ∂L/∂(the layer's input), the previous layer's seed");
                c.Line($"internal {FileLayout.Runtime}.Mat {gradientTangent}; // its tangent, the previous layer's seed tangent");
            }
        }
        else if (c.Plan.Layer is { } layer)
        {
            c.Line($"internal {FileLayout.Runtime}.Mat {layer.Output}; // the layer's output, the next layer's input");
            c.Line(c.Method.Layer!.IsJvp
                ? $"internal {FileLayout.Runtime}.Mat {layer.Gradient}; // the tangent of the layer's output, the next layer's input tangent"
                : $"internal {FileLayout.Runtime}.Mat {layer.Gradient}; // ∂L/∂(the layer's input), the previous layer's seed");
        }
        var layers = c.Layers;
        foreach (var scratch in layers.Scratch)
        {
            c.Line($"internal {scratch.Type}[] {scratch.Name} = global::System.Array.Empty<{scratch.Type}>();");
        }
        if (layers.Columns is { } columns) c.Line($"internal float[] {columns} = global::System.Array.Empty<float>(); // im2col, shared by the convolutions");
        if (layers.Training is { } training) c.Line($"internal bool {training}; // the model's mode when the forward pass ran");
        if (layers.Stream is { } stream) c.Line($"internal ulong {stream}; // the forward pass's random stream (dropout masks)");
        if (model && c.Names.ForwardRows.Length > 0)
        {
            c.Line($"internal int {c.Names.ForwardRows} = -1; // the rows of the last forward pass (−1: none yet), which the backward pass checks");
            c.Line($"internal int {c.Names.ForwardThread}; // the managed thread that ran it: a backward pass on another thread could read another call's values");
            c.Line($"internal int {c.Names.InUse}; // the managed thread of the pass using the workspace (0: none), so that two threads never share it unnoticed");
        }
        c.Writer.Indent--;
        c.Line("}");
        c.Writer.WriteLineNoTabs(string.Empty);
    }

    /// <summary>A documentation comment and the generated-code attribute.</summary>
    public static void Doc(TensorCode c, string summary, string? returns)
    {
        c.Line($"/// <summary>{summary}</summary>");
        if (returns is not null) c.Line($"/// <returns>{returns}</returns>");
        c.Line(FileLayout.GeneratedCode);
    }
}
