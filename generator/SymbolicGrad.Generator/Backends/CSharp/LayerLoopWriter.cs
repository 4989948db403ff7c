using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>
/// Loops over a model's layers. Each layer is written as private methods of its own, from its plan — a forward pass
/// keeping its values in a workspace of the layer's, a backward pass adding its parameters' gradients through the
/// parameter store — and the method's passes call them layer by layer: forward first to last, backward last to first.
/// The method's workspace holds one layer workspace per layer (grown to the number of layers, then reused), so the
/// backward pass reads every layer's activations without recomputing them, and concurrent calls share nothing.
/// </summary>
internal static class LayerLoopWriter
{
    private const string Runtime = FileLayout.Runtime;

    private static LayerLoopPlan PlanOf(TensorCode c, Node n) => c.Plan.LayerLoops[(int)n.Value];

    /// <summary>A loop over layers (forward) or its reverse (backward), in the method's pass.</summary>
    public static void WriteLoop(TensorCode c, Node n, int node)
    {
        var loop = PlanOf(c, n);
        var body = loop.Body;
        var layer = body.Layer!;
        string workspace = c.Names.Workspace, layers = loop.Workspaces, l = c.Index, count = loop.Loop.Bound + ".Length";
        string forward = body.Method.Name + "ForwardBatch", backward = body.Method.Name + "BackwardBatch";
        string elements = string.Concat(loop.Loop.Elements.Select(e => $", {e.Array}[{l}]"));
        if (body.Method.Layer!.IsHvp)
        {
            LayerLoopHvpWriter.WriteLoop(c, n, node, loop);
            return;
        }
        if (body.Method.Layer!.IsJvp)
        {
            WriteJvpLoop(c, n, node, loop);
            return;
        }
        if (n.Op == Op.LayerLoop)
        {
            c.Line($"var {layers} = {workspace}.{layers} = {Runtime}.CompilerServices.Workspace.Fill({workspace}.{layers}, {count});");
            c.Line($"for (int {l} = 0; {l} < {count}; {l}++)");
            c.Line($"    {forward}({layers}[{l}], {l} == 0 ? {c.BatchMatrix(n[0])} : {layers}[{l} - 1].{layer.Output}, {l}{elements});");
            c.Line($"{layers}[{count} - 1].{layer.Output}.Span.CopyTo({c.Span(node)});");
            return;
        }
        // Backward: the last layer starts from ∂L/∂(the loop's result), each earlier one from the gradient of the input of the one after.
        bool input = n.Rank > 0;
        c.Line($"var {layers} = {workspace}.{layers};");
        c.Line($"for (int {l} = {count} - 1; {l} >= 0; {l}--)");
        c.Line($"    {backward}({layers}[{l}], {l} == 0 ? {c.BatchMatrix(n[1])} : {layers}[{l} - 1].{layer.Output}, {l}{elements}, "
            + $"{l} == {count} - 1 ? {c.BatchMatrix(n[0])} : {layers}[{l} + 1].{layer.Gradient}, {(input ? "true" : $"{l} > 0")});");
        if (input) c.Line($"{layers}[0].{layer.Gradient}.Span.CopyTo({c.Span(node)});");
    }

