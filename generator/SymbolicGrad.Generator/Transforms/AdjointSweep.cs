using System;
using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Transforms;

/// <summary>
/// The adjoint accumulation of reverse mode, region by region. The method body is swept from the output back; a loop
/// is reversed as a whole into a <see cref="Op.ReverseLoop"/> whose body is the loop body's own sweep: each reverse
/// iteration restores the values its forward iteration started from (<see cref="Op.Restore"/>: from a tape, or
/// recomputed), recomputes the body from them, and hands the adjoints of the carried values to the previous
/// iteration; values read from outside the loop collect their adjoints across iterations as carried accumulators.
/// </summary>
internal sealed class AdjointSweep
{
    private readonly GraphBuilder _b;
    private readonly Activity _activity;
    private readonly Dag _forward;
    private readonly Dictionary<int, int> _original = new();
    private readonly Pass _root;

    /// <summary>The adjoint of the result (1/B for a model's mean loss): every other adjoint is linear in it.</summary>
    private int _seed = -1;

    public AdjointSweep(GraphBuilder builder, Activity activity, Dag forward)
    {
        _b = builder;
        _activity = activity;
        _forward = forward;
        _root = new Pass(x => x);
    }

    /// <summary>Every adjoint node with the node it is the adjoint of.</summary>
    public List<AdjointOf> Named { get; } = new();

    /// <summary>Backward nodes that recompute or restore a forward node inside a reverse loop.</summary>
    public IEnumerable<(int Copy, int Original)> Copies => _original.Select(p => (p.Key, p.Value));

    /// <summary>The adjoint the sweep computed for a forward node of the method body, or null.</summary>
    public int? AdjointOf(int node) => _root.Adjoints.TryGetValue(node, out int adjoint) ? adjoint : null;

    /// <summary>Seeds with an adjoint that differs between samples (a layer's ∂L/∂output), unlike the 1/B of a mean loss.</summary>
    public void SeedWith(int node, int adjoint) => _root.Add(node, adjoint);

    public void Seed(int node, int adjoint)
    {
        _seed = adjoint;
        _root.Add(node, adjoint);
    }

    /// <summary>Sweeps the method body from <paramref name="output"/> back to its first node.</summary>
    public void Run(int output)
    {
        for (int id = output; id >= 0; id--)
        {
            if (_b[id].Region == 0) Visit(id, _root);
        }
    }

    /// <summary>One sweep over a region: the contributions each node received, and the adjoints made from them.</summary>
    private sealed class Pass
    {
        public Pass(Func<int, int> primal) => Primal = primal;

        /// <summary>The node holding, in this pass's region, the value a forward node had (itself, or its restored copy).</summary>
        public Func<int, int> Primal { get; }

        public Dictionary<int, List<int>> Contributions { get; } = new();

        public Dictionary<int, int> Adjoints { get; } = new();

        /// <summary>For each forward loop of the region, the adjoints of its results by carried index.</summary>
        public Dictionary<int, Dictionary<int, int>> LoopSeeds { get; } = new();

        public void Add(int node, int contribution)
        {
            if (!Contributions.TryGetValue(node, out var list)) Contributions[node] = list = new List<int>();
            list.Add(contribution);
        }
    }

    private int Original(int node) => _original.TryGetValue(node, out int original) ? original : node;

    private bool IsActive(int node) => _activity.IsActive(Original(node));

    private void Visit(int id, Pass pass)
    {
        var n = _b[id];
        if (n.Op == Op.Loop)
        {
            if (pass.LoopSeeds.TryGetValue(id, out var seeds)) Reverse(id, seeds, pass);
            return;
        }
        if (n.Op == Op.Restore && _b[n.Ref].Op == Op.LoopTrips)
        {
            // Inside a reverse body, an inner loop stands where its restored trip count does.
            int loop = _b[n.Ref][0];
            if (pass.LoopSeeds.TryGetValue(loop, out var seeds)) Reverse(loop, seeds, pass);
            return;
        }
        if (!IsActive(id) || !pass.Contributions.TryGetValue(id, out var parts)) return;
        int adjoint = parts.Skip(1).Aggregate(parts[0], _b.Add);
        var shape = n.Shape;
        var adjointShape = _b[adjoint].Shape;
        if (shape is not null && ((adjointShape?.Rank ?? 0) < shape.Rank || (shape.Batched && adjointShape?.Batched != true)))
        {
            // A scalar adjoint of a vector (from a sum) or a shared one of a per-sample value (the 1/B seed):
            // kernels (Wᵀ·g, g·xᵀ) need every element, and a shared operand later sums it over the batch.
            adjoint = _b.Structural(Op.Broadcast, n.Kind, shape, null, adjoint);
        }
        pass.Adjoints[id] = adjoint;
        Named.Add(new AdjointOf(adjoint, id));

        var forward = n.Op == Op.Restore ? _b[n.Ref] : n;
        if (forward.Op == Op.LoopResult)
        {
            // The adjoint of a loop's result seeds the loop's reverse.
            int loop = forward[0];
            if (!pass.LoopSeeds.TryGetValue(loop, out var seeds)) pass.LoopSeeds[loop] = seeds = new Dictionary<int, int>();
            seeds[(int)forward.Value] = adjoint;
            return;
        }
        if (n.Op == Op.Restore) return; // A restored parameter: its adjoint goes to the previous iteration.
        for (int operand = 0; operand < n.Arity; operand++)
        {
            int argument = n[operand];
            if (!IsActive(argument)) continue;
            int? contribution = OpTable.Of(n.Op).Pullback?.Invoke(_b, id, operand, adjoint);
            if (contribution is not int c || _b[c].IsConstantValue(0)) continue;
            pass.Add(argument, Unbroadcast(c, _b[argument].Shape));
        }
    }

