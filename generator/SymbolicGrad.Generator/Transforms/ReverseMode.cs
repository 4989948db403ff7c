using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Transforms;

/// <summary>
/// The differentiate stage: reverse-mode accumulation on the DAG. Walking the forward nodes from the output
/// back to the inputs, each active node's adjoint is the sum of the contributions its users sent it, and it
/// sends its own operands the contributions of their ops' pullbacks (<see cref="OpDef.Pullback"/>). The adjoints are new DAG nodes,
/// hash-consed with the forward ones, so the backward pass reuses every forward value it can.
/// </summary>
internal static class ReverseMode
{
    /// <summary>
    /// A contribution has its user's shape; an operand that was broadcast (a scalar over a vector, a shared
    /// value over the batch) receives the sum over the dimensions it was broadcast along.
    /// </summary>
    private static int Unbroadcast(GraphBuilder b, int contribution, Shape? target)
    {
        var shape = b[contribution].Shape;
        if (shape is null) return contribution;
        int targetRank = target?.Rank ?? 0;
        if (shape.Rank == 1 && targetRank == 0)
        {
            contribution = b.Structural(Op.Sum, ScalarKind.Single, contribution);
            shape = b[contribution].Shape;
        }
        if (shape is { Batched: true } && target is not { Batched: true })
        {
            var reduced = shape.Rank == 0 ? null : shape with { Batched = false };
            contribution = b.Structural(Op.ReduceBatch, ScalarKind.Single, reduced, null, contribution);
        }
        return contribution;
    }

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
        var builder = new GraphBuilder(method.Graph) { BuildingDerivatives = true };
        int firstBackward = builder.Count;
        var activity = Activity.Analyse(method);
        var diagnostics = earlier.ToList();
        foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiable && !activity.IsUseful(p.Input)))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.UnusedParameter, parameter.Location, method.Name, parameter.Name.TrimStart('@')));
        }

        var contributions = new Dictionary<int, List<int>>();
        var adjoints = new Dictionary<int, int>();
        var named = new List<AdjointOf>();
        if (activity.IsActive(method.Output))
        {
            // A model method's result is the mean over the batch: each sample's loss is weighted 1/B.
            int seed = method.Kind == MethodKind.ModelMethod ? builder.SampleWeight() : builder.One(builder.KindOf(method.Output));
            contributions[method.Output] = new List<int> { seed };
        }

        for (int id = method.Output; id >= 0; id--)
        {
            if (!activity.IsActive(id) || !contributions.TryGetValue(id, out var parts)) continue;
            int adjoint = parts.Skip(1).Aggregate(parts[0], builder.Add);
            var shape = builder[id].Shape;
            var adjointShape = builder[adjoint].Shape;
            if (shape is not null && ((adjointShape?.Rank ?? 0) < shape.Rank || (shape.Batched && adjointShape?.Batched != true)))
            {
                // A scalar adjoint of a vector (from a sum) or a shared one of a per-sample value (the 1/B seed):
                // kernels (Wᵀ·g, g·xᵀ) need every element, and a shared operand later sums it over the batch.
                adjoint = builder.Structural(Op.Broadcast, builder.KindOf(id), shape, null, adjoint);
            }
            adjoints[id] = adjoint;
            named.Add(new AdjointOf(adjoint, id));

            var node = builder[id];
            for (int operand = 0; operand < node.Arity; operand++)
            {
                int argument = node[operand];
                if (!activity.IsActive(argument)) continue;
                int? contribution = OpTable.Of(node.Op).Pullback?.Invoke(builder, id, operand, adjoint);
                if (contribution is not int c || builder[c].IsConstantValue(0)) continue;
                c = Unbroadcast(builder, c, builder[argument].Shape);
                if (!contributions.TryGetValue(argument, out var list)) contributions[argument] = list = new List<int>();
                list.Add(c);
            }
        }

        var gradients = method.Parameters
            .Where(p => p.IsDifferentiable)
            .Select(p => adjoints.TryGetValue(p.Input, out int g) ? g : builder.Zero(p.Kind))
            .ToEquatableArray();
        var model = new GradientModel(method, builder.ToDag(), firstBackward, gradients, named.ToEquatableArray());
        return new TransformResult(model, diagnostics.ToEquatableArray());
    }
}
