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
    /// Why a model method gets no Jvp, or null: convolution and pooling have no forward-mode derivative yet (layers
    /// inside a loop, over layers or not, are refused for the gradient already: SG0063).
    /// </summary>
    public static string? Refusal(MethodModel method)
    {
        if (method.Kind != MethodKind.ModelMethod) return null;
        if (method.Graph.Nodes.Any(n => n.Op == Op.Conv2d)) return "a model method with a convolution (Conv2d), which has no forward-mode derivative yet";
        if (method.Graph.Nodes.Any(n => n.Op == Op.MaxPool2d)) return "a model method with max pooling (MaxPool2d), which has no forward-mode derivative yet";
        return null;
    }

    public static DerivedModel Jvp(MethodModel method)
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
        var layers = method.LayerLoops.Select(loop => LayerLoopJvp.Of(loop.Body)).ToEquatableArray();
        var fromData = method.Graph.Nodes.Where(n => n.Op == Op.LayerLoop && sweep.Tangent(n[0], 0) is null)
            .Select(n => (int)n.Value).ToList();
        var first = method.LayerLoops.Where(loop => fromData.Contains(loop.Index))
            .Select(loop => new FirstLayerModel(loop.Index, LayerLoopJvp.FromData(loop.Body))).ToEquatableArray();
        var model = new GradientModel(derived, graph, graph.Count, EquatableArray<int>.Empty, EquatableArray<AdjointOf>.Empty,
            EquatableArray<NodeName>.Empty, outputs, layers, first);
        return new DerivedModel(DerivedKind.Jvp, method, model, outputs);
    }
}
