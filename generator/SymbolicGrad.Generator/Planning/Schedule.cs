using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Planning;

/// <summary>
/// Decides which nodes become statements, in what order and under which names. A node gets its own statement when it
/// is a user's local, the result, an adjoint of a named value, used more than once (so it is computed once), or forced
/// by the caller (a kernel's operand in tensor code); every other node is written inline where it is used. Node ids
/// are a topological order, so statements follow them. Only nodes reachable from the result and the gradients are
/// scheduled: no dead code.
/// </summary>
internal sealed class Schedule
{
    private readonly GradientModel _model;
    private readonly NameAllocator _names;
    private readonly ISet<int> _forced;
    private readonly ISet<int> _excluded;
    private int _temporaries;
    private int _conditions;

    private Schedule(GradientModel model, NameAllocator names, ISet<int> forced, ISet<int> excluded)
    {
        _model = model;
        _names = names;
        _forced = forced;
        _excluded = excluded;
    }

    public List<ScheduledValue> Forward { get; } = new();

    public List<ScheduledValue> Backward { get; } = new();

    /// <summary>Gradient assignments not already made by a scheduled value.</summary>
    public List<FinalGradient> FinalGradients { get; } = new();

    public Dictionary<int, ScheduledValue> Variables { get; } = new();

    /// <summary>The name of the result in the math comments (<c>f</c> unless the user named it; <c>L</c> for a batch's mean loss).</summary>
    public string ResultName { get; private set; } = "f";

    public int ForwardOperations { get; private set; }

    public int BackwardOperations { get; private set; }

    /// <param name="model">The method and its adjoint graph.</param>
    /// <param name="names">Names already taken (the scope, the parameters, generated names); values get the others.</param>
    /// <param name="forced">Nodes stored whatever their use count (operands of kernels).</param>
    /// <param name="excluded">Nodes never given a statement (computed where they are used).</param>
    /// <param name="sampleWeight">How 1/B is named, for the comments.</param>
    public static Schedule Create(GradientModel model, NameAllocator names, ISet<int> forced, ISet<int> excluded, string sampleWeight)
    {
        var schedule = new Schedule(model, names, forced, excluded);
        schedule.Build(sampleWeight);
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

    private void Build(string sampleWeight)
    {
        var method = _model.Method;
        var dag = _model.Graph;
        var differentiable = method.Parameters.Select((p, index) => (p, index)).Where(x => x.p.IsDifferentiable).ToList();
        var roots = new[] { method.Output }.Concat(_model.Gradients).ToArray();
        var reachable = dag.Reachable(roots);
        var forward = dag.Reachable(new[] { method.Output });

        var uses = CountUses(_model);
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id] || dag[id].Args.Count == 0) continue;
            if (forward[id]) ForwardOperations++;
            else BackwardOperations++;
        }

        var userNames = new Dictionary<int, string>();
        foreach (var local in method.LocalNames)
        {
            if (!userNames.ContainsKey(local.Node)) userNames[local.Node] = local.Name;
        }
        var primalOf = new Dictionary<int, int>();
        foreach (var adjoint in _model.Adjoints)
        {
            if (!primalOf.ContainsKey(adjoint.Adjoint)) primalOf[adjoint.Adjoint] = adjoint.Primal;
        }
        var gradientOf = new Dictionary<int, (ParameterInfo Parameter, int Index)>();
        for (int k = 0; k < differentiable.Count; k++)
        {
            if (!gradientOf.ContainsKey(_model.Gradients[k])) gradientOf[_model.Gradients[k]] = differentiable[k];
        }

        if (!userNames.ContainsKey(method.Output) && dag[method.Output].Args.Count > 0)
        {
            userNames[method.Output] = "f";
        }
        // A model method's adjoints are of the batch's mean loss L, not of one sample's value.
        bool meanLoss = method.Kind == MethodKind.ModelMethod;
        var math = new MathPrinter(dag, node => Variables.TryGetValue(node, out var v) ? (v.Name, v.AdjointOf) : null,
            meanLoss ? "L" : "f", sampleWeight);

        var assigned = new HashSet<int>();
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id] || dag[id].Args.Count == 0) continue;
            bool isBackward = id >= _model.FirstBackwardNode;
            string? primal = primalOf.TryGetValue(id, out int p) ? DisplayName(p) : null;
            if (_excluded.Contains(id)) continue;
            // A broadcast leaf (the 1/B seed) is read in place unless a kernel needs it in memory.
            if (dag[id].Op == Op.Broadcast && dag[dag[id][0]].Arity == 0 && !_forced.Contains(id)) continue;
            bool named = userNames.ContainsKey(id) || (isBackward && primal is not null && !IsInput(p)) || _forced.Contains(id);
            if (!named && uses[id] < 2) continue;
            var gradient = isBackward && gradientOf.TryGetValue(id, out var g) ? g : default;
            bool outParameter = gradient.Parameter is { IsField: false } && (primal is null || IsInput(p));
            // The adjoint of a value written inline (e.g. the t1 + b1 inside max(t1 + b1, 0)) is shown as its expression.
            bool inlinedPrimal = isBackward && primal is null && primalOf.ContainsKey(id) && !outParameter;
            if (inlinedPrimal) primal = "(" + math.Print(p) + ")";

            ScheduledValue value;
            if (outParameter)
            {
                // Only a parameter's gradient: compute it straight into the out parameter.
                value = new ScheduledValue(id, gradient.Parameter!.GradientName, Storage.OutParameter, gradient.Parameter.Name.TrimStart('@'));
                assigned.Add(gradient.Index);
            }
            else if (userNames.TryGetValue(id, out var user))
            {
                value = new ScheduledValue(id, _names.Allocate(user.TrimStart('@')), Storage.Local, isBackward ? primal : null);
            }
            else if (isBackward && primal is not null)
            {
                // The adjoint of a value written inline takes a fresh temporary's name: dT5 for ∂L/∂(t1 + b1).
                string stem = inlinedPrimal ? DerivedName(p) : primal;
                value = new ScheduledValue(id, _names.Allocate("d" + NameAllocator.Capitalize(stem)), Storage.Local, primal);
            }
            else
            {
                value = new ScheduledValue(id, _names.Allocate(DerivedName(id)), Storage.Local, null);
            }
            Variables[id] = value;
            (isBackward ? Backward : Forward).Add(value);
        }

        ResultName = meanLoss ? "L" : DisplayName(method.Output) ?? "f";
        for (int k = 0; k < differentiable.Count; k++)
        {
            if (!assigned.Contains(differentiable[k].index)) FinalGradients.Add(new FinalGradient(differentiable[k].index, _model.Gradients[k]));
        }

        bool IsInput(int node) => dag[node].Op == Op.Input;

        string? DisplayName(int node) =>
            Variables.TryGetValue(node, out var v) ? v.Name
            : dag[node].Op == Op.Input ? dag[node].Name!.TrimStart('@')
            : null;

        string DerivedName(int node)
        {
            var n = dag[node];
            bool function = n.Args.Count == 1 && n.Op is not (Op.Neg or Op.Convert or Op.Not);
            if (function && DisplayName(n[0]) is { } argument) return OpTable.Of(n.Op).Name + NameAllocator.Capitalize(argument);
            if (function) return OpTable.Of(n.Op).Name;
            return n.Kind == ScalarKind.Boolean ? "c" + ++_conditions : "t" + ++_temporaries;
        }
    }
}
