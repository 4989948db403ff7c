using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.Mermaid;

/// <summary>
/// Draws a <see cref="ProgramPlan"/> as a <see cref="GraphPicture"/>: a box per input, per statement of the forward and
/// backward passes (loops as groups with their carried variables) and per gradient, labelled with the same math as the
/// generated code's comments; an arrow from every stored value or input a statement reads. It only reads the plan's
/// decisions: a forward value read by the backward pass is stored, a forward operation the backward pass writes inline
/// is recomputed, a value of the tensor plan's in-place list overwrites its operand's buffer; a [DerivativeOf] rule's
/// call is a box of its own, the source of the derivatives (and array buffers) it gives.
/// </summary>
internal sealed class PictureBuilder
{
    private const string Forward = "forward", Backward = "backward";

    /// <summary>Arrow labels of a reverse loop's restored values: from the tape (stored), or recomputed from the counter.</summary>
    private const string Restores = "restores", Recomputes = "recomputes";

    private readonly ProgramPlan _plan;
    private readonly Dag _dag;
    private readonly MathPrinter _math;
    private readonly string _result;
    private readonly GraphPicture _picture = new();
    private readonly Dictionary<int, Box> _owner = new();
    private readonly List<(Box Reader, int Node, bool Self, string? Label, bool Dashed)> _reads = new();
    private readonly HashSet<(string, string)> _arrows = new();

    private PictureBuilder(ProgramPlan plan)
    {
        _plan = plan;
        _dag = plan.Graph;
        var variables = plan.Forward.Concat(plan.Backward).ToDictionary(v => v.Node);
        var names = plan.NodeNames.ToDictionary(n => n.Node, n => n.Name);
        _result = plan.ResultName;
        _math = new MathPrinter(_dag, node => variables.TryGetValue(node, out var v) ? (v.Name, v.AdjointOf)
            : names.TryGetValue(node, out var name) ? (name, null) : null, plan.ResultName, plan.Names.SampleWeight);
    }

    public static GraphPicture Draw(ProgramPlan plan) => new PictureBuilder(plan).Draw();

    private GraphPicture Draw()
    {
        var method = _plan.Method;
        foreach (var parameter in method.Parameters)
        {
            var box = Add("n" + parameter.Input, Identifiers.Bare(parameter.Name), BoxStyle.Input, null, forward: false);
            if (!parameter.IsDifferentiable) box.Notes.Add("no gradient");
            _owner[parameter.Input] = box;
        }
        _picture.Groups.Add(new BoxGroup(Forward, "Forward pass", null));
        _picture.Groups.Add(new BoxGroup(Backward, "Backward pass", null));
        foreach (var statement in _plan.ForwardCode) AddStatement(statement, Forward, forward: true);
        if (!_owner.ContainsKey(method.Output))
        {
            // The result is an input or a constant: no statement computes it.
            var result = Add("n" + method.Output, _result + " = " + _math.Print(method.Output), BoxStyle.Forward, Forward, forward: true);
            _owner[method.Output] = result;
            ReadsOf(result, method.Output, self: false);
        }
        _owner[method.Output].Notes.Add("the result");
        foreach (var statement in _plan.BackwardCode) AddStatement(statement, Backward, forward: false);
        AddGradients();
        if (_plan.Tensor is { } tensor)
        {
            foreach (var inPlace in tensor.InPlace)
            {
                if (!_owner.TryGetValue(inPlace.Value, out var box)) continue;
                box.Notes.Add("overwrites " + _math.Print(inPlace.Operand) + ", not read again");
                if (box.Style is BoxStyle.Forward or BoxStyle.Backward) box.Style = BoxStyle.Overwrites;
            }
        }
        // Arrows last: the backward pass's reads decide what is stored, and may add recomputed boxes.
        for (int k = 0; k < _reads.Count; k++)
        {
            var (reader, node, self, label, dashed) = _reads[k];
            foreach (var source in Sources(reader, node, self)) Connect(source, reader, label, dashed);
        }
        foreach (var box in _picture.Boxes.Where(b => b.IsForward && b.Style is BoxStyle.Forward or BoxStyle.Overwrites))
        {
            if (!ReadByBackward(box)) continue;
            box.Notes.Add("stored for the backward pass");
            box.Style = BoxStyle.Stored;
        }
        return _picture;
    }

    private bool ReadByBackward(Box box) =>
        _picture.Arrows.Any(a => a.From == box.Id && a.Label != Recomputes
            && _picture.Boxes.First(b => b.Id == a.To) is { IsForward: false, Style: not BoxStyle.Input });

    private Box Add(string id, string math, BoxStyle style, string? group, bool forward)
    {
        var box = new Box(id, math, style, group) { IsForward = forward };
        _picture.Boxes.Add(box);
        return box;
    }

    /// <summary>Records that <paramref name="reader"/> reads <paramref name="node"/> (itself when <paramref name="self"/>, else its operands).</summary>
    private void ReadsOf(Box reader, int node, bool self, string? label = null, bool dashed = false) =>
        _reads.Add((reader, node, self, label, dashed));