    /// <summary>
    /// In a model method's Jvp, the loop (its value) runs each layer's Jvp, from the previous layer's value and tangent
    /// (the first from the loop's first carried vector and its tangent), each weight's tangent its slice of the
    /// direction; the loop's tangent (<see cref="Op.LayerLoopTangent"/>) is then the last layer's. Where the loop starts
    /// from the data (a tangent node without a second operand), the first layer runs its Jvp from the data, which has no
    /// input tangent, and the loop runs the others. A model Hvp's layers run the forward passes of their Hvps
    /// (<paramref name="suffix"/> "Forward"), which keep the output's tangent apart from the gradient.
    /// </summary>
    internal static void WriteJvpLoop(TensorCode c, Node n, int node, LayerLoopPlan loop, string suffix = "")
    {
        var layer = loop.Body.Layer!;
        string tangentOf(LayerNames names) => names.Tangent ?? names.Gradient;
        string workspace = c.Names.Workspace, layers = loop.Workspaces, l = c.Index, count = loop.Loop.Bound + ".Length";
        if (loop.First is { } first)
        {
            string firstLayer = loop.FirstWorkspace!;
            var names = first.Layer!;
            // The last layer's workspace: the first's where there is one layer.
            string last(string field, string firstField) => $"({count} == 1 ? {workspace}.{firstLayer}.{firstField} : {workspace}.{layers}[{count} - 1].{field})";
            if (n.Op == Op.LayerLoopTangent)
            {
                c.Line($"{last(tangentOf(layer), tangentOf(names))}.Span.CopyTo({c.Span(node)});");
                return;
            }
            c.Line($"var {firstLayer} = {workspace}.{firstLayer};");
            c.Line($"{first.Method.Name}{suffix}({firstLayer}, {c.BatchMatrix(n[0])}, 0{ElementsAndTangents(loop, "0")}); // the first layer from the data, which the direction does not move");
            c.Line($"var {layers} = {workspace}.{layers} = {Runtime}.CompilerServices.Workspace.Fill({workspace}.{layers}, {count}); // entry 0 unused: the first layer's is apart");
            c.Line($"for (int {l} = 1; {l} < {count}; {l}++) // each layer's tangent beside its value; a weight's tangent is its slice of the direction");
            c.Line($"    {loop.Body.Method.Name}{suffix}({layers}[{l}], {l} == 1 ? {firstLayer}.{names.Output} : {layers}[{l} - 1].{layer.Output}, "
                + $"{l} == 1 ? {firstLayer}.{tangentOf(names)} : {layers}[{l} - 1].{tangentOf(layer)}, {l}{ElementsAndTangents(loop, l)});");
            c.Line($"{last(layer.Output, names.Output)}.Span.CopyTo({c.Span(node)});");
            return;
        }
        if (n.Op == Op.LayerLoopTangent)
        {
            c.Line($"{workspace}.{layers}[{count} - 1].{tangentOf(layer)}.Span.CopyTo({c.Span(node)});");
            return;
        }
        int tangent = Enumerable.Range(0, c.Dag.Count).First(id => c.Dag[id].Op == Op.LayerLoopTangent && c.Dag[id][0] == node);
        string arguments = $"{layers}[{l}], {l} == 0 ? {c.BatchMatrix(n[0])} : {layers}[{l} - 1].{layer.Output}, "
            + $"{l} == 0 ? {c.BatchMatrix(c.Dag[tangent][1])} : {layers}[{l} - 1].{tangentOf(layer)}, {l}{ElementsAndTangents(loop, l)}";
        c.Line($"var {layers} = {workspace}.{layers} = {Runtime}.CompilerServices.Workspace.Fill({workspace}.{layers}, {count});");
        c.Line($"for (int {l} = 0; {l} < {count}; {l}++) // each layer's tangent beside its value; a weight's tangent is its slice of the direction");
        c.Line($"    {loop.Body.Method.Name}{suffix}({arguments});");
        c.Line($"{layers}[{count} - 1].{layer.Output}.Span.CopyTo({c.Span(node)});");
    }

    /// <summary>
    /// A layer's arguments after its counter, in a loop of the method's Jvp or Hvp: its layer arrays' elements at
    /// <paramref name="index"/>, then each weight's tangent, its slice of the direction.
    /// </summary>
    internal static string ElementsAndTangents(LayerLoopPlan loop, string index) =>
        string.Concat(loop.Loop.Elements.Select(e => $", {e.Array}[{index}]"))
        + string.Concat(WeightsOf(loop, index).Select(w => $", {Transforms.ForwardMode.Direction}.Slice({w}.Offset, {w}.Length)"));

    /// <summary>
    /// The weights one layer reads, as the method's code names them (<c>W[i]</c> for an element of a layer array, the
    /// field for a field), in the order of the layer's parameters and of its Jvp's tangents.
    /// </summary>
    public static IEnumerable<string> WeightsOf(LayerLoopPlan loop, string index)
    {
        var elements = loop.Loop.Elements.ToDictionary(e => e.Name, e => e.Array);
        return loop.Loop.Body.Parameters.Where(p => p.IsDifferentiable)
            .Select(p => elements.TryGetValue(p.Name, out var array) ? $"{array}[{index}]" : p.Name);
    }

