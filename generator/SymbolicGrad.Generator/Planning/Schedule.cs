using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Planning;

/// <summary>
/// Decides which nodes become statements, in what order and under which names, region by region: a loop becomes a
/// statement holding its body's statements. A node gets its own statement when it is a user's local, the result, an
/// adjoint of a named value, used more than once (so it is computed once), read from inside a loop nested deeper than
/// it (so it is computed once, outside), or forced by the caller (a kernel's operand in tensor code); every other node
/// is written inline where it is used. Node ids are a topological order, so statements follow them. Only nodes
/// reachable from the result, the gradients and the effects are scheduled: no dead code.
/// </summary>
internal sealed partial class Schedule
{
    private readonly GradientModel _model;
    private readonly Dag _dag;
    private readonly NameAllocator _names;
    private readonly ISet<int> _forced;
    private readonly ISet<int> _excluded;
    private readonly Dictionary<int, string> _userNames = new();
    private readonly Dictionary<int, int> _primalOf = new();
    private readonly Dictionary<int, (ParameterInfo Parameter, int Index)> _gradientOf = new();
    private readonly HashSet<int> _assigned = new();
    private readonly HashSet<int> _storeNext = new();
    private readonly HashSet<int> _assignedAtEnd = new();
    private readonly HashSet<int> _unnamed = new();
    private readonly List<TapeField> _tapeFields = new();
    private readonly NameAllocator _tapeNames = new();
    private bool[] _reachable = new bool[0];
    private int[] _uses = new int[0];
    private bool[] _usedDeeper = new bool[0];
    private MathPrinter _math = null!;
    private int _temporaries;
    private int _conditions;

    private Schedule(GradientModel model, NameAllocator names, ISet<int> forced, ISet<int> excluded)
    {
        _model = model;
        _dag = model.Graph;
        _names = names;
        _forced = forced;
        _excluded = excluded;
    }

    public List<ScheduledValue> Forward { get; } = new();

    public List<ScheduledValue> Backward { get; } = new();

    public List<Statement> ForwardCode { get; private set; } = new();

    public List<Statement> BackwardCode { get; private set; } = new();

    /// <summary>Gradient assignments not already made by a scheduled value.</summary>
    public List<FinalGradient> FinalGradients { get; } = new();

    public Dictionary<int, ScheduledValue> Variables { get; } = new();

    /// <summary>Every named node: scheduled values, carried variables, trip counts, restored values.</summary>
    public Dictionary<int, string> Names { get; } = new();

    /// <summary>The arrays loops keep per iteration for the backward pass, if any.</summary>
    public TapePlan? Tape { get; private set; }

    /// <summary>For each forward loop, what its backward pass reads per iteration (for the SG0104 information).</summary>
    public Dictionary<int, List<TapedValue>> TapedBy { get; } = new();

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

    /// <summary>The roots: the result, the gradients and the method body's effects.</summary>
    public static int[] Roots(GradientModel model) =>
        new[] { model.Method.Output }.Concat(model.Gradients).Concat(model.ExtraRoots).Concat(model.Graph.RootEffects).ToArray();

