using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>
/// A layer whose selects hang on a condition of the counter (<c>l &lt; W.Length - 1 ? Relu(z) : z</c>): the condition
/// holds for the whole layer or not at all, so the layer's forward pass evaluates it once and runs the passes written
/// for its value (the layer's "Then" or "Else" form, each with only its branch's arithmetic), and its backward pass runs
/// the backward pass of the form the forward pass ran. Both forms keep their buffers in the layer's one workspace class.
/// </summary>
internal static class LayerBranchWriter
{
    private const string Runtime = FileLayout.Runtime;

    public static void WriteLayer(TensorCode outer, LayerLoopPlan loop, LayerBranchesPlan branches)
    {
        var c = new TensorCode(loop.Body) { Writer = outer.Writer, RowLoops = outer.RowLoops };
        var signature = new LayerSignature(c, loop, new string[0]);
        var layer = loop.Body.Layer!;
        var dag = c.Dag;
        string name = c.Method.Name, workspaceType = name + "Workspace", workspace = c.Names.Workspace, taken = branches.Taken;
        var (condition, csharp) = Condition(c, branches);
        string xml = Xml(condition);
        var whenTrue = branches.WhenTrue.Method.Name;
        var whenFalse = branches.WhenFalse.Method.Name;

        // The workspace: both forms' buffers, the condition's value from the forward pass, the output and ∂L/∂input.
        c.Line($"/// <summary>The buffers of {signature.OneLayer}, for a batch: grown to the largest batch seen, then reused. The layer runs one of two forms ({whenTrue} where {Identifiers.Bare(taken)} holds, {whenFalse} where not); each keeps its buffers here.</summary>");
        c.Line($"internal sealed class {workspaceType}");
        c.Line("{");
        c.Writer.Indent++;
        foreach (var field in branches.Fields)
        {
            string type = field.Kind.Keyword();
            c.Line($"internal {type}[] {field.Name} = global::System.Array.Empty<{type}>();");
        }
        c.Line($"internal bool {taken}; // {condition} when the forward pass ran: the form whose backward pass runs");
        c.Line($"internal {Runtime}.Mat {layer.Output}; // the layer's output, the next layer's input");
        c.Line($"internal {Runtime}.Mat {layer.Gradient}; // ∂L/∂(the layer's input), the previous layer's seed");
        c.Writer.Indent--;
        c.Line("}");
        c.Writer.WriteLineNoTabs(string.Empty);

        // The layer's passes choose a form; each form's passes follow.
        string arguments = string.Join(", ", new[] { workspace, signature.Carried, signature.Counter }.Concat(loop.Loop.Elements.Select(e => e.Name)));
        signature.WriteHeader($"The forward pass of {signature.OneLayer}, for a batch (one sample per row): {xml} holds for the whole layer or not at all, so it runs the forward pass of the form for its value (keeping the value in <c>{taken}</c>), which keeps its values in <paramref name=\"{Identifiers.Bare(workspace)}\"/>, its output in <c>{layer.Output}</c>.", "ForwardBatch");
        WriteDispatch(c, signature.Check, condition, csharp, workspace, taken, $"{whenTrue}ForwardBatch({arguments})", $"{whenFalse}ForwardBatch({arguments})");

        string seed = dag[c.Method.Layer!.Seed].Name!;
        string backwardArguments = $"{arguments}, {seed}, {layer.InputGradient}";
        signature.WriteHeader($"The backward pass of {signature.OneLayer}, after its forward pass: runs the backward pass of the form the forward pass ran (<c>{taken}</c>), which from <paramref name=\"{Identifiers.Bare(seed)}\"/> = ∂L/∂(its output) adds its parameters' gradients into <c>Parameters.Gradients</c> and, if <paramref name=\"{layer.InputGradient}\"/>, keeps ∂L/∂{Identifiers.Bare(signature.Carried)} in <c>{layer.Gradient}</c>.", "BackwardBatch",
            $", {Runtime}.Mat {seed}, bool {layer.InputGradient}");
        c.Line("{");
        c.Writer.Indent++;
        c.Line(signature.Check);
        c.Line($"if ({workspace}.{taken}) {whenTrue}BackwardBatch({backwardArguments});");
        c.Line($"else {whenFalse}BackwardBatch({backwardArguments});");
        c.Writer.Indent--;
        c.Line("}");
        c.Writer.WriteLineNoTabs(string.Empty);

        foreach (var (form, value) in new[] { (branches.WhenTrue, "true"), (branches.WhenFalse, "false") })
        {
            var formCode = new TensorCode(form) { Writer = outer.Writer, RowLoops = outer.RowLoops };
            var formSignature = new LayerSignature(formCode, loop, new string[0]);
            // The layer's passes have checked the arguments.
            LayerLoopWriter.WritePasses(formCode, formSignature, null, $"{signature.OneLayer} where {xml} is {value}", workspaceType);
        }
        LayerLoopWriter.WriteChecks(outer, c, signature);
    }

    /// <summary>The condition as the comments write it (<c>l &lt; W.Length − 1</c>) and as C# over the layer's parameters.</summary>
    internal static (string Math, string CSharp) Condition(TensorCode c, LayerBranchesPlan branches)
    {
        var dag = c.Dag;
        return (c.Math.PrintDefinition(branches.Condition),
            new CodePrinter(dag, node => dag[node].Op == Op.Input ? dag[node].Name : null, c.Method.QualifyMath).PrintDefinition(branches.Condition));
    }

    /// <summary>
    /// The body of a layer method that runs one of its two forms: the argument check, the condition (kept in
    /// <paramref name="workspace"/>.<paramref name="taken"/> when a later pass needs it) and the call of the form for its value.
    /// </summary>
    internal static void WriteDispatch(TensorCode c, string check, string condition, string csharp, string? workspace, string? taken,
        string whenTrueCall, string whenFalseCall)
    {
        c.Line("{");
        c.Writer.Indent++;
        c.Line(check);
        if (taken is null)
        {
            c.Line($"// {condition}, the same for every sample and element: a branch of the layer, not a select per element.");
        }
        else
        {
            c.Line($"// {taken} = {condition}, the same for every sample and element: a branch of the layer, not a select per element.");
            c.Line($"{workspace}.{taken} = {csharp};");
            csharp = $"{workspace}.{taken}";
        }
        c.Line($"if ({csharp}) {whenTrueCall};");
        c.Line($"else {whenFalseCall};");
        c.Writer.Indent--;
        c.Line("}");
        c.Writer.WriteLineNoTabs(string.Empty);
    }

    internal static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