    private void AddStatement(Statement statement, string group, bool forward)
    {
        switch (statement)
        {
            case ValueStatement { Value: var value }:
            {
                string name = value.AdjointOf is { } primal ? $"∂{_result}/∂{primal}" : value.Name;
                var box = Add("n" + value.Node, name + " = " + _math.PrintDefinition(value.Node), forward ? BoxStyle.Forward : BoxStyle.Backward, group, forward);
                _owner[value.Node] = box;
                ReadsOf(box, value.Node, self: false);
                break;
            }
            case EffectStatement effect:
            {
                var n = _dag[effect.Node];
                string array = Identifiers.Bare(n.Name ?? "array");
                string add = n.Op == Ir.Op.RuleScatter ? $"∂{_result}/∂{array} += {_math.Print(effect.Node)}" : $"∂{_result}/∂{array}[{_math.Print(n[1])}] += {_math.Print(n[0])}";
                var box = Add("n" + effect.Node, add,
                    forward ? BoxStyle.Forward : BoxStyle.Gradient, group, forward);
                _owner[effect.Node] = box;
                ReadsOf(box, effect.Node, self: false);
                break;
            }
            case RuleCallStatement call:
            {
                // The rule's call: one box for all its outs (an array's is a buffer), read by whatever uses them.
                string outs = string.Join(", ", call.Outs.Where(o => o.Length > 0));
                string rule = CallTarget.Decode(_dag[call.Call].Name!).RuleName;
                var box = Add("n" + call.Call, $"{outs} = {_math.Print(call.Call)}, by the rule {rule}",
                    forward ? BoxStyle.Forward : BoxStyle.Backward, group, forward);
                _owner[call.Call] = box;
                for (int id = call.Call + 1; id < _dag.Count; id++)
                {
                    if (_dag[id].Op == Op.RuleOut && _dag[id][0] == call.Call) _owner[id] = box;
                }
                ReadsOf(box, call.Call, self: false);
                break;
            }
            case LoopStatement loop:
                AddLoop(loop, group);
                break;
            case ReverseLoopStatement reverse:
                AddReverseLoop(reverse, group);
                break;
        }
    }

    private string Keyword(int loop) => _plan.Method.Loops.FirstOrDefault(l => l.Node == loop)?.Keyword ?? "loop";

    private void AddLoop(LoopStatement loop, string parent)
    {
        string id = "loop" + loop.Loop;
        _picture.Groups.Add(new BoxGroup(id, Keyword(loop.Loop) + " loop", parent));
        var taped = new HashSet<int>(loop.Taped.Concat(loop.TapedAfter).Select(t => t.Node));
        for (int j = 0; j < loop.Carried.Count; j++)
        {
            var carried = loop.Carried[j];
            var box = Add("n" + carried.Parameter, Carried(carried.Name, carried), BoxStyle.Forward, id, forward: true);
            if (taped.Contains(carried.Parameter))
            {
                box.Notes.Add("kept on the tape, each iteration");
                box.Style = BoxStyle.Stored;
            }
            _owner[carried.Parameter] = box;
            foreach (int result in ResultsOf(loop.Loop, carried.Parameter)) _owner[result] = box;
            ReadsOf(box, carried.Initial, self: true, "first");
            ReadsOf(box, carried.Next, self: true, "next", dashed: true);
        }
        if (loop.Trips is { } trips)
        {
            foreach (int node in Enumerable.Range(0, _dag.Count).Where(n => _dag[n].Op == Op.LoopTrips && _dag[n][0] == loop.Loop).Take(1))
            {
                _owner[node] = Add("n" + node, trips + " = iterations", BoxStyle.Forward, id, forward: true);
            }
        }
        foreach (var statement in loop.Body) AddStatement(statement, id, forward: true);
        foreach (var after in loop.TapedAfter)
        {
            if (_owner.TryGetValue(after.Node, out var box) && box.Style != BoxStyle.Stored)
            {
                box.Notes.Add("kept on the tape, each iteration");
                box.Style = BoxStyle.Stored;
            }
        }
    }