    /// <summary>How often each node is read by the nodes reachable from the roots (roots and region results count once).</summary>
    public static int[] CountUses(GradientModel model)
    {
        var dag = model.Graph;
        var roots = Roots(model);
        var reachable = dag.Reachable(roots);
        var uses = new int[dag.Count];
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id]) continue;
            foreach (int arg in dag[id].Args) uses[arg]++;
            if (dag[id].Body >= 0)
            {
                var body = dag.Regions[dag[id].Body];
                foreach (int result in body.Results) uses[result]++;
                foreach (int effect in body.Effects) uses[effect]++;
            }
        }
        foreach (int root in roots) uses[root]++;
        return uses;
    }

    private void Build(string sampleWeight)
    {
        var method = _model.Method;
        var roots = Roots(_model);
        _reachable = _dag.Reachable(roots);
        _uses = CountUses(_model);
        _usedDeeper = UsedFromDeeperRegions();
        var forward = _dag.Reachable(new[] { method.Output });
        for (int id = 0; id < _dag.Count; id++)
        {
            if (!_reachable[id] || _dag[id].Args.Count == 0 || OpTable.Of(_dag[id].Op).Is(OpTraits.Control)) continue;
            if (forward[id]) ForwardOperations++;
            else BackwardOperations++;
        }

        foreach (var local in method.LocalNames.Concat(_model.Recomputed))
        {
            if (!_userNames.ContainsKey(local.Node)) _userNames[local.Node] = local.Name;
        }
        foreach (var adjoint in _model.Adjoints)
        {
            if (!_primalOf.ContainsKey(adjoint.Adjoint)) _primalOf[adjoint.Adjoint] = adjoint.Primal;
        }
        var differentiable = method.Parameters.Select((p, index) => (p, index)).Where(x => x.p.IsDifferentiable).ToList();
        for (int k = 0; k < differentiable.Count; k++)
        {
            if (!_gradientOf.ContainsKey(_model.Gradients[k])) _gradientOf[_model.Gradients[k]] = differentiable[k];
        }
        if (!_userNames.ContainsKey(method.Output) && _dag[method.Output].Args.Count > 0 && _dag[method.Output].Op != Op.LoopResult)
        {
            _userNames[method.Output] = "f";
        }
        // A model method's adjoints are of the batch's mean loss L, not of one sample's value.
        bool meanLoss = method.Kind == MethodKind.ModelMethod;
        _math = new MathPrinter(_dag, node => Variables.TryGetValue(node, out var v) ? (v.Name, v.AdjointOf)
            : Names.TryGetValue(node, out var name) ? (name, null) : null, meanLoss ? "L" : "f", sampleWeight);

        ForwardCode = ScheduleRegion(0, backward: false);
        BackwardCode = ScheduleRegion(0, backward: true);

        ResultName = meanLoss ? "L" : DisplayName(method.Output) ?? "f";
        for (int k = 0; k < differentiable.Count; k++)
        {
            var (parameter, index) = differentiable[k];
            if (!_assigned.Contains(index) && !parameter.IsArray) FinalGradients.Add(new FinalGradient(index, _model.Gradients[k]));
        }
        if (_tapeFields.Count > 0)
        {
            string type = _names.Allocate(GeneratedMembers.TapeType(method.Name));
            Tape = new TapePlan(type, _names.Allocate(GeneratedMembers.CachedTape(method.Name)),
                _names.Allocate("tape"), _tapeFields.ToEquatableArray());
        }
    }

    /// <summary>For each node, whether a node of a region nested deeper than its own reads it.</summary>
    private bool[] UsedFromDeeperRegions()
    {
        var deeper = new bool[_dag.Count];
        for (int id = 0; id < _dag.Count; id++)
        {
            if (!_reachable[id]) continue;
            foreach (int arg in _dag[id].Args)
            {
                if (_dag[arg].Region != _dag[id].Region) deeper[arg] = true;
            }
        }
        return deeper;
    }

    /// <summary>The statements of one region (of the forward or the backward pass, for the method body).</summary>
    private List<Statement> ScheduleRegion(int region, bool backward)
    {
        for (int id = 0; id < _dag.Count; id++)
        {
            var loop = _dag[id];
            if (loop.Region == region && loop.Body >= 0 && _reachable[id]) PrepareLoop(id, _dag.Regions[loop.Body]);
        }
        var statements = new List<Statement>();
        for (int id = 0; id < _dag.Count; id++)
        {
            var n = _dag[id];
            if (n.Region != region || !_reachable[id]) continue;
            if (region == 0 && (id >= _model.FirstBackwardNode) != backward) continue;
            if (_excluded.Contains(id)) continue;
            switch (n.Op)
            {
                case Op.Loop:
                    statements.Add(ScheduleLoop(id));
                    continue;
                case Op.ReverseLoop:
                    statements.Add(ScheduleReverseLoop(id));
                    continue;
                case Op.Scatter or Op.RuleScatter:
                    statements.Add(new EffectStatement(id));
                    continue;
                case Op.RuleCall:
                    statements.Add(ScheduleRuleCall(id));
                    continue;
            }
            // Parameters, restored values and loop results are named by their loops, not computed by statements.
            if (n.Args.Count == 0 || n.Op == Op.Restore || OpTable.Of(n.Op).Is(OpTraits.Control)) continue;
            if (ScheduleValue(id, backward || id >= _model.FirstBackwardNode) is { } value) statements.Add(new ValueStatement(value));
        }
        return statements;
    }

    private ScheduledValue? ScheduleValue(int id, bool isBackward)
    {
        var n = _dag[id];
        string? primal = _primalOf.TryGetValue(id, out int p) ? DisplayName(p) : null;
        // A broadcast leaf (the 1/B seed) is read in place unless a kernel needs it in memory.
        if (n.Op == Op.Broadcast && _dag[n[0]].Arity == 0 && !_forced.Contains(id)) return null;
        // A loop's next value read nowhere else is assigned to its variable at the end of the iteration.
        if (_assignedAtEnd.Contains(id) && !_storeNext.Contains(id)) return null;
        bool userNamed = _userNames.ContainsKey(id) && !_unnamed.Contains(id);
        bool named = userNamed || (isBackward && primal is not null && !IsInput(p)) || _forced.Contains(id) || _storeNext.Contains(id);
        if (!named && (IsTrivial(id) || (_uses[id] < 2 && !_usedDeeper[id]))) return null;
        var gradient = isBackward && _gradientOf.TryGetValue(id, out var g) ? g : default;
        bool outParameter = gradient.Parameter is { IsField: false, IsArray: false } && (primal is null || IsInput(p)) && n.Region == 0;
        // The adjoint of a value written inline (e.g. the t1 + b1 inside max(t1 + b1, 0)) is shown as its expression.
        bool inlinedPrimal = isBackward && primal is null && _primalOf.ContainsKey(id) && !outParameter;
        if (inlinedPrimal) primal = "(" + _math.Print(p) + ")";

        ScheduledValue value;
        if (outParameter)
        {
            // Only a parameter's gradient: compute it straight into the out parameter.
            value = new ScheduledValue(id, gradient.Parameter!.GradientName, Storage.OutParameter, NameAllocator.Bare(gradient.Parameter.Name));
            _assigned.Add(gradient.Index);
        }
        else if (userNamed)
        {
            value = new ScheduledValue(id, _names.Allocate(_userNames[id]), Storage.Local, isBackward ? primal : null);
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
        Names[id] = value.Name;
        (isBackward ? Backward : Forward).Add(value);
        return value;
    }

    /// <summary>
    /// Before a loop is scheduled: its variables' initial values named after them leave the name to the variables, and
    /// next values read by nothing else than the loop's condition are assigned at the end of the iteration.
    /// </summary>
    public void PrepareLoop(int loop, Region region)
    {
        var n = _dag[loop];
        for (int j = 0; j < region.Parameters.Count; j++)
        {
            int next = region.Results[j];
            int initial = n[1 + j];
            if (_userNames.TryGetValue(initial, out var initialName) && _userNames.TryGetValue(region.Parameters[j], out var variable) && initialName == variable)
            {
                _unnamed.Add(initial);
            }
            if (next != region.Parameters[j] && _dag[next].Region == region.Id && _uses[next] == 1)
            {
                _assignedAtEnd.Add(next);
            }
        }
        if (region.Loop is { Exit: >= 0 } control)
        {
            _forced.Add(control.Exit);
            if (!_userNames.ContainsKey(control.Exit)) _userNames[control.Exit] = "stop";
        }
    }

    /// <summary>A forward loop: names for its carried variables and counters, what it tapes, then its body.</summary>
    private LoopStatement ScheduleLoop(int loop)
    {
        var n = _dag[loop];
        var region = _dag.Regions[n.Body];
        var carried = new List<CarriedVariable>();
        var taped = new HashSet<int>(RestoresOf(loop).Select(r => _dag[r].Ref));
        for (int j = 0; j < region.Parameters.Count; j++)
        {
            int parameter = region.Parameters[j];
            // A variable whose every read was folded away (a counter, when the loop always leaves in its first iteration)
            // is not declared: it would be a local assigned a constant and never read (CS0219).
            if (IsUnread(loop, region, j) && !taped.Contains(parameter) && !HeaderReads(region, parameter)) continue;
            string name = _names.Allocate(_userNames.TryGetValue(parameter, out var user) ? user : "v");
            Names[parameter] = name;
            foreach (int result in ResultsOf(loop, j)) Names[result] = name;
            int next = region.Results[j];
            carried.Add(new CarriedVariable(name, parameter, n[1 + j], next));
        }
        StoreCyclicNexts(region, carried);

        // What the backward pass restores from this loop's iterations.
        var tapedFields = new List<TapedValue>();
        var tapedAfter = new List<TapedValue>();
        foreach (int restore in RestoresOf(loop))
        {
            int reference = _dag[restore].Ref;
            var field = TapeFieldFor(reference, loop);
            (_dag[reference].Op == Op.Param ? tapedFields : tapedAfter).Add(field);
        }
        string? tapeIndex = tapedFields.Count + tapedAfter.Count > 0 ? _names.Allocate("k") : null;
        if (tapeIndex is not null) _tapeIndices[loop] = tapeIndex;
        int trips = TripsOf(loop);
        string? tripsName = trips >= 0 && _reachable[trips] ? _names.Allocate("trips") : null;
        if (tripsName is not null) Names[trips] = tripsName;
        TapedBy[loop] = tapedFields.Concat(tapedAfter).ToList();

        var body = ScheduleRegion(n.Body, backward: false);
        return new LoopStatement(loop, carried.ToEquatableArray(), body.ToEquatableArray(), tripsName, tapeIndex,
            tapedFields.ToEquatableArray(), tapedAfter.ToEquatableArray());
    }

    /// <summary>
    /// Whether the loop's test before each iteration reads <paramref name="parameter"/>: the test is printed inline in the
    /// loop's header, so its reads are not counted as uses.
    /// </summary>
    private bool HeaderReads(Region region, int parameter)
    {
        if (region.Loop is not { Condition: >= 0 } control) return false;
        var seen = new HashSet<int>();
        var stack = new Stack<int>();
        stack.Push(control.Condition);
        while (stack.Count > 0)
        {
            int id = stack.Pop();
            if (id == parameter) return true;
            if (!seen.Add(id) || _dag[id].Region != region.Id) continue;
            foreach (int arg in _dag[id].Args) stack.Push(arg);
        }
        return false;
    }

    private ReverseLoopStatement ScheduleReverseLoop(int reverse)
    {
        var n = _dag[reverse];
        var region = _dag.Regions[n.Body];
        int forwardLoop = n.Ref;
        var restored = new List<RestoredValue>();
        for (int id = 0; id < _dag.Count; id++)
        {
            var r = _dag[id];
            if (r.Op != Op.Restore || r.Region != n.Body || !_reachable[id]) continue;
            string restoredName = _names.Allocate(_userNames.TryGetValue(id, out var user) ? user : DerivedName(r.Ref));
            Names[id] = restoredName;
            restored.Add(new RestoredValue(id, restoredName, r.Arity > 0 ? null : TapeFieldFor(r.Ref, forwardLoop).Field));
        }

        var carried = new List<CarriedVariable>();
        for (int k = 0; k < region.Parameters.Count; k++)
        {
            if (IsUnread(reverse, region, k)) continue;
            int parameter = region.Parameters[k];
            int of = _dag[parameter].Ref;
            var results = ResultsOf(reverse, k).ToList();
            // An accumulator that is a parameter's whole gradient adds straight into its out parameter.
            var gradient = results.Select(r => _gradientOf.TryGetValue(r, out var g) ? g : default).FirstOrDefault(g => g.Parameter is { IsField: false, IsArray: false });
            string name;
            bool declared = true;
            if (gradient.Parameter is not null && !_assigned.Contains(gradient.Index) && _dag[reverse].Region == 0)
            {
                name = gradient.Parameter.GradientName;
                declared = false;
                _assigned.Add(gradient.Index);
            }
            else
            {
                name = _names.Allocate(_userNames.TryGetValue(parameter, out var user) ? user
                    : "d" + NameAllocator.Capitalize(of >= 0 ? DisplayName(of) ?? DerivedName(of) : "v"));
            }
            Names[parameter] = name;
            foreach (int result in results) Names[result] = name;
            int next = region.Results[k];
            // The comment names what the next value is the adjoint of: a restored value, or (an accumulator) a value from outside the loop.
            string? adjointOf = _primalOf.TryGetValue(next, out int primal) && DisplayName(primal) is { } display ? display
                : of >= 0 && _dag[of].Region != _dag[forwardLoop].Body ? DisplayName(of) : null;
            carried.Add(new CarriedVariable(name, parameter, n[1 + k], next, declared, adjointOf));
        }
        StoreCyclicNexts(region, carried);

        string iteration = _names.Allocate("t");
        string? tapeIndex = restored.Any(r => r.Field is not null) ? TapeIndexOf(forwardLoop) : null;
        var body = ScheduleRegion(n.Body, backward: true);
        return new ReverseLoopStatement(reverse, forwardLoop, iteration, tapeIndex, carried.ToEquatableArray(), restored.ToEquatableArray(),
            body.ToEquatableArray());
    }

    /// <summary>
    /// Whether carried value <paramref name="k"/> of a loop is read by nothing: not by the body, nor by another carried
    /// value's next value, nor after the loop. An adjoint whose only contributions were folded away (from a value
    /// multiplied by a constant 0) is such a value: it would be a local assigned constants and never read (CS0219).
    /// A forward loop's header and the backward pass's restores read values without counting as uses: for a forward
    /// loop, the caller checks those too.
    /// </summary>
    private bool IsUnread(int loop, Region region, int k)
    {
        int parameter = region.Parameters[k];
        int ownNext = region.Results[k] == parameter ? 1 : 0;
        return _uses[parameter] == ownNext && !ResultsOf(loop, k).Any(r => _reachable[r]);
    }

    private readonly Dictionary<int, string> _tapeIndices = new();
    private readonly Dictionary<int, TapedValue> _tapedFields = new();

    /// <summary>The tape array keeping <paramref name="reference"/>'s value per iteration of <paramref name="loop"/>.</summary>
    private TapedValue TapeFieldFor(int reference, int loop)
    {
        if (_tapedFields.TryGetValue(reference, out var known)) return known;
        string field = _tapeNames.Allocate(_userNames.TryGetValue(reference, out var user) ? user : DerivedName(reference));
        _tapeFields.Add(new TapeField(field, _dag[reference].Kind, loop.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return _tapedFields[reference] = new TapedValue(reference, field);
    }

    private string TapeIndexOf(int loop) => _tapeIndices[loop];

    /// <summary>The restores of the loop's values (reachable, read from the tape) in any reverse loop.</summary>
    private IEnumerable<int> RestoresOf(int loop)
    {
        for (int id = 0; id < _dag.Count; id++)
        {
            var r = _dag[id];
            if (r.Op != Op.Restore || r.Arity > 0 || !_reachable[id]) continue;
            var reference = _dag[r.Ref];
            int owner = reference.Op == Op.Param ? _dag.Regions[reference.Region].Owner : -1;
            bool innerResult = reference.Op is Op.LoopResult or Op.LoopTrips && _dag.Regions[reference.Region].Owner == loop;
            if (owner == loop || innerResult) yield return id;
        }
    }

    private IEnumerable<int> ResultsOf(int loop, int index)
    {
        for (int id = 0; id < _dag.Count; id++)
        {
            if (_dag[id].Op == Op.LoopResult && _dag[id][0] == loop && (int)_dag[id].Value == index) yield return id;
        }
    }

    private int TripsOf(int loop)
    {
        for (int id = 0; id < _dag.Count; id++)
        {
            if (_dag[id].Op == Op.LoopTrips && _dag[id][0] == loop) return id;
        }
        return -1;
    }

    /// <summary>
    /// Orders the carried variables so each takes its next value after every next value that reads its old one; next
    /// values caught in a cycle (a swap) are stored first.
    /// </summary>
    private void StoreCyclicNexts(Region region, List<CarriedVariable> carried)
    {
        var reads = carried.Select(c => ReadsBeforeAssigning(c.Next, region)).ToList();
        var order = new List<int>();
        var left = Enumerable.Range(0, carried.Count).ToList();
        while (left.Count > 0)
        {
            int pick = -1;
            foreach (int j in left)
            {
                if (left.All(k => k == j || !reads[k].Contains(carried[j].Parameter))) { pick = j; break; }
            }
            if (pick < 0)
            {
                // A cycle: store the remaining next values before any is assigned, then order again: a next value
                // that is another carried variable's old value (dV = dU in a rotation) must still be assigned before
                // that variable takes its own next value.
                bool stored = false;
                foreach (int j in left)
                {
                    if (_dag[carried[j].Next].Region == region.Id && _dag[carried[j].Next].Op != Op.Param) stored |= _storeNext.Add(carried[j].Next);
                }
                if (stored)
                {
                    reads = carried.Select(c => ReadsBeforeAssigning(c.Next, region)).ToList();
                    continue;
                }
                order.AddRange(left);
                break;
            }
            order.Add(pick);
            left.Remove(pick);
        }
        var sorted = order.Select(j => carried[j]).ToList();
        carried.Clear();
        carried.AddRange(sorted);
    }

    /// <summary>The region's parameters a next value reads when it is assigned: none if it is stored before any is.</summary>
    private HashSet<int> ReadsBeforeAssigning(int next, Region region) =>
        _storeNext.Contains(next) ? new HashSet<int>() : ParametersReadInline(next, region);

    /// <summary>The region's parameters an expression reads without a stored value in between.</summary>
    private HashSet<int> ParametersReadInline(int node, Region region)
    {
        var found = new HashSet<int>();
        var stack = new Stack<int>();
        stack.Push(node);
        var seen = new HashSet<int>();
        while (stack.Count > 0)
        {
            int id = stack.Pop();
            if (!seen.Add(id)) continue;
            var n = _dag[id];
            if (n.Op == Op.Param && n.Region == region.Id) found.Add(id);
            if (n.Region != region.Id || (id != node && WillBeStored(id))) continue;
            foreach (int arg in n.Args) stack.Push(arg);
        }
        return found;
    }

    /// <summary>Whether a node will be a statement of its own (a prediction used before its region is scheduled).</summary>
    private bool WillBeStored(int id) =>
        Variables.ContainsKey(id) || _forced.Contains(id) || _storeNext.Contains(id)
        || (!_assignedAtEnd.Contains(id) && !IsTrivial(id) && (_uses[id] >= 2 || (_userNames.ContainsKey(id) && !_unnamed.Contains(id))));

    /// <summary>Cheap enough to write again inside a loop rather than store: int arithmetic on leaves (<c>n - 1</c>).</summary>
    private bool IsTrivial(int id)
    {
        var n = _dag[id];
        return n.Kind == ScalarKind.Int32 && OpTable.Of(n.Op).Is(OpTraits.Elementwise) && n.Args.All(a => _dag[a].Arity == 0 && _dag[a].Op != Op.Param);
    }

    private bool IsInput(int node) => _dag[node].Op == Op.Input;

    private string? DisplayName(int node) =>
        Variables.TryGetValue(node, out var v) ? v.Name
        : Names.TryGetValue(node, out var name) ? name
        : _dag[node].Op == Op.Input ? NameAllocator.Bare(_dag[node].Name!)
        : null;

    private string DerivedName(int node)
    {
        var n = _dag[node];
        if (n.Op == Op.Param && _userNames.TryGetValue(node, out var user)) return user;
        if (n.Op == Op.LoopTrips) return "trips";
        if (n.Op is Op.Call or Op.LayerCall or Op.ValueCall) return CallName(n);
        if (n.Op == Op.ValueCallGrad)
        {
            // dSoftplusdX: ∂Softplus/∂x, x the function's own parameter (as a rule call's outs are named).
            var target = CallTarget.Decode(n.Name!);
            return "d" + NameAllocator.Capitalize(target.FunctionName) + "d" + NameAllocator.Capitalize(target.ParameterName((int)n.Value));
        }
        if (n.Op == Op.Restore) return _userNames.TryGetValue(n.Ref, out var restored) ? restored : DerivedName(n.Ref);
        // A function of one value, and the softmax of z from its log-sum-exp, are named after their (first) operand.
        bool function = (n.Args.Count == 1 && n.Op is not (Op.Neg or Op.Convert or Op.Not) && !OpTable.Of(n.Op).Is(OpTraits.Control)) || n.Op == Op.Softmax;
        if (function && DisplayName(n[0]) is { } argument) return OpTable.Of(n.Op).Name + NameAllocator.Capitalize(argument);
        if (function) return OpTable.Of(n.Op).Name;
        return n.Kind == ScalarKind.Boolean ? "c" + ++_conditions : "t" + ++_temporaries;
    }
}