    /// <summary>
    /// The checks of a loop over layers among the method's: a layer at least (unless <paramref name="boundChecked"/>),
    /// every layer array as long as the bound, then every layer's own check, each from the width the layer before hands
    /// it: a layer that does not fit is refused before any work (a dropout's random stream, a batch norm's running
    /// statistics, an earlier layer's), so a refused call changes nothing.
    /// </summary>
    /// <param name="c">The method's code.</param>
    /// <param name="n">The loop.</param>
    /// <param name="size">How the method's check writes a length (its local, or the expression itself).</param>
    /// <param name="boundChecked">Whether the layer count was checked already.</param>
    public static void WriteChecks(TensorCode c, Node n, System.Func<Dim, string> size, bool boundChecked = false)
    {
        var plan = PlanOf(c, n);
        var loop = plan.Loop;
        string bound = loop.Bound, name = c.Method.Name, l = c.Index, width = c.Names.Width;
        if (!boundChecked) WriteBoundCheck(c, n);
        foreach (var array in loop.Elements.Select(e => e.Array).Distinct().Where(a => a != bound))
        {
            c.Line($"if ({array}.Length < {bound}.Length) throw new global::System.ArgumentException($\"{name}: the loop over {Identifiers.Bare(bound)} runs {{{bound}.Length}} layers but {Identifiers.Bare(array)} has {{{array}.Length}}.\");");
        }
        string elements = string.Concat(loop.Elements.Select(e => $", {e.Array}[{l}]"));
        c.Line($"for (int {l} = 0, {width} = {size(c.Dag[n[0]].Shape!.Length)}; {l} < {bound}.Length; {l}++) // every layer fits the one before it, before any work");
        c.Line($"    {width} = {loop.Body.Name}CheckArguments({width}, {l}{elements});");
    }

    /// <summary>The check that a loop over layers has a layer to run, written before anything reads its last layer.</summary>
    public static void WriteBoundCheck(TensorCode c, Node n)
    {
        string bound = PlanOf(c, n).Loop.Bound, name = c.Method.Name;
        c.Line($"if ({bound}.Length == 0) throw new global::System.ArgumentException(\"{name}: the loop over {Identifiers.Bare(bound)} has no layer to run: {Identifiers.Bare(bound)} is empty.\");");
    }

    /// <summary>
    /// The workspace class and the method of one layer's Jvp (forward mode), <paramref name="plan"/> (the loop's layer
    /// Jvp or its first layer's from the data): the layer's forward pass with each value's tangent beside it, from the
    /// carried vector and its tangent (none from the data), each weight's tangent a span (its slice of the direction);
    /// it keeps the output and the output's tangent for the next layer. Where the layer has forms per value of a condition
    /// of the counter, the layer's Jvp evaluates the condition once and runs the Jvp of that form.
    /// </summary>
    public static void WriteLayerJvp(TensorCode outer, LayerLoopPlan loop, ProgramPlan plan)
    {
        var c = new TensorCode(plan) { Writer = outer.Writer };
        var signature = JvpSignature(c, loop);
        var branches = loop.BranchesOf(plan);
        string what = signature.CarriedTangent is null ? signature.FirstLayer : signature.OneLayer;
        string forJvp = signature.CarriedTangent is null ? "for its Jvp from the data" : "for its Jvp";
        WorkspaceWriter.Write(c, $"The buffers of {what} and their tangents, {forJvp}: grown to fit, then reused.", "internal", branches: branches);
        if (branches is null)
        {
            WriteJvp(c, signature, what, signature.Check, null);
            return;
        }
        // The condition holds for the whole layer or not at all: the layer's Jvp runs the Jvp of the form for its value.
        var (condition, csharp) = LayerBranchWriter.Condition(c, branches);
        string xml = LayerBranchWriter.Xml(condition), workspace = c.Names.Workspace, workspaceType = c.Method.Name + "Workspace";
        string whenTrue = branches.WhenTrue.Method.Name, whenFalse = branches.WhenFalse.Method.Name;
        signature.WriteHeader($"The Jvp of {what} (forward mode), for a batch: {xml} holds for the whole layer or not at all, so it runs the Jvp of the form for its value ({whenTrue} or {whenFalse}), which keeps its values and their tangents in <paramref name=\"{Identifiers.Bare(workspace)}\"/>, its output in <c>{plan.Layer!.Output}</c> and the output's tangent in <c>{plan.Layer!.Gradient}</c>.", "");
        LayerBranchWriter.WriteDispatch(c, signature.Check, condition, csharp, null, null,
            $"{whenTrue}({workspace}, {signature.Arguments})", $"{whenFalse}({workspace}, {signature.Arguments})");
        foreach (var (form, value) in new[] { (branches.WhenTrue, "true"), (branches.WhenFalse, "false") })
        {
            var formCode = new TensorCode(form) { Writer = outer.Writer };
            // The layer's Jvp has checked the arguments.
            WriteJvp(formCode, JvpSignature(formCode, loop), $"{what} where {xml} is {value}", null, workspaceType);
        }
    }