    /// <summary>
    /// A contribution has its user's shape; an operand that was broadcast (a scalar over a vector, a shared value over
    /// the batch) receives the sum over the dimensions it was broadcast along.
    /// </summary>
    private int Unbroadcast(int contribution, Shape? target)
    {
        var shape = _b[contribution].Shape;
        if (shape is null) return contribution;
        int targetRank = target?.Rank ?? 0;
        if (shape.Rank == 1 && targetRank == 0)
        {
            contribution = _b.Structural(Op.Sum, ScalarKind.Single, contribution);
            shape = _b[contribution].Shape;
        }
        if (shape is { Batched: true } && target is not { Batched: true })
        {
            var reduced = shape.Rank == 0 ? null : shape with { Batched = false };
            contribution = SumOfSameValues(contribution, new Dictionary<int, int?>())
                ?? _b.Structural(Op.ReduceBatch, ScalarKind.Single, reduced, null, contribution);
        }
        return contribution;
    }

    /// <summary>
    /// Σ over the batch of a contribution that is the same for every sample, or null when it is not. Such a value is
    /// c·(1/B) with c shared (every adjoint is linear in the seed 1/B), so the sum of its B copies is exactly c: the
    /// value with the seed replaced by 1. Summing 1/B B times in float would not give exactly 1 (B = 3, 5, 7 …).
    /// </summary>
    private int? SumOfSameValues(int id, Dictionary<int, int?> done)
    {
        if (done.TryGetValue(id, out var known)) return known;
        var n = _b[id];
        int? result;
        if (id == _seed) result = _b.One(n.Kind);
        else if (!n.Batched) result = Reaches(id, _seed) ? null : id; // a shared forward value, or a sum already taken
        else if (n.Op == Op.Broadcast && !_b[n[0]].Batched)
        {
            // The seed (or a shared value) repeated over the batch, perhaps over a vector too.
            result = SumOfSameValues(n[0], done) is int inner
                ? (_b[inner].Rank < n.Rank ? _b.Structural(Op.Broadcast, n.Kind, n.Shape!.WithBatched(false), null, inner) : inner)
                : null;
        }
        else if (OpTable.Of(n.Op).Is(OpTraits.Elementwise))
        {
            // Element-wise work on values the same for every sample is the same for every sample.
            var args = new int[n.Arity];
            result = null;
            for (int k = 0; k < n.Arity; k++)
            {
                if (SumOfSameValues(n[k], done) is not int arg) break;
                args[k] = arg;
                if (k == n.Arity - 1) result = _b.Rebuild(n with { Args = new EquatableArray<int>(args), Shape = _b.Broadcast(args) });
            }
        }
        else result = null; // data of each sample, or a structural operation: summed at run time
        done[id] = result;
        return result;
    }

