using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Planning;
using SymbolicGrad.Generator.Transforms;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>
/// Loops over layers in a model method's Hvp (forward over reverse). Each layer's Hvp (<see cref="LayerLoopHvp"/>) is
/// written as two private methods: a forward pass keeping the layer's values and their tangents in its workspace, and a
/// backward pass that, from ∂L/∂(its output) and that seed's tangent, adds its weights' gradients and their part of H·v
/// into the caller's buffers (slices at each weight's offset) and keeps ∂L/∂(its input) and its tangent for the layer
/// before. The method's forward pass runs the layers first to last, its backward pass last to first, as its gradient does.
/// </summary>
internal static class LayerLoopHvpWriter
{
    private const string Runtime = FileLayout.Runtime;

    /// <summary>A loop over layers (values and tangents), its tangent, or its reverse with its adjoints' tangents, in the method's code.</summary>
    public static void WriteLoop(TensorCode c, Node n, int node, LayerLoopPlan loop)
    {
        switch (n.Op)
        {
            case Op.LayerLoop or Op.LayerLoopTangent:
                LayerLoopWriter.WriteJvpLoop(c, n, node, loop, "Forward");
                return;
            case Op.LayerLoopBackward:
                c.Line("// the layers' backward passes run with their adjoints' tangents (∂layersᵀ, below)");
                return;
        }
        WriteBackwardLoop(c, n, node, loop);
    }

    /// <summary>
    /// The layers' backward passes with their adjoints' tangents, last to first: the last from ∂L/∂(the loop's result)
    /// and its tangent, each earlier one from what the one after kept; the first layer's own where it starts from the data.
    /// </summary>
    private static void WriteBackwardLoop(TensorCode c, Node n, int node, LayerLoopPlan loop)
    {
        var backward = c.Dag[n[0]];
        var layer = loop.Body.Layer!;
        string layers = loop.Workspaces, l = c.Index, count = loop.Loop.Bound + ".Length", data = c.BatchMatrix(backward[1]);
        string seed = c.BatchMatrix(backward[0]), seedTangent = c.BatchMatrix(n[1]);
        string buffers = $", {SecondOrder.ModelHvpParameters[1]}, {SecondOrder.ModelHvpParameters[2]}";
        string Arguments(string index) => $", {index}" + LayerLoopWriter.ElementsAndTangents(loop, index);
        string Seeds(string last, string next) =>
            $", {last} ? {seed} : {next}.{layer.Gradient}, {last} ? {seedTangent} : {next}.{layer.GradientTangent}";
        string body = loop.Body.Method.Name + "Backward";
        // The forward pass declared the layers' workspaces (the same method).
        if (loop.First is { } first)
        {
            string firstLayer = loop.FirstWorkspace!;
            var names = first.Layer!;
            c.Line($"for (int {l} = {count} - 1; {l} >= 1; {l}--) // each layer's adjoints' tangents beside them; its gradient and H·v go into their slices");
            c.Line($"    {body}({layers}[{l}], {l} == 1 ? {firstLayer}.{names.Output} : {layers}[{l} - 1].{layer.Output}, "
                + $"{l} == 1 ? {firstLayer}.{names.Tangent} : {layers}[{l} - 1].{layer.Tangent}{Arguments(l)}{Seeds($"{l} == {count} - 1", $"{layers}[{l} + 1]")}{buffers});");
            c.Line($"{first.Method.Name}Backward({firstLayer}, {data}{Arguments("0")}{Seeds($"{count} == 1", $"{layers}[1]")}{buffers}); // the first layer: nothing needs ∂L/∂(the data)");
            return;
        }
        string dataTangent = c.BatchMatrix(n[2]);
        c.Line($"for (int {l} = {count} - 1; {l} >= 0; {l}--) // each layer's adjoints' tangents beside them; its gradient and H·v go into their slices");
        c.Line($"    {body}({layers}[{l}], {l} == 0 ? {data} : {layers}[{l} - 1].{layer.Output}, {l} == 0 ? {dataTangent} : {layers}[{l} - 1].{layer.Tangent}"
            + $"{Arguments(l)}{Seeds($"{l} == {count} - 1", $"{layers}[{l} + 1]")}{buffers});");
        if (n.Rank == 0) return;
        c.Line($"{layers}[0].{layer.Gradient}.Span.CopyTo({c.Span(n[0])});");
        c.Line($"{layers}[0].{layer.GradientTangent}.Span.CopyTo({c.Span(node)});");
    }

