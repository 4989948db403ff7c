using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Transforms;

/// <summary>
/// Second derivatives through a loop over a model's layers, forward over reverse: one layer's Hvp is the tangent sweep
/// over that layer's gradient IR (its forward and its backward pass), as <see cref="SecondOrder.ModelHvp"/> sweeps a
/// whole method's. It is written as two layer methods: the forward pass with each value's tangent beside it (kept per
/// layer), and the backward pass from ∂L/∂(its output) and that seed's tangent, which adds its weights' gradients and
/// their part of H·v into the caller's buffers and hands back ∂L/∂(its input) and its tangent to the layer before.
/// </summary>
internal static class LayerLoopHvp
{
    /// <summary>
    /// The Hvp of one layer (<paramref name="body"/>, a loop body's gradient), from the carried vector and its tangent;
    /// where the gradient has forms per value of a condition of the counter, so has the Hvp (each form's Hvp).
    /// </summary>
    public static GradientModel Of(GradientModel body) => Derive(body, fromData: false);

    /// <summary>
    /// The Hvp of the first layer where the loop starts from the data, which the direction does not move and whose
    /// gradient nothing needs: no carried tangent (no W·0), and neither ∂L/∂(the data) nor its tangent.
    /// </summary>
    public static GradientModel FromData(GradientModel body) => Derive(body, fromData: true);

    /// <summary>Why a layer of a loop over layers has no Hvp, or null: its gradient reads an op with no forward-mode derivative yet.</summary>
    public static string? Refusal(GradientModel gradient) =>
        gradient.LayerLoops.Select(SecondOrder.OpWithoutSecondDerivative).FirstOrDefault(op => op is not null) is { } op
            ? $"a model method whose loop over layers uses {op}, which has no second derivative yet"
            : null;

    private static GradientModel Derive(GradientModel gradient, bool fromData)
    {
        var model = DeriveOne(gradient, fromData, out var sweep);
        return LayerBranches.Derived(model, sweep, gradient.Branches, form => DeriveOne(form, fromData, out _));
    }

    private static GradientModel DeriveOne(GradientModel gradient, bool fromData, out TangentSweep swept)
    {
        var body = gradient.Method;
        var layer = body.Layer!;
        var source = gradient.Graph;
        // The layer's effect is ∂L/∂(its carried input), the previous layer's seed (WriteLayer reads the first).
        int inputGradient = source.RootEffects.Count > 0 ? source.RootEffects[0] : -1;
        if (fromData && inputGradient >= 0)
        {
            source = source with
            {
                Regions = source.Regions.Select((r, k) => k == 0 ? r with { Effects = r.Effects.Where(e => e != inputGradient).ToEquatableArray() } : r)
                    .ToEquatableArray(),
            };
            inputGradient = -1;
        }
        var sweep = swept = new TangentSweep(source, 1, gradient.FirstBackwardNode);
        var tangents = DerivedMethods.TangentInputs(body, sweep);
        var b = sweep.Builder;
        // The carried vector's and the seed's tangents: named apart from the layer's parameters, the weights' tangents and the scope.
        var taken = new NameAllocator();
        foreach (string used in body.Parameters.Select(p => p.Name).Concat(body.ScopeNames).Concat(tangents.Select(t => t.Name)).Concat(SecondOrder.ModelHvpParameters))
        {
            taken.Reserve(used);
        }
        int carriedTangent = -1;
        var carriedParameter = fromData ? null : DerivedMethods.LayerTangent(body, sweep, taken, layer.Carried, out carriedTangent);
        var seedParameter = DerivedMethods.LayerTangent(body, sweep, taken, layer.Seed, out int seedTangent);
        sweep.Run();

        int value = sweep.Map(body.Output);
        // A layer reads its weights, which the direction moves: its output always has a tangent.
        int outputTangent = sweep.Tangent(body.Output, 0) ?? throw new System.InvalidOperationException("a layer whose output the direction does not move");
        var roots = new List<int> { outputTangent };
        if (inputGradient >= 0)
        {
            var shape = b[sweep.Map(inputGradient)].Shape!;
            roots.Add(sweep.Tangent(inputGradient, 0) ?? b.Structural(Op.Broadcast, ScalarKind.Single, shape, null, b.Zero(ScalarKind.Single)));
        }
        var wrt = body.Parameters.Where(p => p.IsDifferentiable).ToList();
        var gradients = gradient.Gradients.Select(sweep.Map).ToList();
        var hv = wrt.Select((p, k) => sweep.Tangent(gradient.Gradients[k], 0) ?? b.Zero(p.Kind)).ToList();
        var (locals, recomputed, adjoints) = DerivedMethods.Names(body, gradient, sweep, 1, (name, _) => DerivedMethods.TangentName(name));
        var graph = b.ToDag();
        // The layer's own parameters (weights keep their gradients, which go into the caller's buffer), the carried
        // vector's tangent (not from data), the seed's, then the weights' tangents, whose "gradients" are H·v's parts.
        var own = body.Parameters.Select(p => p with { Input = sweep.Map(p.Input) });
        var extra = carriedParameter is null ? new[] { seedParameter } : new[] { carriedParameter, seedParameter };
        var hvBuffers = tangents.Select((t, k) => t with { IsDifferentiable = true, IsField = true, GradientName = DerivedMethods.HvName(NameAllocator.Bare(wrt[k].Name)) });
        string stem = body.Name + (fromData ? "HvpFromData" : "Hvp"), name = stem;
        for (int k = 2; new[] { "", "Workspace", "Forward", "Backward" }.Any(s => body.ScopeNames.Contains(name + s)); k++) name = stem + k;
        var derived = DerivedMethods.Derive(body, name, own.Concat(extra).Concat(hvBuffers), graph, value, locals, SecondOrder.ModelHvpParameters, sweep)
            with { Layer = new LayerBody(sweep.Map(layer.Carried), sweep.Map(layer.Seed), sweep.Map(layer.Counter), carriedTangent, SeedTangent: seedTangent) };
        return new GradientModel(derived, graph, sweep.FirstBackward, gradients.Concat(hv).ToEquatableArray(), adjoints.ToEquatableArray(),
            recomputed.ToEquatableArray(), roots.ToEquatableArray()) { IntoCallerBuffers = true };
    }
}
