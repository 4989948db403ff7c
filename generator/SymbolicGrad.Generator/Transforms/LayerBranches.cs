using System;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Transforms;

/// <summary>
/// A select in one layer of a loop over layers whose condition reads only the counter, constants and lengths
/// (<c>h = l &lt; W.Length - 1 ? Relu(z) : z</c>) has the same value for every element of the layer: it picks a branch,
/// not an element. The layer is then also differentiated once per value of the condition, each form with the select
/// folded to the branch it takes, so a layer computes only its branch (one fused bias + ReLU pass, or the bias alone)
/// and its backward pass only that branch's adjoints: the arithmetic of the same layer written without the condition.
/// </summary>
internal static class LayerBranches
{
    /// <summary>The layer's two forms, differentiated by <paramref name="differentiate"/>; null when it has no such select.</summary>
    public static LayerBranchesModel? Of(MethodModel body, Func<MethodModel, GradientModel?> differentiate)
    {
        try
        {
            return Split(body, differentiate);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The forms only make the layer faster: where they cannot be built, its one form (selects per element) stays.
            return null;
        }
    }

    /// <summary>
    /// A layer's Jvp or Hvp (<paramref name="layer"/>, swept by <paramref name="sweep"/> from the layer or its gradient)
    /// with the forms its gradient has (<paramref name="branches"/>), each form's own derived by <paramref name="derive"/>:
    /// the condition is the same node, so the layer's forward sweep evaluates it once and runs that form's code. Where the
    /// gradient has no forms, or a form's cannot be derived, the layer keeps its one form.
    /// </summary>
    public static GradientModel Derived(GradientModel layer, TangentSweep sweep, LayerBranchesModel? branches, Func<GradientModel, GradientModel> derive)
    {
        if (branches is null) return layer;
        try
        {
            int condition = sweep.Map(branches.Condition);
            if (layer.Graph[condition].Op == Op.Constant) return layer;
            return layer with { Branches = new LayerBranchesModel(condition, derive(branches.WhenTrue), derive(branches.WhenFalse)) };
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return layer;
        }
    }

    private static LayerBranchesModel? Split(MethodModel body, Func<MethodModel, GradientModel?> differentiate)
    {
        if (UniformCondition(body) is not int condition) return null;
        if (Specialize(body, condition, true, "Then") is not { } whenTrue || Specialize(body, condition, false, "Else") is not { } whenFalse) return null;
        if (differentiate(whenTrue) is not { } trueModel || differentiate(whenFalse) is not { } falseModel) return null;
        return new LayerBranchesModel(condition, trueModel, falseModel);
    }

    /// <summary>
    /// The first condition of a select between vectors that is the same for the whole layer: a bool of no sample and no
    /// element computed from the counter, constants and lengths only.
    /// </summary>
    private static int? UniformCondition(MethodModel body)
    {
        var dag = body.Graph;
        if (body.Layer is not { } layer || dag.Regions.Count != 1 || dag.RootEffects.Count > 0 || body.Prediction is not null) return null;
        var reachable = dag.Reachable(new[] { body.Output });
        var uniform = new bool[dag.Count];
        for (int id = 0; id < dag.Count; id++)
        {
            var n = dag[id];
            if (n.Rank != 0 || n.Batched || n.Kind is not (ScalarKind.Int32 or ScalarKind.Boolean) || n.Body >= 0 || n.Ref >= 0) continue;
            uniform[id] = n.Arity == 0
                ? n.Op is Op.Constant or Op.Length or Op.External || id == layer.Counter
                : n.Args.All(a => uniform[a]);
        }
        for (int id = 0; id < dag.Count; id++)
        {
            var n = dag[id];
            if (reachable[id] && n.Op == Op.Select && n.Rank > 0 && uniform[n[0]] && dag[n[0]].Kind == ScalarKind.Boolean && !dag[n[0]].IsConstant)
            {
                return n[0];
            }
        }
        return null;
    }

    /// <summary>The layer with <paramref name="condition"/> replaced by <paramref name="value"/>, every node built again (so its selects fold).</summary>
    private static MethodModel? Specialize(MethodModel body, int condition, bool value, string suffix)
    {
        var dag = body.Graph;
        var layer = body.Layer!;
        var b = new GraphBuilder();
        var map = new int[dag.Count];
        for (int id = 0; id < dag.Count; id++)
        {
            var n = dag[id];
            map[id] = id == condition
                ? b.Constant(value ? 1 : 0, ScalarKind.Boolean)
                : b.Rebuild(n with { Args = n.Args.Select(a => map[a]).ToEquatableArray(), Region = 0 });
        }
        string name = body.Name + suffix;
        if (body.ScopeNames.Contains(name) || body.ScopeNames.Contains(name + "ForwardBatch") || body.ScopeNames.Contains(name + "BackwardBatch")) return null;
        return body with
        {
            Name = name,
            Graph = b.ToDag(),
            Output = map[body.Output],
            Parameters = body.Parameters.Select(p => p with { Input = map[p.Input] }).ToEquatableArray(),
            LocalNames = body.LocalNames.Select(l => l with { Node = map[l.Node] }).ToEquatableArray(),
            Layer = layer with { Carried = map[layer.Carried], Seed = map[layer.Seed], Counter = map[layer.Counter] },
        };
    }
}
