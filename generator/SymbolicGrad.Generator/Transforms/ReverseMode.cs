using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Transforms;

/// <summary>
/// The transform stage: reverse-mode accumulation on the IR. Walking the forward nodes from the output back to the
/// inputs, each active node's adjoint is the sum of the contributions its users sent it, and it sends its own operands
/// the contributions of their ops' pullbacks (<see cref="OpDef.Pullback"/>). A loop is reversed as a whole by
/// <see cref="AdjointSweep"/>. The adjoints are new nodes, hash-consed with the forward ones, so the backward pass
/// reuses every forward value it can.
/// </summary>
internal static class ReverseMode
{
    public static TransformResult Differentiate(LoweringResult parse)
    {
        if (parse.Method is not { } method) return new TransformResult(null, parse.Diagnostics);
        try
        {
            return Differentiate(method, parse.Diagnostics);
        }
        catch (System.Exception exception)
        {
            // The generator never throws: a bug here becomes a diagnostic on the method.
            var error = DiagnosticInfo.Create(DiagnosticCatalogue.InternalError, method.Location, method.Name,
                exception.GetType().Name + ": " + exception.Message);
            return new TransformResult(null, parse.Diagnostics.Append(error).ToEquatableArray());
        }
    }

    private static TransformResult Differentiate(MethodModel method, EquatableArray<DiagnosticInfo> earlier)
    {
        var builder = new GraphBuilder(method.Graph);
        // Every loop's trip count is a forward value (the reverse loop runs that many times): make each a forward node.
        foreach (var loop in Enumerable.Range(0, builder.Count).Where(id => builder[id].Op == Op.Loop).ToList()) builder.LoopTrips(loop);
        int firstBackward = builder.Count;
        builder.BuildingDerivatives = true;
        var activity = Activity.Analyse(method);
        // A model method's loops over layers are differentiated as methods of their own (one layer each).
        var layerLoops = method.LayerLoops.Select(loop => WithBranches(Differentiate(loop.Body, EquatableArray<DiagnosticInfo>.Empty), loop.Body)).ToList();
        foreach (var body in layerLoops) earlier = earlier.Concat(body.Diagnostics).ToEquatableArray();
        if (layerLoops.Any(l => l.Model is null)) return new TransformResult(null, earlier);
        var diagnostics = earlier.ToList();
        foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiable && !activity.IsUseful(p.Input)))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.UnusedParameter, parameter.Location, method.Name, parameter.Name.TrimStart('@')));
        }

        var sweep = new AdjointSweep(builder, activity, method.Graph);
        if (method.Layer is { } layer)
        {
            // One layer of a loop over layers: seeded by ∂L/∂(its output), a vector of each sample's values; it hands back
            // ∂L/∂(its carried input), which the previous layer's backward pass starts from.
            sweep.SeedWith(method.Output, layer.Seed);
            sweep.Run(method.Output);
            if (sweep.AdjointOf(layer.Carried) is int carried) builder.AddEffect(carried);
        }
        else
        {
            if (activity.IsActive(method.Output))
            {
                // A model method's result is the mean over the batch: each sample's loss is weighted 1/B.
                int seed = method.Kind == MethodKind.ModelMethod ? builder.SampleWeight() : builder.One(builder.KindOf(method.Output));
                sweep.Seed(method.Output, seed);
            }
            sweep.Run(method.Output);
        }
        // A loop over layers runs its layers' backward passes even where nothing before it needs the gradient of its
        // input: they add the layers' parameters' gradients.
        for (int id = 0; id < firstBackward; id++)
        {
            if (builder[id].Op != Op.LayerLoop || sweep.AdjointOf(id) is not int adjoint) continue;
            int first = builder[id][0];
            var shape = activity.IsActive(first) ? builder[first].Shape!.WithBatched(true) : Shape.BatchedScalar;
            builder.AddEffect(builder.Rebuild(new Node(Op.LayerLoopBackward, ScalarKind.Single, new EquatableArray<int>(new[] { adjoint, first }), shape,
                builder[id].Value)));
        }

        var gradients = method.Parameters
            .Where(p => p.IsDifferentiable)
            .Select(p => !p.IsArray && sweep.AdjointOf(p.Input) is int g ? g : builder.Zero(p.Kind))
            .ToEquatableArray();
        var names = method.LocalNames.GroupBy(n => n.Node).ToDictionary(g => g.Key, g => g.First().Name);
        var recomputed = sweep.Copies.Where(c => names.ContainsKey(c.Original)).Select(c => new NodeName(c.Copy, names[c.Original]));
        var model = new GradientModel(method, builder.ToDag(), firstBackward, gradients, sweep.Named.ToEquatableArray(), recomputed.ToEquatableArray(),
            LayerLoops: layerLoops.Select(l => l.Model!).ToEquatableArray());
        return new TransformResult(model, diagnostics.ToEquatableArray());
    }

    /// <summary>A layer's gradient with its forms per value of a condition of the counter, where it has one (<see cref="LayerBranches"/>).</summary>
    private static TransformResult WithBranches(TransformResult layer, MethodModel body) =>
        layer.Model is { } model && LayerBranches.Of(body, form => Differentiate(form, EquatableArray<DiagnosticInfo>.Empty).Model) is { } branches
            ? layer with { Model = model with { Branches = branches } }
            : layer;
}