    /// <summary>The signature of a layer's Jvp (or of one of its forms'): the weights' tangents follow the layer's own parameters and the carried vector's tangent.</summary>
    private static LayerSignature JvpSignature(TensorCode c, LayerLoopPlan loop)
    {
        var method = c.Method;
        bool fromData = method.Layer!.CarriedTangent < 0;
        var original = loop.Loop.Body;
        int first = original.Parameters.Count(p => p.Input != original.Layer!.Seed) + (fromData ? 0 : 1);
        return new LayerSignature(c, loop, method.Parameters.Skip(first).Select(p => p.Name).ToList());
    }

    /// <summary>
    /// The method of a layer's Jvp (or of one of its forms', with <paramref name="workspaceType"/> its layer's workspace
    /// class and no <paramref name="check"/>): the forward pass with each value's tangent beside it.
    /// </summary>
    private static void WriteJvp(TensorCode c, LayerSignature signature, string what, string? check, string? workspaceType)
    {
        var layer = c.Plan.Layer!;
        string h = Identifiers.Bare(signature.Carried), workspace = Identifiers.Bare(c.Names.Workspace);
        string keeps = $"keeps its output in <c>{layer.Output}</c> and the output's tangent in <c>{layer.Gradient}</c>";
        if (signature.CarriedTangent is null)
        {
            signature.WriteHeader($"The Jvp of {what} (forward mode), for a batch, from {h} = the data, which the direction does not move (so no term of its tangent is computed): its values in <paramref name=\"{workspace}\"/>, each value's tangent beside it, from each weight's tangent ({signature.Weights}, in that order: slices of the direction); {keeps}.", "",
                workspaceType: workspaceType);
        }
        else
        {
            signature.WriteHeader($"The Jvp of {what} (forward mode), for a batch: its values in <paramref name=\"{workspace}\"/>, each value's tangent beside it, from <paramref name=\"{Identifiers.Bare(signature.CarriedTangent!)}\"/>, the tangent of {h}, and each weight's tangent ({signature.Weights}, in that order: slices of the direction); {keeps}.", "",
                workspaceType: workspaceType);
        }
        WriteForwardWithTangents(c, signature, c.Plan.Forward.Concat(c.Plan.Backward), "in the direction", layer.Output, layer.Gradient, check);
        c.Writer.WriteLineNoTabs(string.Empty);
    }

    /// <summary>
    /// The forward pass of a layer's Jvp or Hvp: each value with its tangent beside it (<paramref name="along"/> says
    /// along what), then the output and its tangent kept in the workspace's <paramref name="output"/> and
    /// <paramref name="tangent"/> for the next layer.
    /// </summary>
    internal static void WriteForwardWithTangents(TensorCode c, LayerSignature signature, IEnumerable<ScheduledValue> values, string along,
        string output, string tangent, string? check)
    {
        string workspace = c.Names.Workspace;
        ModelMethodWriter.WritePass(c, check, Enumerable.Empty<ScheduledValue>(), forward: true, () =>
        {
            c.Line($"// {(signature.CarriedTangent is null ? "The first layer" : $"Layer {signature.Counter}")}, each value's tangent beside it: tName holds the derivative of name {along}, for every sample {c.Names.Row}.");
            foreach (var value in values)
            {
                PassWriter.Bind(c, value, grow: true);
                PassWriter.WriteValue(c, value);
            }
            var length = c.Dim(c.Dag[c.Method.Output].Shape!.Length);
            c.Line($"{workspace}.{output} = new {Runtime}.Mat({c.Name(c.Method.Output)}, 0, {c.Names.Batch}, {length});");
            c.Line($"{workspace}.{tangent} = new {Runtime}.Mat({c.Name(c.Plan.Model.ExtraRoots[0])}, 0, {c.Names.Batch}, {length});");
        }, signature.DeclaresView);
    }

    /// <summary>The workspace class and the methods of one layer.</summary>
    public static void WriteLayer(TensorCode outer, LayerLoopPlan loop)
    {
        if (loop.Branches is { } branches)
        {
            LayerBranchWriter.WriteLayer(outer, loop, branches);
            return;
        }
        var c = new TensorCode(loop.Body) { Writer = outer.Writer, RowLoops = outer.RowLoops }; // a layer's batched element loops run over rows on the pool too, as the method's own do
        var signature = new LayerSignature(c, loop, new string[0]);
        WorkspaceWriter.Write(c, $"The buffers of {signature.OneLayer}, for a batch: grown to the largest batch seen, then reused.", "internal");
        WritePasses(c, signature, signature.Check, signature.OneLayer);
        WriteChecks(outer, c, signature);
    }

