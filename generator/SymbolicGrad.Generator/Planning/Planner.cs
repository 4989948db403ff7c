using System;
using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Planning;

/// <summary>
/// The planning stage: from the adjoint IR, decides every name, every statement and its order, and for tensor code
/// what is stored in which buffer, what overwrites what, and when each gradient is added — the
/// <see cref="ProgramPlan"/> that writers turn into text.
/// </summary>
internal static class Planner
{
    public static PlanResult Plan(TransformResult result)
    {
        if (result.Model is not { } model) return new PlanResult(null, result.Diagnostics);
        try
        {
            var plan = Plan(model, out var notes);
            return new PlanResult(plan, result.Diagnostics.Concat(notes).ToEquatableArray());
        }
        catch (Exception exception)
        {
            // The generator never throws: a bug here becomes a diagnostic on the method.
            var error = DiagnosticInfo.Create(DiagnosticCatalogue.InternalError, model.Method.Location, model.Method.Name,
                exception.GetType().Name + ": " + exception.Message);
            return new PlanResult(null, result.Diagnostics.Append(error).ToEquatableArray());
        }
    }

    internal static ProgramPlan Plan(GradientModel model, out List<DiagnosticInfo> notes)
    {
        notes = new List<DiagnosticInfo>();
        var method = model.Method;
        var names = NamesInScope(method);

        if (method.Kind == MethodKind.ScalarFunction)
        {
            var generated = GeneratedNamesOf(method, names, tensor: false);
            var schedule = Schedule.Create(model, names, new HashSet<int>(), new HashSet<int>(), generated.SampleWeight);
            notes.AddRange(TapeNotes(model, schedule));
            return Assemble(model, schedule, generated, null);
        }
        var storage = TensorStorage.Analyse(model);
        var tensorNames = GeneratedNamesOf(method, names, tensor: true);
        var layer = method.Layer switch
        {
            null => null,
            // A layer's Jvp keeps its output and the output's tangent, for the next layer.
            { IsJvp: true } => new LayerNames(names.Allocate("output"), names.Allocate("tangent"), ""),
            // A layer's Hvp keeps both, and ∂L/∂(its input) with its tangent, for the previous layer.
            { IsHvp: true } => new LayerNames(names.Allocate("output"), names.Allocate("inputGradient"), "", names.Allocate("tangent"), names.Allocate("inputGradientTangent")),
            _ => new LayerNames(names.Allocate("output"), names.Allocate("gradient"), names.Allocate("inputGradient")),
        };
        // Each loop over layers keeps one workspace of its layer per layer, in the method's workspace.
        // A Jvp's loop whose first vector is the data runs its first layer's Jvp from the data, in a workspace of its own.
        var layerLoops = model.LayerLoops.Zip(method.LayerLoops, (body, loop) =>
        {
            string stem = char.ToLowerInvariant(loop.Body.Name[0]) + loop.Body.Name.Substring(1);
            var plan = new LayerLoopPlan(loop, Plan(body, out _), names.Allocate(stem + "s"));
            if (body.Branches is { } branches) plan = plan with { Branches = LayerBranchPlans.Of(plan.Body, branches) };
            var first = model.FirstLayers.FirstOrDefault(f => f.Loop == loop.Index);
            if (first is null) return plan;
            var firstPlan = Plan(first.Model, out _);
            return plan with
            {
                First = firstPlan,
                FirstWorkspace = names.Allocate(stem + "First"),
                FirstBranches = first.Model.Branches is { } firstBranches ? LayerBranchPlans.Of(firstPlan, firstBranches) : null,
            };
        }).ToEquatableArray();
        var tensorSchedule = Schedule.Create(model, names, storage.Forced, storage.Excluded, tensorNames.SampleWeight);
        var spans = tensorNames.GradientSpans.ToDictionary(g => g.Of, g => g.Name);
        var tensorPlan = storage.Plan(model, tensorSchedule, spans) with { Layers = LayersOf(model, tensorSchedule, names) };
        return Assemble(model, tensorSchedule, tensorNames, tensorPlan) with { LayerLoops = layerLoops, Layer = layer };
    }

    /// <summary>The names layers need (allocated after the values', against the same scope): mode, stream, columns, scratch.</summary>
    private static LayerPlan LayersOf(GradientModel model, Schedule schedule, NameAllocator names)
    {
        var dag = model.Graph;
        var reachable = dag.Reachable(new[] { model.Method.Output }.Concat(model.Gradients));
        var ops = Enumerable.Range(0, dag.Count).Where(id => reachable[id]).Select(id => OpTable.Of(dag[id].Op)).ToList();
        if (!ops.Any(o => o.Is(OpTraits.ReadsMode) || o.Scratch.Length > 0 || o.Op is Op.Conv2d or Op.MaxPool2d)) return LayerPlan.None;
        string? training = ops.Any(o => o.Is(OpTraits.ReadsMode)) ? names.Allocate("training") : null;
        string? stream = ops.Any(o => o.Is(OpTraits.DrawsRandom)) ? names.Allocate("stream") : null;
        string? columns = ops.Any(o => o.Op == Op.Conv2d) ? names.Allocate("columns") : null;
        string geometry = names.Allocate("geometry");
        var scratch = new List<ScratchBuffer>();
        foreach (var value in schedule.Forward.Concat(schedule.Backward))
        {
            var def = OpTable.Of(dag[value.Node].Op);
            if (def.NeedsScratch?.Invoke(dag[value.Node]) == false) continue;
            foreach (var (suffix, type) in def.Scratch)
            {
                scratch.Add(new ScratchBuffer(value.Node, suffix, names.Allocate(NameAllocator.Bare(value.Name) + suffix), type));
            }
        }
        return new LayerPlan(training, stream, columns, geometry, scratch.ToEquatableArray());
    }

