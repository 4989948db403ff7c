using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Graph;
using SymbolicGrad.Generator.Model;

namespace SymbolicGrad.Generator.Calculus;

/// <summary>
/// The differentiate stage: reverse-mode accumulation on the DAG. Walking the forward nodes from the output
/// back to the inputs, each active node's adjoint is the sum of the contributions its users sent it, and it
/// sends its own operands the contributions of <see cref="DerivativeRules"/>. The adjoints are new DAG nodes,
/// hash-consed with the forward ones, so the backward pass reuses every forward value it can.
/// </summary>
internal static class ReverseMode
{
    /// <summary>The C# name of 1/B, the weight of each sample in a batch's mean loss (declared by the emitter).</summary>
    public const string BatchWeight = "sampleWeight";

    /// <summary>
    /// A contribution has its user's shape; an operand that was broadcast (a scalar over a vector, a shared
    /// value over the batch) receives the sum over the dimensions it was broadcast along.
    /// </summary>
    /// <param name="seed">The adjoint of the result (1/B for a model's mean loss).</param>
    private static int Unbroadcast(GraphBuilder b, int contribution, Shape? target, int seed)
    {
        var shape = b[contribution].Shape;
        if (shape is null) return contribution;
        int targetRank = target?.Rank ?? 0;
        if (shape.Rank == 1 && targetRank == 0)
        {
            contribution = b.Tensor(Op.Sum, ScalarKind.Single, shape.Batched ? Shape.BatchedScalar : null, 0, contribution);
            shape = b[contribution].Shape;
        }
        if (shape is { Batched: true } && target is not { Batched: true })
        {
            var reduced = shape.Rank == 0 ? null : shape with { Batched = false };
            contribution = SumOfSameValues(b, contribution, seed, new Dictionary<int, int?>())
                ?? b.Tensor(Op.ReduceBatch, ScalarKind.Single, reduced, 0, contribution);
        }
        return contribution;
    }

    /// <summary>
    /// Σ over the batch of a contribution that is the same for every sample, or null when it is not. Such a value is
    /// c·(1/B) with c shared (every adjoint is linear in the seed 1/B), so the sum of its B copies is exactly c:
    /// the value with the seed replaced by 1. Summing 1/B B times in float would not give exactly 1 (B = 3, 5, 7 …).
    /// </summary>
    private static int? SumOfSameValues(GraphBuilder b, int id, int seed, Dictionary<int, int?> done)
    {
        if (done.TryGetValue(id, out var known)) return known;
        var n = b[id];
        int? result;
        if (id == seed) result = b.One(n.Kind);
        else if (!n.Batched) result = Reaches(b, id, seed) ? null : id; // a shared forward value, or a sum already taken
        else if (n.Op == Op.Broadcast && !b[n[0]].Batched)
        {
            // The seed (or a shared value) repeated over the batch, perhaps over a vector too.
            result = SumOfSameValues(b, n[0], seed, done) is int inner
                ? (b[inner].Rank < n.Rank ? b.Tensor(Op.Broadcast, n.Kind, n.Shape! with { Batched = false }, 0, inner) : inner)
                : null;
        }
        else if (n.Op is Op.Add or Op.Sub or Op.Mul or Op.Div or Op.Neg or Op.Select or Op.Convert)
        {
            // Element-wise work on values the same for every sample is the same for every sample.
            var args = n.Args.Select(a => SumOfSameValues(b, a, seed, done)).ToList();
            result = args.Any(a => a is null) ? null : n.Op switch
            {
                Op.Neg => b.Neg(args[0]!.Value),
                Op.Convert => b.Convert(args[0]!.Value, n.Kind),
                Op.Select => b.Select(args[0]!.Value, args[1]!.Value, args[2]!.Value),
                _ => b.Binary(n.Op, args[0]!.Value, args[1]!.Value),
            };
        }
        else result = null; // data of each sample, or a structural operation: summed at run time
        done[id] = result;
        return result;
    }

    private static bool Reaches(GraphBuilder b, int from, int target)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>();
        stack.Push(from);
        while (stack.Count > 0)
        {
            int id = stack.Pop();
            if (id == target) return true;
            // Operands have smaller ids than their users.
            if (id < target || !seen.Add(id)) continue;
            foreach (int arg in b[id].Args) stack.Push(arg);
        }
        return false;
    }

    public static DifferentiationResult Differentiate(ParseResult parse)
    {
        if (parse.Method is not { } method) return new DifferentiationResult(null, parse.Diagnostics);
        try
        {
            return Differentiate(method, parse.Diagnostics);
        }
        catch (System.Exception exception)
        {
            // The generator never throws: a bug here becomes a diagnostic on the method.
            var error = DiagnosticInfo.Create(DiagnosticCatalogue.InternalError, method.Location, method.Name,
                exception.GetType().Name + ": " + exception.Message);
            return new DifferentiationResult(null, parse.Diagnostics.Append(error).ToEquatableArray());
        }
    }

    private static DifferentiationResult Differentiate(MethodModel method, EquatableArray<DiagnosticInfo> earlier)
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
        // A model method's result is the mean over the batch: each sample's loss is weighted 1/B.
        int seed = method.IsNetwork && !method.IsStatic ? builder.External(BatchWeight, ScalarKind.Single) : builder.One(builder.KindOf(method.Output));
        if (activity.IsActive(method.Output)) contributions[method.Output] = new List<int> { seed };

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
                adjoint = builder.Tensor(Op.Broadcast, builder.KindOf(id), shape, 0, adjoint);
            }
            adjoints[id] = adjoint;
            named.Add(new AdjointOf(adjoint, id));

            var node = builder[id];
            for (int operand = 0; operand < node.Arity; operand++)
            {
                int argument = node[operand];
                if (!activity.IsActive(argument)) continue;
                int? contribution = DerivativeRules.Pullback(builder, id, operand, adjoint);
                if (contribution is not int c || builder[c].IsConstantValue(0)) continue;
                c = Unbroadcast(builder, c, builder[argument].Shape, seed);
                if (!contributions.TryGetValue(argument, out var list)) contributions[argument] = list = new List<int>();
                list.Add(c);
            }
        }

        var gradients = method.Parameters
            .Where(p => p.IsDifferentiable)
            .Select(p => adjoints.TryGetValue(p.Input, out int g) ? g : builder.Zero(p.Kind))
            .ToEquatableArray();
        var model = new GradientModel(method, builder.ToDag(), firstBackward, gradients, named.ToEquatableArray());
        return new DifferentiationResult(model, diagnostics.ToEquatableArray());
    }
}