    /// <summary>
    /// A layer's forward and backward passes, from the plan <paramref name="c"/> writes (the layer's, or one of its forms
    /// with <paramref name="workspaceType"/>, its layer's workspace class).
    /// </summary>
    internal static void WritePasses(TensorCode c, LayerSignature signature, string? check, string what, string? workspaceType = null)
    {
        var method = c.Method;
        var layer = c.Plan.Layer!;
        var dag = c.Dag;
        var names = c.Names;
        var body = method.Layer!;
        string workspace = names.Workspace;
        string h = signature.Carried, counter = signature.Counter, seed = dag[body.Seed].Name!;

        signature.WriteHeader($"The forward pass of {what}, for a batch (one sample per row): keeps its values in <paramref name=\"{Identifiers.Bare(workspace)}\"/>, its output in <c>{layer.Output}</c>.", "ForwardBatch",
            workspaceType: workspaceType);
        ModelMethodWriter.WritePass(c, check, Enumerable.Empty<ScheduledValue>(), forward: true, () =>
        {
            c.Line($"// Forward pass of layer {counter}, for every sample {names.Row} of the batch.");
            foreach (var value in c.Plan.Forward)
            {
                PassWriter.Bind(c, value, grow: true);
                PassWriter.WriteValue(c, value);
            }
            var output = dag[method.Output];
            c.Line($"{workspace}.{layer.Output} = new {Runtime}.Mat({c.Name(method.Output)}, 0, {names.Batch}, {c.Dim(output.Shape!.Length)});");
        });
        c.Writer.WriteLineNoTabs(string.Empty);

        var effects = dag.RootEffects;
        int gradient = effects.Count > 0 ? effects[0] : -1;
        signature.WriteHeader($"The backward pass of {what}, after its forward pass: from <paramref name=\"{Identifiers.Bare(seed)}\"/> = ∂L/∂(its output), adds its parameters' gradients into <c>Parameters.Gradients</c> and, if <paramref name=\"{layer.InputGradient}\"/>, keeps ∂L/∂{Identifiers.Bare(h)} in <c>{layer.Gradient}</c>.", "BackwardBatch",
            $", {Runtime}.Mat {seed}, bool {layer.InputGradient}", workspaceType);
        var overwritten = new HashSet<int>(c.Overwritten);
        ModelMethodWriter.WritePass(c, check, c.Plan.Forward.Where(v => !overwritten.Contains(v.Node)), forward: false, () =>
        {
            c.Line($"// Backward pass of layer {counter}: each dName holds ∂L/∂name, L the mean loss; each parameter's gradient is added");
            c.Line("// into Parameters.Gradients once its terms are ready, under the lock that makes concurrent calls add one at a time.");
            PassWriter.WriteBackward(c, gradient, layer.InputGradient);
            var length = c.Dim(dag[body.Carried].Shape!.Length);
            string source = gradient < 0 ? "default" : c.Variables.ContainsKey(gradient)
                ? $"new {Runtime}.Mat({workspace}.{c.Field(gradient)}, 0, {names.Batch}, {length})"
                : seed;
            c.Line($"{workspace}.{layer.Gradient} = {layer.InputGradient} ? {source} : default;");
        });
        c.Writer.WriteLineNoTabs(string.Empty);
    }

    /// <summary>
    /// The argument check of a layer: vector lengths, named after the outer method and the layer, from the width of its
    /// input; it returns its output's width, the next layer's input, so the method's own check runs it for every layer
    /// before any work (<see cref="WriteChecks(TensorCode, Node, System.Func{Dim, string}, bool)"/>).
    /// </summary>
    internal static void WriteChecks(TensorCode outer, TensorCode c, LayerSignature signature)
    {
        var carried = c.Dag[c.Method.Layer!.Carried].Shape!.Length;
        string width = signature.CarriedWidth;
        // The carried vector's width is the parameter; every other size is read from the layer's arguments and the model's fields.
        string size(Dim d) => d == carried ? width : DimText.Compose(d, size);
        c.Line($"/// <summary>Throws if the arguments of {signature.OneLayer} do not fit together (vector lengths), its input <c>{Identifiers.Bare(signature.Carried)}</c> of width <paramref name=\"{width}\"/>; returns its output's width, the next layer's input.</summary>");
        c.Line($"private int {c.Method.Name}CheckArguments({signature.CheckParameters})");
        c.Line("{");
        c.Writer.Indent++;
        ArgumentChecks.WriteShapeChecks(c, size, $"{outer.Method.Name}, layer {{{signature.Counter}}}");
        c.Line($"return {size(c.Dag[c.Method.Output].Shape!.Length)};");
        c.Writer.Indent--;
        c.Line("}");
        c.Writer.WriteLineNoTabs(string.Empty);
    }
}
