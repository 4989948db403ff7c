using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Graph;
using SymbolicGrad.Generator.Model;

namespace SymbolicGrad.Generator.Emit;

/// <summary>How a scheduled value is stored.</summary>
internal enum Storage
{
    /// <summary>A new local (<c>double z = …;</c>).</summary>
    Local,
    /// <summary>The <c>out</c> gradient parameter itself (<c>dPhi0 = …;</c>), later read back where reused.</summary>
    OutParameter,
}

/// <summary>One statement of the generated method: a node stored under a name.</summary>
internal sealed record ScheduledValue(int Node, string Name, Storage Storage, string? AdjointOf);

/// <summary>
/// Decides which nodes become statements and in what order. A node gets its own statement when it is a user's
/// local, the result, an adjoint of a named value, or used more than once (so it is computed once); every other
/// node is written inline where it is used. Node ids are a topological order, so statements follow them.
/// Only nodes reachable from the result and the gradients are scheduled: no dead code.
/// </summary>
internal sealed class Schedule
{
    private int _temporaries;
    private int _conditions;

    private Schedule(GradientModel model)
    {
        Model = model;
    }

    public GradientModel Model { get; }

    public List<ScheduledValue> Forward { get; } = new();

    public List<ScheduledValue> Backward { get; } = new();

    /// <summary>Gradient assignments not already made by a scheduled value: (parameter, node).</summary>
    public List<(ParameterInfo Parameter, int Node)> FinalGradients { get; } = new();

    public Dictionary<int, ScheduledValue> Variables { get; } = new();

    /// <summary>The name of the result in the math comments (<c>f</c> unless the user named it).</summary>
    public string ResultName { get; private set; } = "f";

    public int ForwardOperations { get; private set; }

    public int BackwardOperations { get; private set; }

    /// <summary>Nodes that must be stored whatever their use count (operands of kernels in network code).</summary>
    private ISet<int> _forced = new HashSet<int>();

    /// <summary>Nodes never given a statement (computed where they are used, e.g. gradient terms added straight into Parameters.Gradients).</summary>
    private ISet<int> _excluded = new HashSet<int>();

    /// <summary>Hands out the values' names, every name in scope and of the surrounding generated code already taken.</summary>
    private NameAllocator _names = null!;

    public static Schedule Create(GradientModel model) =>
        Create(model, new HashSet<int>(), new HashSet<int>(), NameAllocator.ForMethod(model.Method));

    /// <param name="names">Names in scope and those the surrounding generated code uses (loop variables, locals) are taken.</param>
    public static Schedule Create(GradientModel model, ISet<int> forced, ISet<int> excluded, NameAllocator names)
    {
        var schedule = new Schedule(model) { _forced = forced, _excluded = excluded, _names = names };
        schedule.Build();
        return schedule;
    }

