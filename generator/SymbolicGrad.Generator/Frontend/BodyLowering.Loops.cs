using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Loops: <c>for</c>, <c>foreach</c> over an array or span parameter, <c>while</c> and <c>do</c>, with <c>break</c>,
/// <c>continue</c> and <c>return</c> inside. A loop becomes a <see cref="Op.Loop"/> node whose body region maps the
/// carried variables (those the loop assigns and that live outside it) at the start of an iteration to their values at
/// the next one, and says whether to go on; exits become conditions, as for <c>if</c>.
/// </summary>
internal sealed partial class BodyLowering
{
    private readonly List<LoopInfo> _loops = new();

    /// <summary>The loops of the method, for diagnostics about what each stores.</summary>
    public IReadOnlyList<LoopInfo> Loops => _loops;

    /// <summary>The loop being lowered: where its breaks, continues and returns go.</summary>
    private sealed class LoopContext
    {
        public LoopContext(ILoopOperation operation) => Operation = operation;

        public ILoopOperation Operation { get; }

        public List<(int? Guard, Environment Env)> Breaks { get; } = new();

        public List<(int? Guard, Environment Env)> Continues { get; } = new();

        public List<(int? Guard, int Value)> Returns { get; } = new();
    }

    private static bool IsOwnLoopExit(IBranchOperation branch, LoopContext loop) =>
        SymbolEqualityComparer.Default.Equals(branch.Target, branch.BranchKind == BranchKind.Break ? loop.Operation.ExitLabel : loop.Operation.ContinueLabel);

    private void ExecuteLoopExit(IBranchOperation branch, Flow flow)
    {
        var exits = branch.BranchKind == BranchKind.Break ? flow.Loop!.Breaks : flow.Loop!.Continues;
        exits.Add((flow.Path, flow.Env.Clone()));
        flow.Exited = true;
    }

    private void ExecuteLoop(ILoopOperation loop, Flow flow)
    {
        if (_tensors is not null)
        {
            // Tensor code loops only over a model's layers.
            ExecuteLayerLoop(loop, flow);
            return;
        }
        var keyword = loop.Syntax.GetFirstToken();
        string keywordText = keyword.ValueText;
        IOperation? condition;
        IOperation body = loop.Body;
        IEnumerable<IOperation> atBottom = Enumerable.Empty<IOperation>();
        bool conditionAtTop = true;
        object? position = null;
        int array = -1;
        ILocalSymbol? element = null;
        switch (loop)
        {
            case IForLoopOperation forLoop:
                foreach (var statement in forLoop.Before) ExecuteFlow(statement, flow);
                condition = forLoop.Condition;
                atBottom = forLoop.AtLoopBottom;
                break;
            case IWhileLoopOperation { ConditionIsUntil: false } whileLoop:
                condition = whileLoop.Condition;
                conditionAtTop = whileLoop.ConditionIsTop;
                break;
            case IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation declarator } forEach
                when ArrayOf(forEach.Collection, flow.Env) is int collection:
                // foreach (var v in a) is for (int k = 0; k < a.Length; k++) { var v = a[k]; … }.
                array = collection;
                element = declarator.Symbol;
                position = new HiddenVariable("k");
                flow.Env.Set(position, _graph.Zero(ScalarKind.Int32));
                condition = null;
                break;
            case IForEachLoopOperation forEach:
                Report(DiagnosticCatalogue.UnsupportedLoop, LocationInfo.From(keyword), "foreach",
                    "it must go over an array or span parameter, one element at a time (foreach (var x in values))");
                return;
            default:
                Report(DiagnosticCatalogue.UnsupportedLoop, LocationInfo.From(keyword), keywordText, "write it as a for, foreach, while or do loop");
                return;
        }
        if (Failed) return;