    /// <summary>
    /// The workspace class and the two methods of one layer's Hvp, <paramref name="plan"/> (the loop's, or its first
    /// layer's from the data): the forward pass with tangents, then the backward pass with the adjoints' tangents. Where
    /// the layer has forms per value of a condition of the counter, its forward pass evaluates the condition once, keeps
    /// it and runs that form's forward pass; its backward pass runs the same form's backward pass.
    /// </summary>
    public static void WriteLayer(TensorCode outer, LayerLoopPlan loop, ProgramPlan plan)
    {
        var layer = new HvpLayer(outer, loop, plan);
        var c = layer.Code;
        var branches = loop.BranchesOf(plan);
        WorkspaceWriter.Write(c, $"The buffers of {layer.What} and their tangents, for its Hvp: grown to fit, then reused.", "internal", branches: branches);
        if (branches is null)
        {
            layer.WriteForward(layer.What, layer.Signature.Check, null);
            layer.WriteBackward(layer.What, layer.Signature.Check, null);
            return;
        }
        var signature = layer.Signature;
        var (condition, csharp) = LayerBranchWriter.Condition(c, branches);
        string xml = LayerBranchWriter.Xml(condition), workspace = c.Names.Workspace, workspaceType = c.Method.Name + "Workspace", taken = branches.Taken;
        string whenTrue = branches.WhenTrue.Method.Name, whenFalse = branches.WhenFalse.Method.Name;
        string arguments = $"{workspace}, {signature.Arguments}";
        signature.WriteHeader($"The forward pass of the Hvp of {layer.What}, for a batch: {xml} holds for the whole layer or not at all, so it runs the forward pass of the Hvp of the form for its value ({whenTrue} or {whenFalse}), keeping the value in <c>{taken}</c> for the backward pass.", "Forward");
        LayerBranchWriter.WriteDispatch(c, signature.Check, condition, csharp, workspace, taken, $"{whenTrue}Forward({arguments})", $"{whenFalse}Forward({arguments})");
        signature.WriteHeader($"The backward pass of the Hvp of {layer.What}, after its forward pass: runs the backward pass of the form the forward pass ran (<c>{taken}</c>).", "Backward", layer.BackwardParameters);
        c.Line("{");
        c.Writer.Indent++;
        c.Line(signature.Check);
        string backwardArguments = $"{arguments}, {layer.Seed}, {layer.SeedTangent}, {layer.GradientBuffer}, {layer.HvBuffer}";
        c.Line($"if ({workspace}.{taken}) {whenTrue}Backward({backwardArguments});");
        c.Line($"else {whenFalse}Backward({backwardArguments});");
        c.Writer.Indent--;
        c.Line("}");
        c.Writer.WriteLineNoTabs(string.Empty);
        foreach (var (form, value) in new[] { (branches.WhenTrue, "true"), (branches.WhenFalse, "false") })
        {
            var formLayer = new HvpLayer(outer, loop, form);
            // The layer's passes have checked the arguments.
            formLayer.WriteForward($"{layer.What} where {xml} is {value}", null, workspaceType);
            formLayer.WriteBackward($"{layer.What} where {xml} is {value}", null, workspaceType);
        }
    }

    /// <summary>One layer's Hvp (or one of its forms'), as its methods name and write it.</summary>
    private sealed class HvpLayer
    {
        private readonly ProgramPlan _plan;
        private readonly bool _fromData;

        public HvpLayer(TensorCode outer, LayerLoopPlan loop, ProgramPlan plan)
        {
            _plan = plan;
            var method = plan.Method;
            var body = method.Layer!;
            var original = loop.Loop.Body;
            _fromData = body.CarriedTangent < 0;
            // The layer's parameters: its own (the seed among them), the carried vector's tangent (not from data), the seed's, then the weights' tangents.
            int count = original.Parameters.Count;
            var tangents = method.Parameters.Skip(count + (_fromData ? 1 : 2)).ToList();
            var wrt = method.Parameters.Take(count).Where(p => p.IsDifferentiable).ToList();
            var c = new TensorCode(plan);
            // The buffers keep the model Hvp's names unless the layer's own parameters (the carried vector and the counter,
            // named in the user's loop) or its locals already have them.
            var taken = new NameAllocator();
            foreach (string used in c.Dag.Nodes.Where(n => n.Name is not null).Select(n => n.Name!)
                .Concat(c.Variables.Values.Select(v => v.Name)).Concat(tangents.Select(t => c.View(t.Name))))
            {
                taken.Reserve(used);
            }
            string gradientBuffer = GradientBuffer = taken.Allocate(SecondOrder.ModelHvpParameters[1]), hvBuffer = HvBuffer = taken.Allocate(SecondOrder.ModelHvpParameters[2]);
            Code = new TensorCode(plan)
            {
                Writer = outer.Writer,
                GradientLabel = p => tangents.IndexOf(p) is int k and >= 0 ? $"(H·v)_{Identifiers.Bare(wrt[k].Name)}" : null,
                GradientSpan = p => tangents.IndexOf(p) is int k and >= 0
                    ? $"{hvBuffer}.Slice({wrt[k].Name}.Offset, {wrt[k].Name}.Length)"
                    : $"{gradientBuffer}.Slice({p.Name}.Offset, {p.Name}.Length)",
            };
            var dag = Code.Dag;
            Signature = new LayerSignature(Code, loop, tangents.Select(t => t.Name).ToList());
            Seed = dag[body.Seed].Name!;
            SeedTangent = dag[body.SeedTangent].Name!;
            string h = Identifiers.Bare(Signature.Carried);
            What = _fromData
                ? $"{Signature.FirstLayer}, from {h} = the data (which the direction does not move, and whose gradient nothing needs)"
                : Signature.OneLayer;
            BackwardParameters = $", {Runtime}.Mat {Seed}, {Runtime}.Mat {SeedTangent}, global::System.Span<float> {gradientBuffer}, global::System.Span<float> {hvBuffer}";
        }

