using System.Linq;
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
        var derived = DerivedMethods.Derive(method, method.Name + "Jvp", parameters, graph, value, locals, new[] { TangentOutput }, sweep);
        var outputs = new EquatableArray<int>(new[] { tangent });
        var model = new GradientModel(derived, graph, graph.Count, EquatableArray<int>.Empty, EquatableArray<AdjointOf>.Empty,
            EquatableArray<NodeName>.Empty, outputs);
        return new DerivedModel(DerivedKind.Jvp, method, model, outputs);
    }
}