        _graph.Guard = And(_callSite, flow.Path);
        int Length(int arrayNode) => _graph.Length(_graph[arrayNode].Shape!.Length, ScalarKind.Int32);
        int Test(Environment env) => array >= 0
            ? _graph.Binary(Op.Less, env.TryGet(position!, out int k) ? k : -1, Length(array))
            : condition is null ? True : EvaluateCondition(condition, env);
        // A loop the path never reaches, or whose condition is false from the start, never runs its body.
        if (flow.Path is int reached && _graph[reached].IsConstantValue(0)) return;
        if (conditionAtTop && _graph[Test(flow.Env)].IsConstantValue(0)) return;
        int guard = And(_callSite, flow.Path) ?? True;

        var carried = CarriedVariables(loop, flow.Env);
        if (position is not null) carried.Insert(0, position);
        var init = carried.Select(v => flow.Env.TryGet(v, out int node) ? node : -1).ToList();
        var returnKind = ScalarKind.Double;

        _graph.OpenRegion();
        var bodyEnv = flow.Env.Clone();
        var parameters = new List<int>();
        for (int j = 0; j < carried.Count; j++)
        {
            int p = _graph.Param(j, _graph.KindOf(init[j]), _graph.ShapeOf(init[j]));
            parameters.Add(p);
            Assign(carried[j], p, bodyEnv);
        }
        // The loop's condition, over the values an iteration starts from (the body runs only where the loop is reached).
        _graph.Guard = _callSite;
        int top = Test(bodyEnv);
        var context = new LoopContext(loop);
        var bodyFlow = new Flow(bodyEnv, context.Returns, context);
        if (element is not null) Assign(element, ArrayRead(array, parameters[0], True), bodyEnv);
        ExecuteFlow(body, bodyFlow);

        // The iteration's normal end: the fall-through and every continue, in source order (the first whose path held).
        var ends = context.Continues.ToList();
        if (!bodyFlow.Exited) ends.Add((bodyFlow.Path, bodyFlow.Env));
        var next = bodyEnv.Clone();
        int? normalPath = null;
        if (ends.Count > 0)
        {
            foreach (var variable in carried)
            {
                int value = ends[ends.Count - 1].Env.TryGet(variable, out int last) ? last : -1;
                for (int e = ends.Count - 2; e >= 0; e--)
                {
                    if (ends[e].Env.TryGet(variable, out int earlier) && value >= 0)
                    {
                        value = ends[e].Guard is int g ? _graph.Select(g, earlier, value) : earlier;
                    }
                }
                if (value >= 0) next.Set(variable, value);
            }
            normalPath = ends.Any(e => e.Guard is null) ? null : ends.Select(e => e.Guard!.Value).Aggregate((a, b) => _graph.Binary(Op.Or, a, b));
        }

        // The increments run where the iteration completed.
        var nextFlow = new Flow(next, context.Returns, context) { Path = normalPath };
        _graph.Guard = And(_callSite, normalPath);
        foreach (var statement in atBottom) ExecuteFlow(statement, nextFlow);
        if (position is not null) next.Set(position, _graph.Add(parameters[0], _graph.One(ScalarKind.Int32)));