        public TensorCode Code { get; }
        public LayerSignature Signature { get; }
        public string What { get; }
        public string Seed { get; }
        public string SeedTangent { get; }
        public string GradientBuffer { get; }
        public string HvBuffer { get; }
        public string BackwardParameters { get; }

        /// <summary>The forward pass with tangents (<paramref name="workspaceType"/>: its layer's class, for a form).</summary>
        public void WriteForward(string what, string? check, string? workspaceType)
        {
            var c = Code;
            var names = _plan.Layer!;
            string h = Identifiers.Bare(Signature.Carried);
            string fromCarried = _fromData ? "" : $", from <paramref name=\"{Identifiers.Bare(Signature.CarriedTangent!)}\"/>, the tangent of {h},";
            Signature.WriteHeader($"The forward pass of the Hvp of {what}, for a batch: its values in <paramref name=\"{Identifiers.Bare(c.Names.Workspace)}\"/>, each value's tangent beside it{fromCarried} and each weight's tangent ({Signature.Weights}, in that order: slices of the direction); keeps its output in <c>{names.Output}</c> and the output's tangent in <c>{names.Tangent}</c>.", "Forward",
                workspaceType: workspaceType);
            LayerLoopWriter.WriteForwardWithTangents(c, Signature, _plan.Forward, "along v", names.Output, names.Tangent!, check);
            c.Writer.WriteLineNoTabs(string.Empty);
        }

        /// <summary>The backward pass with the adjoints' tangents (<paramref name="workspaceType"/>: its layer's class, for a form).</summary>
        public void WriteBackward(string what, string? check, string? workspaceType)
        {
            var c = Code;
            var dag = c.Dag;
            var names = _plan.Layer!;
            var body = _plan.Method.Layer!;
            string workspace = c.Names.Workspace, h = Identifiers.Bare(Signature.Carried), counter = Signature.Counter;
            string handsBack = _fromData ? "" : $"; keeps ∂L/∂{h} in <c>{names.Gradient}</c> and its tangent in <c>{names.GradientTangent}</c>";
            Signature.WriteHeader($"The backward pass of the Hvp of {what}, after its forward pass: from <paramref name=\"{Identifiers.Bare(Seed)}\"/> = ∂L/∂(its output) and <paramref name=\"{Identifiers.Bare(SeedTangent)}\"/>, its tangent, adds its weights' gradients into <paramref name=\"{GradientBuffer}\"/> and their part of H·v into <paramref name=\"{HvBuffer}\"/>, each at the weight's offset{handsBack}.", "Backward",
                BackwardParameters, workspaceType);
            var overwritten = new HashSet<int>(c.Overwritten);
            ModelMethodWriter.WritePass(c, check, _plan.Forward.Where(v => !overwritten.Contains(v.Node)), forward: false, () =>
            {
                c.Line($"// Backward pass of {(_fromData ? "the first layer" : $"layer {counter}")}, each adjoint's tangent beside it: dName holds ∂L/∂name and tDName its derivative");
                c.Line("// along v; each weight's slices of gradient and hv are added into once ready.");
                PassWriter.WriteBackward(c);
                if (_fromData) return;
                var length = c.Dim(dag[body.Carried].Shape!.Length);
                string Kept(int node) => c.Variables.ContainsKey(node)
                    ? $"new {Runtime}.Mat({workspace}.{c.Field(node)}, 0, {c.Names.Batch}, {length})"
                    : dag[node].Op == Op.Input ? dag[node].Name! : throw new System.InvalidOperationException("a layer's input gradient is neither stored nor an input");
                c.Line($"{workspace}.{names.Gradient} = {Kept(dag.RootEffects[0])};");
                c.Line($"{workspace}.{names.GradientTangent} = {Kept(_plan.Model.ExtraRoots[1])};");
            }, Signature.DeclaresView);
            c.Writer.WriteLineNoTabs(string.Empty);
        }
    }
}
