using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Transforms;

/// <summary>
/// <c>NameJvp</c>: the method's forward pass with each value's tangent beside it (<see cref="TangentSweep"/>, one
/// direction, seeded by the tangent parameters), so ∇f·t comes out of one sweep, no tape, CSE'd with the values.
/// </summary>
internal static class ForwardMode
{
    /// <summary>The name of the Jvp's tangent output.</summary>
    public const string TangentOutput = "tangent";

    /// <summary>The name of a model method's Jvp's direction: one entry per parameter, laid out like <c>Parameters.Values</c>.</summary>
    public const string Direction = "direction";

    /// <summary>
    /// Why a model method gets no Jvp, or null: an op of its forward pass, or of a layer loop's body, with a derivative but
    /// no forward-mode one. Every layer has one now (convolution and pooling included); custom layers, whose pullback
    /// gives none, are SG0058 at the call, and layers inside loops are refused for the gradient already (SG0063), so
    /// this guards ops added later.
    /// </summary>
    public static string? Refusal(MethodModel method)
    {
        if (method.Kind != MethodKind.ModelMethod) return null;
        foreach (var part in method.LayerLoops.Select(l => l.Body).Prepend(method))
        {
            var graph = part.Graph;
            // Only ops the direction moves need a pushforward: those reading a weight, directly or through others.
            var moved = new bool[graph.Count];
            foreach (var parameter in part.Parameters.Where(p => p.IsDifferentiable)) moved[parameter.Input] = true;
            for (int id = 0; id < graph.Count; id++)
            {
                var n = graph[id];
                moved[id] |= n.Args.Any(a => moved[a]);
                var def = OpTable.Of(n.Op);
                if (moved[id] && def.Pullback is not null && def.Pushforward is null) return $"a model method with '{def.Name}', which has no forward-mode derivative yet";
            }
        }
        return null;
    }

    /// <param name="method">The method.</param>
    /// <param name="gradient">Its gradient: where a layer's has forms per value of a condition of the counter, so has the layer's Jvp.</param>
    public static DerivedModel Jvp(MethodModel method, GradientModel? gradient = null)
    {
        var sweep = new TangentSweep(method.Graph, directions: 1);
        var tangents = DerivedMethods.TangentInputs(method, sweep);
        sweep.Run();
        var b = sweep.Builder;
        int value = sweep.Map(method.Output);
        int tangent = sweep.Tangent(method.Output, 0) ?? b.Zero(method.ReturnKind);
        var (locals, _, _) = DerivedMethods.Names(method, null, sweep, 1, (name, _) => DerivedMethods.TangentName(name));
        var graph = b.ToDag();
        var parameters = method.Parameters.Select(p => p with { IsDifferentiable = false, IsField = false, Input = sweep.Map(p.Input) }).Concat(tangents);
        // A model method's Jvp reads its weights' tangents from the direction over all its parameters.
        var generated = method.Kind == MethodKind.ModelMethod ? new[] { TangentOutput, Direction } : new[] { TangentOutput };
        var derived = DerivedMethods.Derive(method, method.Name + "Jvp", parameters, graph, value, locals, generated, sweep);
        var outputs = new EquatableArray<int>(new[] { tangent });
        // Each loop over layers runs its layers' Jvps, each a method of its own. Where the direction does not move the
        // loop's first vector (the data), the first layer runs a Jvp of its own without that vector's tangent.
        LayerBranchesModel? branchesOf(LayerLoopModel loop) =>
            gradient is { LayerLoops: { Count: > 0 } loops } && loop.Index < loops.Count ? loops[loop.Index].Branches : null;
        var layers = method.LayerLoops.Select(loop => LayerLoopJvp.Of(loop.Body, branchesOf(loop))).ToEquatableArray();
        var fromData = method.Graph.Nodes.Where(n => n.Op == Op.LayerLoop && sweep.Tangent(n[0], 0) is null)
            .Select(n => (int)n.Value).ToList();
        var first = method.LayerLoops.Where(loop => fromData.Contains(loop.Index))
            .Select(loop => new FirstLayerModel(loop.Index, LayerLoopJvp.FromData(loop.Body, branchesOf(loop)))).ToEquatableArray();
        var model = new GradientModel(derived, graph, graph.Count, EquatableArray<int>.Empty, EquatableArray<AdjointOf>.Empty,
            EquatableArray<NodeName>.Empty, outputs, layers, first);
        return new DerivedModel(DerivedKind.Jvp, method, model, outputs);
    }
}