    /// <summary>Types generated code names by their simple names (unless the method's file writes them in full).</summary>
    private static readonly string[] TypesUsedBySimpleName = { "Math", "MathF", "System", "Lanes" };

    /// <summary>
    /// An allocator with every name in scope already taken: the members of the type and its base types, the enclosing
    /// types, the members other methods generate, the method's own public generated members, its parameters and the
    /// <c>out</c> or buffer parameters of their gradients, <c>Parameters</c> in a model, and the types the generated
    /// code names (<c>Math</c>, <c>Lanes</c> …). Nothing it hands out can shadow or clash with them.
    /// </summary>
    private static NameAllocator NamesInScope(MethodModel method)
    {
        var names = new NameAllocator();
        foreach (string name in method.ScopeNames) names.Reserve(name);
        foreach (string name in TypesUsedBySimpleName) names.Reserve(name);
        foreach (string name in GeneratedMembers.Public(method.Kind, method.Name)) names.Reserve(name);
        bool model = method.Kind == MethodKind.ModelMethod;
        // Model.Parameters, read by the backward pass.
        if (model) names.Reserve("Parameters");
        foreach (var parameter in method.Parameters)
        {
            // A model's fields are among the names in scope; their gradients are locals, allocated below.
            if (model && parameter.IsField) continue;
            names.Reserve(parameter.Name);
            // The gradient parameters of the generated signature.
            if (parameter.IsDifferentiable) names.Reserve(parameter.GradientName);
        }
        return names;
    }

    private static ProgramPlan Assemble(GradientModel model, Schedule schedule, GeneratedNames names, TensorPlan? tensor) =>
        new(model, schedule.Forward.ToEquatableArray(), schedule.Backward.ToEquatableArray(), schedule.FinalGradients.ToEquatableArray(),
            schedule.ResultName, schedule.ForwardOperations, schedule.BackwardOperations, names, tensor,
            schedule.ForwardCode.ToEquatableArray(), schedule.BackwardCode.ToEquatableArray(),
            schedule.Names.OrderBy(p => p.Key).Select(p => new NodeName(p.Key, p.Value)).ToEquatableArray(), schedule.Tape);

    /// <summary>For each loop the backward pass reverses, what it keeps per iteration (SG0104, information).</summary>
    private static IEnumerable<DiagnosticInfo> TapeNotes(GradientModel model, Schedule schedule)
    {
        var dag = model.Graph;
        var reversed = new HashSet<int>(Enumerable.Range(0, dag.Count).Where(id => dag[id].Op == Op.ReverseLoop).Select(id => dag[id].Ref));
        foreach (var loop in model.Method.Loops.Where(l => reversed.Contains(l.Node) && schedule.TapedBy.ContainsKey(l.Node)))
        {
            var taped = schedule.TapedBy[loop.Node];
            string what = taped.Count == 0
                ? "nothing from a tape: it recomputes what it needs from the loop's counter and the values around the loop"
                : string.Join(", ", taped.Select(t => t.Field)) + $" from a tape, {taped.Sum(t => BytesOf(dag[t.Node].Kind))} bytes per iteration";
            yield return DiagnosticInfo.Create(DiagnosticCatalogue.LoopTape, loop.Location, loop.Keyword, what);
        }
    }

    private static int BytesOf(ScalarKind kind) => kind switch
    {
        ScalarKind.Double => 8,
        ScalarKind.Boolean => 1,
        _ => 4,
    };

