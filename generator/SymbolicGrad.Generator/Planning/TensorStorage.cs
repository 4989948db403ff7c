using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Planning;

/// <summary>
/// Storage decisions of tensor code (model methods and tensor functions), made before scheduling: which values must
/// live in a buffer (kernel operands, structural results), which are never stored (gradient terms a kernel adds
/// straight into the gradient, conditions on vectors), and how each buffered parameter's gradient splits into terms.
/// After scheduling, <see cref="Plan"/> adds buffer sharing and when each gradient is added.
/// </summary>
internal sealed class TensorStorage
{
    private readonly List<(int Parameter, List<(int Term, bool Negated)> Terms)> _gradients = new();

    private TensorStorage()
    {
    }

    public HashSet<int> Forced { get; } = new();

    public HashSet<int> Excluded { get; } = new();

    public static TensorStorage Analyse(GradientModel model)
    {
        var storage = new TensorStorage();
        storage.Build(model);
        return storage;
    }

    private void Build(GradientModel model)
    {
        var method = model.Method;
        var dag = model.Graph;
        var uses = Schedule.CountUses(model);
        var fields = method.Parameters.Select((p, index) => (p, index)).Where(x => x.p.IsField).ToList();
        var differentiable = method.Parameters.Where(p => p.IsDifferentiable).ToList();
        foreach (var (field, index) in fields)
        {
            var terms = new List<(int, bool)>();
            Flatten(dag, model.Gradients[differentiable.IndexOf(field)], false, terms, uses);
            // A zero term adds nothing (a gradient or an Hvp's H·t that does not depend on the parameter): no code for it.
            terms.RemoveAll(t => dag[t.Item1].IsConstantValue(0));
            _gradients.Add((index, terms));
            foreach (var (term, _) in terms)
            {
                var n = dag[term];
                // Σ g·xᵀ and Σ_batch e go straight into the gradient; their operands must be stored.
                if (IsDirect(dag, n, dag[field.Input]) && uses[term] == 1)
                {
                    Excluded.Add(term);
                    foreach (int arg in n.Args) Store(dag, arg);
                }
            }
        }
        var reachable = dag.Reachable(new[] { method.Output }.Concat(model.Gradients).Concat(model.ExtraRoots).Concat(dag.RootEffects));
        // Effects of tensor code (a loop over layers' backward pass, a layer's input gradient) are values read after it.
        foreach (int effect in dag.RootEffects) Store(dag, effect);
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id] || Excluded.Contains(id)) continue;
            var n = dag[id];
            var def = OpTable.Of(n.Op);
            if (def.Is(OpTraits.Structural)) Forced.Add(id);
            foreach (int operand in def.OperandsInMemory?.Invoke(n) ?? new int[0]) Store(dag, operand);
        }
        Forced.Add(method.Output);
        // A derived method's further outputs (a Jvp's tangent) are read at the end, from memory.
        foreach (int root in model.ExtraRoots) Forced.Add(root);
        // A view is never stored, even as a user's local: its readers read the memory it views.
        for (int id = 0; id < dag.Count; id++)
        {
            if (reachable[id] && OpTable.Of(dag[id].Op).Is(OpTraits.View)) Excluded.Add(id);
        }
        // A condition on vectors is recomputed where it is used rather than kept in a bool buffer: a comparison costs
        // less than the memory, and its loops stay vectorized.
        for (int id = 0; id < dag.Count; id++)
        {
            if (reachable[id] && dag[id].Kind == ScalarKind.Boolean && dag[id].Rank > 0 && !Forced.Contains(id)) Excluded.Add(id);
        }
        if (method.Layer is { IsJvp: false, IsHvp: false }) ExcludeFusedLocals(model, reachable);
    }

    /// <summary>
    /// In one layer of a loop over layers, a vector the user named (<c>Vec z = W[l] * h + b[l];</c>) that only element-wise
    /// values of the forward pass read is computed inside their loops, not stored: <c>h = max(t1 + b_l, 0)</c> is then one
    /// pass over the layer, as in the same layer written without the local. Read by more than one value, it is inlined
    /// only if it is one add, subtract, multiply or negation (recomputing it costs less than a pass over memory).
    /// </summary>
    private void ExcludeFusedLocals(GradientModel model, bool[] reachable)
    {
        var dag = model.Graph;
        var roots = new HashSet<int>(Schedule.Roots(model));
        var readers = new List<int>[dag.Count];
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id]) continue;
            foreach (int arg in dag[id].Args) (readers[arg] ??= new List<int>()).Add(id);
        }
        foreach (var local in model.Method.LocalNames)
        {
            int id = local.Node;
            var n = dag[id];
            if (!reachable[id] || id >= model.FirstBackwardNode || roots.Contains(id) || Forced.Contains(id) || n.Rank != 1 || !IsElementwise(n)
                || readers[id] is not { Count: > 0 } read || read.Any(r => r >= model.FirstBackwardNode || !IsElementwise(dag[r])))
            {
                continue;
            }
            if (read.Distinct().Count() > 1 && n.Op is not (Op.Add or Op.Sub or Op.Mul or Op.Neg)) continue;
            Excluded.Add(id);
        }
    }

    /// <summary>Written inline, element k from element k of its operands.</summary>
    private static bool IsElementwise(Node n)
    {
        var def = OpTable.Of(n.Op);
        return n.Arity > 0 && def.Kernel is null && !def.Is(OpTraits.Structural) && !def.Is(OpTraits.Indexed) && !def.Is(OpTraits.Control)
            && !def.Is(OpTraits.View) && !def.Is(OpTraits.Pinned) && !def.Is(OpTraits.Effect);
    }

    /// <summary>A term its kernel adds straight into the gradient: Σ g·xᵀ, or Σ_batch e of the parameter's rank.</summary>
    private static bool IsDirect(Dag dag, Node term, Node parameter) =>
        OpTable.Of(term.Op).Kernel is { Accumulates: true } && (term.Op == Op.Outer || term.Rank == parameter.Rank);

    private void Store(Dag dag, int node)
    {
        // A view is read through the memory it views.
        while (OpTable.Of(dag[node].Op).Is(OpTraits.View)) node = dag[node][0];
        if (dag[node].Arity > 0) Forced.Add(node);
    }

    /// <summary>A gradient as a sum of terms (so each kernel adds its part into the gradient).</summary>
    private void Flatten(Dag dag, int node, bool negated, List<(int, bool)> terms, int[] uses)
    {
        var n = dag[node];
        if (n.Op is Op.Add or Op.Sub && uses[node] == 1 && n.Rank == dag[n[0]].Rank && n.Rank == dag[n[1]].Rank)
        {
            Excluded.Add(node);
            Flatten(dag, n[0], negated, terms, uses);
            Flatten(dag, n[1], n.Op == Op.Sub ? !negated : negated, terms, uses);
            return;
        }
        if (n.Op == Op.Neg && uses[node] == 1)
        {
            Excluded.Add(node);
            Flatten(dag, n[0], !negated, terms, uses);
            return;
        }
        terms.Add((node, negated));
    }

    /// <summary>The tensor plan: gradient accumulations and when each is ready, buffers overwritten in place, the logits.</summary>
    /// <param name="model">The method and its adjoint graph.</param>
    /// <param name="schedule">The stored values.</param>
    /// <param name="spans">The local holding each buffered parameter's gradient span, by parameter name.</param>
    public TensorPlan Plan(GradientModel model, Schedule schedule, IReadOnlyDictionary<string, string> spans)
    {
        var dag = model.Graph;
        var method = model.Method;
        int logits = Logits(dag, schedule);
        // Gradient terms are read after both passes; so are the operands of those the store adds, which a fused update
        // reads once the backward pass has returned.
        var readAtEnd = new List<int> { method.Output };
        readAtEnd.AddRange(model.ExtraRoots);
        readAtEnd.AddRange(_gradients.SelectMany(g => g.Terms.Select(t => t.Term)));
        if (logits >= 0) readAtEnd.Add(logits);
        readAtEnd.AddRange(dag.RootEffects);
        var takesOver = BufferSharing.Plan(dag, schedule, readAtEnd, node => !OpTable.Of(dag[node].Op).Is(OpTraits.Structural) && dag[node].Rank == 1);

        var accumulations = new List<GradientAccumulation>();
        foreach (var (parameter, terms) in _gradients)
        {
            // Each parameter's gradient is added as soon as the values it reads are ready, as hand-written backprop does
            // layer by layer: δ and the layer's input are still in cache for ∂W += δ·xᵀ.
            int ready = -1;
            foreach (var (term, _) in terms)
            {
                foreach (var (node, _) in BufferSharing.Reads(dag, schedule, term).Append((term, true)))
                {
                    ready = System.Math.Max(ready, schedule.Backward.FindIndex(v => v.Node == node));
                }
            }
            var field = method.Parameters[parameter];
            // A model's parameters take every term through the parameter store, under its gradient lock (its Hvp's go into
            // the caller's buffers).
            bool store = method.Kind == MethodKind.ModelMethod && !model.IntoCallerBuffers;
            var planned = terms.Select(t => new GradientTerm(t.Term, t.Negated,
                schedule.Variables.ContainsKey(t.Term) || !IsDirect(dag, dag[t.Term], dag[field.Input]) ? TermRoute.Elements
                : store ? TermRoute.Store : TermRoute.Kernel)).ToList();
            string? span = planned.Any(t => t.Route != TermRoute.Store) ? spans[field.Name] : null;
            accumulations.Add(new GradientAccumulation(parameter, planned.ToEquatableArray(), ready, span, Locked: store));
        }
        return new TensorPlan(accumulations.ToEquatableArray(),
            takesOver.Select(p => new InPlaceValue(p.Key, p.Value)).OrderBy(p => p.Value).ToEquatableArray(), logits);
    }

    /// <summary>The logits: the stored vector whose element at an input label the loss picks (softmax cross-entropy), or -1.</summary>
    private static int Logits(Dag dag, Schedule schedule)
    {
        for (int id = 0; id < dag.Count; id++)
        {
            var n = dag[id];
            if (n.Op == Op.Pick && n.Name is null && dag[n[1]].Op == Op.Input && schedule.Variables.ContainsKey(n[0]) && dag[n[0]].Rank == 1) return n[0];
        }
        return -1;
    }
}