    /// <summary>Whether <paramref name="from"/> depends on <paramref name="target"/>.</summary>
    private bool Reaches(int from, int target)
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
            foreach (int arg in _b[id].Args) stack.Push(arg);
        }
        return false;
    }

    /// <summary>Reverses forward loop <paramref name="loop"/> into the current region, given the adjoints of its results.</summary>
    private void Reverse(int loop, Dictionary<int, int> seeds, Pass outer)
    {
        var forwardLoop = _b[loop];
        int body = forwardLoop.Body;
        var region = _b.RegionAt(body);
        var active = Enumerable.Range(0, region.Parameters.Count).Where(j => IsActive(region.Parameters[j])).ToList();
        if (!active.Any(seeds.ContainsKey)) return;

        // Values from outside the loop that its active nodes read: their adjoints add up over the iterations.
        var invariants = Invariants(body, active).Select(outer.Primal).Distinct().ToList();
        int trips = outer.Primal(TripsOf(loop));

        _b.OpenRegion();
        int reverse = _b.CurrentRegion;
        var carriedAdjoints = active.Select((j, k) => _b.Param(k, _b.KindOf(region.Parameters[j]), _b.ShapeOf(region.Parameters[j]), region.Parameters[j])).ToList();
        var accumulators = invariants.Select((v, m) => _b.Param(active.Count + m, _b.KindOf(v), _b.ShapeOf(v), Original(v))).ToList();

        // Recompute the body from the restored start of the iteration, with forward (exact) arithmetic.
        var copies = new Dictionary<int, int>();
        int Map(int x) => copies.TryGetValue(x, out int c) ? c : outer.Primal(x);
        int first = _b.Count;
        _b.BuildingDerivatives = false;
        for (int id = 0; id < first; id++)
        {
            var x = _b[id];
            if (x.Region != body || copies.ContainsKey(id)) continue;
            switch (x.Op)
            {
                case Op.Param when region.Steps[(int)x.Value] != 0:
                    // An induction variable is recomputed from its first value: no tape.
                    copies[id] = Restore(id, outer.Primal(forwardLoop[1 + (int)x.Value]), region.Steps[(int)x.Value]);
                    break;
                case Op.Param or Op.LoopResult or Op.LoopTrips:
                    copies[id] = Restore(id);
                    break;
                case Op.Loop:
                    // An inner loop is not run again: its trip count and results come back from the tape, and its
                    // reverse runs where its restored trip count stands.
                    copies[TripsOf(id)] = Restore(TripsOf(id));
                    break;
                default:
                    copies[id] = Copy(id, Map);
                    break;
            }
        }
        int last = _b.Count;
        _b.BuildingDerivatives = true;

        var pass = new Pass(Map);
        for (int k = 0; k < active.Count; k++)
        {
            int next = Map(region.Results[active[k]]);
            pass.Add(next, carriedAdjoints[k]);
        }
        for (int id = last - 1; id >= first; id--)
        {
            if (_b[id].Region == reverse) Visit(id, pass);
        }
        // Contributions sent outside the loop body (next values that are outside it, invariants) are not visited above.
        var results = new List<int>();
        foreach (int j in active)
        {
            int restored = copies[region.Parameters[j]];
            results.Add(pass.Adjoints.TryGetValue(restored, out int a) ? a : _b.Zero(_b.KindOf(restored)));
        }
        for (int m = 0; m < invariants.Count; m++)
        {
            var parts = pass.Contributions.TryGetValue(invariants[m], out var list) ? list : new List<int>();
            results.Add(parts.Aggregate(accumulators[m], _b.Add));
        }
        _b.CloseRegion(results);

        var args = new List<int> { trips };
        args.AddRange(active.Select((j, k) => seeds.TryGetValue(j, out int g) ? g : _b.Zero(_b.KindOf(carriedAdjoints[k]))));
        args.AddRange(invariants.Select(v => _b.Zero(_b.KindOf(v))));
        int reversed = _b.Owner(Op.ReverseLoop, ScalarKind.Boolean, reverse, args.ToArray(), loop);
        // A reverse loop that adds into arrays runs for that effect, whatever else reads its results.
        if (_b.RegionAt(reverse).Effects.Count > 0) _b.AddEffect(reversed);
        for (int k = 0; k < active.Count; k++)
        {
            outer.Add(outer.Primal(forwardLoop[1 + active[k]]), _b.LoopResult(reversed, k));
        }
        for (int m = 0; m < invariants.Count; m++)
        {
            outer.Add(invariants[m], _b.LoopResult(reversed, active.Count + m));
        }
    }

    private int TripsOf(int loop) => _b.LoopTrips(loop);

    /// <summary>The value of <paramref name="forward"/> in the iteration being reversed: from the tape, or for an induction variable <c>start + t·step</c>.</summary>
    private int Restore(int forward, int start = -1, int step = 0)
    {
        var x = _b[forward];
        var args = start < 0 ? EquatableArray<int>.Empty : new EquatableArray<int>(new[] { start });
        int restored = _b.Pinned(new Node(Op.Restore, x.Kind, args, x.Shape, step, Ref: forward));
        _original[restored] = forward;
        return restored;
    }

    /// <summary>Forward node <paramref name="id"/> built again from mapped operands, in the current region.</summary>
    private int Copy(int id, Func<int, int> map)
    {
        var x = _b[id];
        var node = x with { Args = new EquatableArray<int>(x.Args.Select(map).ToArray()) };
        int copy = _b.Rebuild(node);
        if (copy != id) _original[copy] = id;
        return copy;
    }

    /// <summary>Active values from outside the loop body that active nodes of the body (or of loops nested in it) read.</summary>
    private IEnumerable<int> Invariants(int body, List<int> active)
    {
        var found = new List<int>();
        for (int id = 0; id < _b.Count; id++)
        {
            var x = _b[id];
            if (!_b.Encloses(body, x.Region) || !IsActive(id)) continue;
            for (int k = 0; k < x.Arity; k++)
            {
                int arg = x[k];
                // An array's adjoint is added in place by scatters, not carried.
                if (x.Op == Op.ArrayRead && k == 0) continue;
                if (x.Op is Op.Call or Op.RuleCall && _b[arg].Shape is not null) continue;
                if (!_b.Encloses(body, _b[arg].Region) && IsActive(arg) && !found.Contains(arg)) found.Add(arg);
            }
        }
        var region = _b.RegionAt(body);
        foreach (int j in active)
        {
            int next = region.Results[j];
            if (!_b.Encloses(body, _b[next].Region) && IsActive(next) && !found.Contains(next)) found.Add(next);
        }
        return found;
    }
}