    /// <summary>How often each node is read by the nodes reachable from the result and the gradients (roots count once).</summary>
    public static int[] CountUses(GradientModel model)
    {
        var dag = model.Graph;
        var roots = new[] { model.Method.Output }.Concat(model.Gradients).ToArray();
        var reachable = dag.Reachable(roots);
        var uses = new int[dag.Count];
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id]) continue;
            foreach (int arg in dag[id].Args) uses[arg]++;
        }
        foreach (int root in roots) uses[root]++;
        return uses;
    }

    private void Build()
    {
        var method = Model.Method;
        var dag = Model.Graph;
        var differentiable = method.Parameters.Where(p => p.IsDifferentiable).ToList();
        var roots = new[] { method.Output }.Concat(Model.Gradients).ToArray();
        var reachable = dag.Reachable(roots);
        var forward = dag.Reachable(new[] { method.Output });

        var uses = CountUses(Model);
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id] || dag[id].Args.Count == 0) continue;
            if (forward[id]) ForwardOperations++;
            else BackwardOperations++;
        }

        var names = _names;

        var userNames = new Dictionary<int, string>();
        foreach (var local in method.LocalNames)
        {
            if (!userNames.ContainsKey(local.Node)) userNames[local.Node] = local.Name;
        }
        var primalOf = new Dictionary<int, int>();
        foreach (var adjoint in Model.Adjoints)
        {
            if (!primalOf.ContainsKey(adjoint.Adjoint)) primalOf[adjoint.Adjoint] = adjoint.Primal;
        }
        var gradientOf = new Dictionary<int, ParameterInfo>();
        for (int i = 0; i < differentiable.Count; i++)
        {
            if (!gradientOf.ContainsKey(Model.Gradients[i])) gradientOf[Model.Gradients[i]] = differentiable[i];
        }

        if (!userNames.ContainsKey(method.Output) && dag[method.Output].Args.Count > 0)
        {
            userNames[method.Output] = "f";
        }

        var assigned = new HashSet<ParameterInfo>();
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id] || dag[id].Args.Count == 0) continue;
            bool isBackward = id >= Model.FirstBackwardNode;
            string? primal = primalOf.TryGetValue(id, out int p) ? DisplayName(p) : null;
            if (_excluded.Contains(id)) continue;
            // A broadcast leaf (the 1/B seed) is read in place unless a kernel needs it in memory.
            if (dag[id].Op == Op.Broadcast && dag[dag[id][0]].Arity == 0 && !_forced.Contains(id)) continue;
            bool named = userNames.ContainsKey(id) || (isBackward && primal is not null && !IsInput(p)) || _forced.Contains(id);
            if (!named && uses[id] < 2) continue;
            // The adjoint of a value written inline (e.g. the t1 + b1 inside max(t1 + b1, 0)) is shown as its expression.
            var gradient = isBackward && gradientOf.TryGetValue(id, out var g) ? g : null;
            bool outParameter = gradient is { IsField: false } && (primal is null || IsInput(p));
            bool inlinedPrimal = isBackward && primal is null && primalOf.ContainsKey(id) && !outParameter;
            if (inlinedPrimal) primal = "(" + ExpressionPrinter.Math(this).Print(p) + ")";

            ScheduledValue value;
            if (outParameter)
            {
                // Only a parameter's gradient: compute it straight into the out parameter.
                value = new ScheduledValue(id, gradient!.GradientName, Storage.OutParameter, NameAllocator.Bare(gradient.Name));
                assigned.Add(gradient);
            }
            else if (userNames.TryGetValue(id, out var user))
            {
                value = new ScheduledValue(id, names.Allocate(user), Storage.Local, isBackward ? primal : null);
            }
            else if (isBackward && primal is not null)
            {
                // The adjoint of a value written inline takes a fresh temporary's name: dT5 for ∂L/∂(t1 + b1).
                string stem = inlinedPrimal ? DerivedName(p) : primal;
                value = new ScheduledValue(id, names.Allocate("d" + NameAllocator.Capitalize(stem)), Storage.Local, primal);
            }
            else
            {
                value = new ScheduledValue(id, names.Allocate(DerivedName(id)), Storage.Local, null);
            }
            Variables[id] = value;
            (isBackward ? Backward : Forward).Add(value);
        }

        // A model method's adjoints are of the batch's mean loss L, not of one sample's value.
        ResultName = method.IsNetwork && !method.IsStatic ? "L" : DisplayName(method.Output) ?? "f";
        for (int i = 0; i < differentiable.Count; i++)
        {
            if (!assigned.Contains(differentiable[i])) FinalGradients.Add((differentiable[i], Model.Gradients[i]));
        }

        bool IsInput(int node) => dag[node].Op == Op.Input;

        string? DisplayName(int node) =>
            Variables.TryGetValue(node, out var v) ? v.Name
            : dag[node].Op == Op.Input ? NameAllocator.Bare(dag[node].Name!)
            : null;

        string DerivedName(int node)
        {
            var n = dag[node];
            if (n.Args.Count == 1 && n.Op is not (Op.Neg or Op.Convert or Op.Not) && DisplayName(n[0]) is { } argument)
            {
                return n.Op.ToString().ToLowerInvariant() + NameAllocator.Capitalize(argument);
            }
            if (n.Args.Count == 1 && n.Op is not (Op.Neg or Op.Convert or Op.Not)) return n.Op.ToString().ToLowerInvariant();
            return n.Kind == ScalarKind.Boolean ? "c" + ++_conditions : "t" + ++_temporaries;
        }
    }
}