    private void AddReverseLoop(ReverseLoopStatement reverse, string parent)
    {
        string id = "loop" + reverse.Loop;
        _picture.Groups.Add(new BoxGroup(id, "reverse of the " + Keyword(reverse.Forward) + " loop, last iteration first", parent));
        foreach (var restored in reverse.Restored)
        {
            bool fromTape = restored.Field is not null;
            var box = Add("n" + restored.Restore, restored.Name + (fromTape ? " from the tape" : " recomputed"),
                fromTape ? BoxStyle.Backward : BoxStyle.Recomputed, id, forward: false);
            box.Notes.Add(fromTape ? "restored: this iteration's value" : "recomputed from the loop's counter");
            _owner[restored.Restore] = box;
            int forwardValue = _dag[restored.Restore].Ref;
            if (forwardValue >= 0) ReadsOf(box, forwardValue, self: true, fromTape ? Restores : Recomputes, dashed: true);
        }
        for (int j = 0; j < reverse.Carried.Count; j++)
        {
            var carried = reverse.Carried[j];
            string name = carried.AdjointOf is { } primal ? $"{carried.Name} = ∂{_result}/∂{primal}" : carried.Name;
            var box = Add("n" + carried.Parameter, Carried(name, carried), BoxStyle.Backward, id, forward: false);
            _owner[carried.Parameter] = box;
            foreach (int result in ResultsOf(reverse.Loop, carried.Parameter)) _owner[result] = box;
            ReadsOf(box, carried.Initial, self: true, "first");
            ReadsOf(box, carried.Next, self: true, "next", dashed: true);
        }
        foreach (var statement in reverse.Body) AddStatement(statement, id, forward: false);
    }

    /// <summary>A carried variable: its value before the first iteration, then from one iteration to the next.</summary>
    private string Carried(string name, CarriedVariable carried) =>
        $"{name}: {_math.Print(carried.Initial)}, then {_math.Print(carried.Next)}";

    /// <summary>The results of the loop's carried value <paramref name="parameter"/> (the plan may list carried values in another order, or leave some out).</summary>
    private IEnumerable<int> ResultsOf(int loop, int parameter)
    {
        int index = _dag.Regions[_dag[loop].Body].Parameters.ToList().IndexOf(parameter);
        return Enumerable.Range(0, _dag.Count).Where(n => _dag[n].Op == Op.LoopResult && _dag[n][0] == loop && (int)_dag[n].Value == index);
    }

    /// <summary>The gradients the backward pass hands out: out parameters written at the end, buffered gradients' terms.</summary>
    private void AddGradients()
    {
        var method = _plan.Method;
        foreach (var final in _plan.FinalGradients)
        {
            var parameter = method.Parameters[final.Parameter];
            // A buffered gradient is drawn from its accumulation below.
            if (_plan.Tensor is not null && parameter.IsField) continue;
            var box = Add("g" + final.Parameter, $"∂{_result}/∂{Identifiers.Bare(parameter.Name)} = {_math.Print(final.Node)}", BoxStyle.Gradient, Backward, forward: false);
            ReadsOf(box, final.Node, self: true);
        }
        foreach (var value in _plan.Backward.Where(v => v.Storage == Storage.OutParameter))
        {
            if (_owner.TryGetValue(value.Node, out var box) && box.Style == BoxStyle.Backward) box.Style = BoxStyle.Gradient;
        }
        if (_plan.Tensor is not { } tensor) return;
        foreach (var gradient in tensor.Gradients)
        {
            var parameter = method.Parameters[gradient.Parameter];
            string terms = string.Join(" ", gradient.Terms.Select((t, k) =>
                (t.Negated ? "− " : k == 0 ? "" : "+ ") + _math.Print(t.Node)));
            var box = Add("g" + gradient.Parameter, $"∂{_result}/∂{Identifiers.Bare(parameter.Name)} += {terms}", BoxStyle.Gradient, Backward, forward: false);
            foreach (var term in gradient.Terms) ReadsOf(box, term.Node, self: true);
        }
    }

    /// <summary>
    /// The boxes <paramref name="reader"/> reads through <paramref name="node"/>: boxes of stored values and inputs,
    /// found through the operations written inline. A forward operation a backward statement writes inline gets a
    /// recomputed box of its own (and its reads).
    /// </summary>
    private IEnumerable<Box> Sources(Box reader, int node, bool self)
    {
        var found = new List<Box>();
        var seen = new HashSet<int>();
        var stack = new Stack<int>();
        if (self) stack.Push(node);
        else foreach (int arg in _dag[node].Args) stack.Push(arg);
        while (stack.Count > 0)
        {
            int id = stack.Pop();
            if (!seen.Add(id)) continue;
            if (_owner.TryGetValue(id, out var box))
            {
                if (box != reader) found.Add(box);
                continue;
            }
            var n = _dag[id];
            if (n.Arity == 0 || OpTable.Of(n.Op).Is(OpTraits.Control)) continue;
            if (!reader.IsForward && id < _plan.Model.FirstBackwardNode && n.Region == 0)
            {
                var recomputed = Add("n" + id, _math.PrintDefinition(id), BoxStyle.Recomputed, reader.Group ?? Backward, forward: false);
                recomputed.Notes.Add("recomputed by the backward pass");
                _owner[id] = recomputed;
                ReadsOf(recomputed, id, self: false);
                found.Add(recomputed);
                continue;
            }
            foreach (int arg in n.Args) stack.Push(arg);
        }
        return found;
    }

    private void Connect(Box from, Box to, string? label, bool dashed)
    {
        if (_arrows.Add((from.Id, to.Id))) _picture.Arrows.Add(new Arrow(from.Id, to.Id, label, dashed));
    }
}