        // Breaks and returns end the loop; a break keeps the variables as they were at the break. An iteration with no
        // normal end always leaves.
        var exitGuards = context.Breaks.Select(b => b.Guard).Concat(context.Returns.Select(r => r.Guard)).ToList();
        if (ends.Count == 0) exitGuards.Add(null);
        int? exit = exitGuards.Count == 0 ? null : exitGuards.Select(g => g ?? True).Aggregate((a, b) => _graph.Binary(Op.Or, a, b));
        var results = new List<int>();
        var steps = new List<int>();
        for (int j = 0; j < carried.Count; j++)
        {
            int value = next.TryGet(carried[j], out int n) ? n : parameters[j];
            int normal = value;
            for (int b = context.Breaks.Count - 1; b >= 0; b--)
            {
                var (breakGuard, env) = context.Breaks[b];
                int atBreak = env.TryGet(carried[j], out int v) ? v : parameters[j];
                value = breakGuard is int g ? _graph.Select(g, atBreak, value) : atBreak;
            }
            results.Add(value);
            steps.Add(StepOf(parameters[j], normal));
        }
        bool returns = context.Returns.Count > 0;
        if (returns)
        {
            // A return inside the loop ends it and the method: whether one ran, and its value, are carried out of the loop.
            returnKind = _graph.KindOf(context.Returns[0].Value);
            _names.Add(new NodeName(_graph.Param(carried.Count, ScalarKind.Boolean), "returned"));
            int returnValueParam = _graph.Param(carried.Count + 1, returnKind);
            _names.Add(new NodeName(returnValueParam, "returnValue"));
            int returned = context.Returns.Select(r => r.Guard ?? True).Aggregate((a, b) => _graph.Binary(Op.Or, a, b));
            int value = returnValueParam;
            for (int r = context.Returns.Count - 1; r >= 0; r--)
            {
                var (returnGuard, v) = context.Returns[r];
                value = returnGuard is int g ? _graph.Select(g, _graph.Convert(v, returnKind), value) : _graph.Convert(v, returnKind);
            }
            results.Add(returned);
            results.Add(value);
            steps.Add(0);
            steps.Add(0);
        }
        int region = _graph.CurrentRegion;
        var control = new LoopControl(_graph[top].IsConstantValue(1) ? -1 : top, exit ?? -1, conditionAtTop);
        _graph.CloseRegion(results, steps, control);

        var args = new List<int> { guard };
        args.AddRange(init);
        if (returns)
        {
            args.Add(False);
            args.Add(_graph.Zero(returnKind));
        }
        int node = _graph.Owner(Op.Loop, ScalarKind.Boolean, region, args.ToArray());
        _loops.Add(new LoopInfo(node, keywordText, LocationInfo.From(keyword)));
        for (int j = 0; j < carried.Count; j++)
        {
            Assign(carried[j], _graph.LoopResult(node, j), flow.Env);
        }
        if (returns)
        {
            int returned = _graph.LoopResult(node, carried.Count);
            flow.Returns.Add((PathAnd(flow.Loop is null ? flow.Condition : flow.Path, returned), _graph.LoopResult(node, carried.Count + 1)));
            flow.Path = PathAnd(flow.Path, _graph.Not(returned));
        }
        _graph.Guard = And(_callSite, flow.Path);
    }

    private int True => _graph.Constant(1, ScalarKind.Boolean);

    private int False => _graph.Constant(0, ScalarKind.Boolean);

    /// <summary>c when an iteration adds the constant c to an int parameter (i++, i -= 2), else 0.</summary>
    private int StepOf(int parameter, int next)
    {
        if (_graph.KindOf(parameter) != ScalarKind.Int32) return 0;
        var n = _graph[next];
        if (n.Op == Op.Add && n[0] == parameter && _graph[n[1]].IsConstant) return (int)_graph[n[1]].Value;
        if (n.Op == Op.Add && n[1] == parameter && _graph[n[0]].IsConstant) return (int)_graph[n[0]].Value;
        if (n.Op == Op.Sub && n[0] == parameter && _graph[n[1]].IsConstant) return -(int)_graph[n[1]].Value;
        return 0;
    }

    /// <summary>The variables declared before the loop that it assigns: each iteration hands them to the next.</summary>
    private static List<object> CarriedVariables(ILoopOperation loop, Environment env)
    {
        var carried = new List<object>();
        foreach (var operation in loop.Descendants())
        {
            IEnumerable<IOperation> targets = operation switch
            {
                IAssignmentOperation assignment when assignment is not IDeconstructionAssignmentOperation => new[] { assignment.Target },
                IDeconstructionAssignmentOperation deconstruction => deconstruction.Target is ITupleOperation tuple ? tuple.Elements : new[] { deconstruction.Target },
                IIncrementOrDecrementOperation increment => new[] { increment.Target },
                _ => Enumerable.Empty<IOperation>(),
            };
            foreach (var target in targets)
            {
                ISymbol? symbol = target switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                if (symbol is not null && env.TryGet(symbol, out _) && !carried.OfType<ISymbol>().Contains(symbol, SymbolEqualityComparer.Default))
                {
                    carried.Add(symbol);
                }
            }
        }
        return carried;
    }
}