    /// <summary>The names of the generated code's own locals, members and parameters, taken before any value's.</summary>
    private static GeneratedNames GeneratedNamesOf(MethodModel method, NameAllocator names, bool tensor)
    {
        if (!tensor)
        {
            return new GeneratedNames("batch", "r", "i", "sum", "total", "loss", "workspace", "sampleWeight", "classes", "logits", "labels",
                "correct", "best", "targets", "accumulateGradient", "", "", "", "Parameters", EquatableArray<NamedInput>.Empty,
                EquatableArray<NamedInput>.Empty, EquatableArray<NamedInput>.Empty, EquatableArray<NamedDim>.Empty);
        }
        string row = names.Allocate("r"), index = names.Allocate("i"), sum = names.Allocate("sum"), batch = names.Allocate("batch");
        string workspace = names.Allocate("workspace"), total = names.Allocate("total"), loss = names.Allocate("loss");
        string labels = names.Allocate("labels"), logits = names.Allocate("logits"), classes = names.Allocate("classes");
        string correct = names.Allocate("correct"), best = names.Allocate("best"), targets = names.Allocate("targets");
        string accumulate = names.Allocate("accumulateGradient"), sampleWeight = names.Allocate("sampleWeight");
        string check = names.Allocate(GeneratedMembers.CheckArguments(method.Name));
        string cached = names.Allocate(GeneratedMembers.CachedWorkspaces(method.Kind, method.Name));
        string backwardUnchecked = method.Kind == MethodKind.ModelMethod ? names.Allocate(GeneratedMembers.BackwardUnchecked(method.Name)) : "";
        string checkWeights = method.Kind == MethodKind.ModelMethod ? names.Allocate(GeneratedMembers.CheckWeights(method.Name)) : "";
        string forwardRows = method.Kind == MethodKind.ModelMethod ? names.Allocate("forwardRows") : "";
        string forwardThread = method.Kind == MethodKind.ModelMethod ? names.Allocate("forwardThread") : "";
        string inUse = method.Kind == MethodKind.ModelMethod ? names.Allocate("inUse") : "";
        var views = method.Parameters.Where(p => method.Graph[p.Input].Rank > 0)
            .Select(p => new NamedInput(p.Name, names.Allocate(NameAllocator.Bare(p.Name).Replace(".", "") + "Values"))).ToList();
        // The local holding each buffered gradient's span: dW1 in a model method, dWValues in a tensor function.
        string suffix = method.Kind == MethodKind.ModelMethod ? "" : "Values";
        var spans = method.Parameters.Where(p => p.IsField).Select(p => new NamedInput(p.Name, names.Allocate(p.GradientName + suffix))).ToList();
        var dims = DimsOf(method.Graph).Select(d => new NamedDim(d, names.Allocate(DimLocal(d)))).ToList();
        string width = method.Graph.Nodes.Any(n => n.Op == Op.LayerLoop) ? names.Allocate("width") : "";

        // What a user's parameter or member of the same name would hide: Model.Parameters, and the generated methods.
        var parameters = new HashSet<string>(method.Parameters.Where(p => !p.IsField).Select(p => NameAllocator.Bare(p.Name)));
        bool hidden = method.Kind == MethodKind.ModelMethod && (method.ScopeNames.Contains("Parameters") || parameters.Contains("Parameters"));
        string parametersAccess = hidden ? "((global::SymbolicGrad.Model)this).Parameters" : "Parameters";
        var calls = GeneratedMembers.Public(method.Kind, method.Name).Append(check).Append(backwardUnchecked).Append(checkWeights).Where(member => member.Length > 0)
            .Select(member => new NamedInput(member, parameters.Contains(member) ? "this." + member : member)).ToList();
        return new GeneratedNames(batch, row, index, sum, total, loss, workspace, sampleWeight, classes, logits, labels, correct, best,
            targets, accumulate, cached, check, backwardUnchecked, parametersAccess, calls.ToEquatableArray(), views.ToEquatableArray(), spans.ToEquatableArray(),
            dims.ToEquatableArray()) { CheckWeights = checkWeights, Width = width, ForwardRows = forwardRows, ForwardThread = forwardThread, InUse = inUse };
    }

    /// <summary>The dimensions tensor code declares as locals: vector lengths, and the rows and columns of matrix inputs.</summary>
    private static IEnumerable<Dim> DimsOf(Dag dag)
    {
        var seen = new List<Dim>();
        foreach (var node in dag.Nodes)
        {
            if (node.Shape is { IsImage: true } image)
            {
                // An image's extents before its length (their product), so the length's declaration can read them.
                foreach (var part in new[] { image.Channels, image.Height, image.Width })
                {
                    if (part is not Dim.Constant && !seen.Contains(part)) seen.Add(part);
                }
            }
            if (node.Shape is { Rank: 1 } shape && !seen.Contains(shape.Length)) seen.Add(shape.Length);
            if (node.Op == Op.Input && node.Shape is { Rank: 2 } matrix)
            {
                foreach (var part in matrix.Dims)
                {
                    if (!seen.Contains(part)) seen.Add(part);
                }
            }
        }
        return seen;
    }

    /// <summary><c>W1.Rows</c> → <c>w1Rows</c>; a sum of extents → <c>n</c>.</summary>
    private static string DimLocal(Dim dim)
    {
        if (dim is Dim.LayerMember member)
        {
            string name = new string((NameAllocator.Bare(member.Layer) + member.Member).Where(char.IsLetterOrDigit).ToArray());
            return char.ToLowerInvariant(name[0]) + name.Substring(1);
        }
        if (dim is Dim.Window) return "side";
        if (dim is not Dim.Extent extent) return "n";
        string last = extent.Tensor.LastOf is null ? "" : "Last";
        string letters = new string((NameAllocator.Bare(extent.Tensor.Name) + last + extent.Axis).Where(char.IsLetterOrDigit).ToArray());
        return char.ToLowerInvariant(letters[0]) + letters.Substring(1);
    }
}
