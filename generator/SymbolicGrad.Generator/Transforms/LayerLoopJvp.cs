using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Transforms;

/// <summary>
/// Forward mode through a loop over a model's layers: one layer's Jvp, a layer method of its own that takes the carried
/// vector and its tangent (and the layer's weights and their tangents, slices of the direction) and gives the next
/// vector and its tangent. The method's Jvp runs it layer by layer, as its gradient runs the layers' passes.
/// </summary>
internal static class LayerLoopJvp
{
    /// <summary>
    /// The Jvp of one layer (<paramref name="body"/>, the body of a loop over layers), as a model the planner schedules;
    /// where its gradient has forms per value of a condition of the counter (<paramref name="branches"/>), so has the Jvp.
    /// </summary>
    public static GradientModel Of(MethodModel body, LayerBranchesModel? branches = null) => Derive(body, fromData: false, branches);

    /// <summary>
    /// The Jvp of the first layer where the direction does not move the loop's first vector (the data): the same layer
    /// without the carried vector's tangent, so no term of a zero tangent is computed (no W·0).
    /// </summary>
    public static GradientModel FromData(MethodModel body, LayerBranchesModel? branches = null) => Derive(body, fromData: true, branches);

    private static GradientModel Derive(MethodModel body, bool fromData, LayerBranchesModel? branches)
    {
        var layer = body.Layer!;
        var sweep = new TangentSweep(body.Graph, directions: 1);
        var tangents = DerivedMethods.TangentInputs(body, sweep);
        // The carried vector's tangent: named apart from the layer's parameters, the weights' tangents and the scope.
        var taken = new NameAllocator();
        foreach (string used in body.Parameters.Select(p => p.Name).Concat(body.ScopeNames).Concat(tangents.Select(t => t.Name))) taken.Reserve(used);
        int carriedTangent = -1;
        var carriedParameter = fromData ? null : DerivedMethods.LayerTangent(body, sweep, taken, layer.Carried, out carriedTangent);
        sweep.Run();
        var b = sweep.Builder;
        int value = sweep.Map(body.Output);
        var shape = b[value].Shape!;
        int tangent = sweep.Tangent(body.Output, 0) ?? b.Structural(Op.Broadcast, ScalarKind.Single, shape, null, b.Zero(ScalarKind.Single));
        var (locals, _, _) = DerivedMethods.Names(body, null, sweep, 1, (name, _) => DerivedMethods.TangentName(name));
        var graph = b.ToDag();
        // The layer's own parameters (no backward seed), the carried vector's tangent (not from data), then the weights' tangents.
        var own = body.Parameters.Where(p => p.Input != layer.Seed)
            .Select(p => p with { IsDifferentiable = false, IsField = false, Input = sweep.Map(p.Input) });
        var parameters = (carriedParameter is null ? own : own.Append(carriedParameter)).Concat(tangents);
        string stem = body.Name + (fromData ? "JvpFromData" : "Jvp"), name = stem;
        for (int k = 2; body.ScopeNames.Contains(name) || body.ScopeNames.Contains(name + "Workspace"); k++) name = stem + k;
        var derived = DerivedMethods.Derive(body, name, parameters, graph, value, locals, System.Array.Empty<string>(), sweep)
            with { Layer = new LayerBody(sweep.Map(layer.Carried), -1, sweep.Map(layer.Counter), carriedTangent, Jvp: true) };
        var model = new GradientModel(derived, graph, graph.Count, EquatableArray<int>.Empty, EquatableArray<AdjointOf>.Empty,
            EquatableArray<NodeName>.Empty, new EquatableArray<int>(new[] { tangent }));
        return LayerBranches.Derived(model, sweep, branches, form => Derive(form.Method, fromData, null));
    }
}
