using System;
using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>
/// Writes the statements of tensor code's passes: each stored value into its buffer (a kernel call for structural ops,
/// one fused element loop — vectorized where exact — for the rest), and each buffered gradient's terms once ready.
/// </summary>
internal static class PassWriter
{
    /// <summary>Makes the buffer of a stored value a local (growing it in the workspace if asked).</summary>
    public static void Bind(TensorCode c, ScheduledValue value, bool grow)
    {
        var n = c.Dag[value.Node];
        string type = n.Kind.Keyword();
        string workspace = c.Names.Workspace;
        int operand = c.TakesOver(value.Node);
        if (operand >= 0)
        {
            string previous = c.Name(operand);
            c.Line(grow
                ? $"{type}[] {value.Name} = {previous}; // {previous} is not read again: {value.Name} overwrites it in place"
                : $"{type}[] {value.Name} = {workspace}.{c.Field(value.Node)};");
            return;
        }
        c.Line(grow
            ? $"{type}[] {value.Name} = {workspace}.{value.Name} = {FileLayout.Runtime}.CompilerServices.Workspace.Grow({workspace}.{value.Name}, {c.Size(n)});"
            : $"{type}[] {value.Name} = {workspace}.{value.Name};");
    }

    /// <summary>The statement(s) computing one stored value.</summary>
    public static void WriteValue(TensorCode c, ScheduledValue value)
    {
        int id = value.Node;
        var n = c.Dag[id];
        c.Line("// " + (value.AdjointOf is { } primal
            ? $"∂{c.Plan.ResultName}/∂{primal} = {c.Math.PrintDefinition(id)}"
            : $"{value.Name} = {c.Math.PrintDefinition(id)}"));
        if (OpTable.Of(n.Op).Kernel is { } kernel)
        {
            kernel.Write(c, n, id);
            return;
        }
        // Element-wise: one fused loop over the batch and the elements.
        string row = c.Row(n.Batched);
        string index = c.Names.Index;
        void WriteLoop()
        {
            // Printed here, so that a row loop records what they read.
            string definition = c.Printer(c.Names.Row, index).PrintDefinition(id);
            // In a row loop, lanes of buffers of the loop's length are read unchecked, their rows checked once by the loop.
            var length = n.Rank == 1 && n.Kind == ScalarKind.Single ? n.Shape!.Length : null;
            int mark = c.CheckedMark;
            string? lanes = length is not null ? c.Lanes(c.Names.Row, index, c.RowRange is null ? null : length).PrintDefinition(id) : null;
            if (lanes is null)
            {
                c.DropChecksAfter(mark);
                c.Loop(n.Batched, n.Rank == 1 ? c.Dim(n.Shape!.Length) : null, () => c.Line($"{c.Element(id, row, index)} = {definition};"));
                return;
            }
            var (buffer, position) = c.Position(id, row, index);
            string store = c.RowRange is not null && c.CheckedLoad(id, buffer, length!) ? "StoreInRows" : "Store";
            // Outside the batch loop, i needs a scope of its own.
            c.Block(!n.Batched, () => c.Loop(n.Batched, null, () => c.VectorLoop(c.Dim(n.Shape!.Length),
                $"{c.LanesClass}.{store}({buffer}, {position}, {lanes});", $"{buffer}[{position}] = {definition};")));
        }
        // A model method's batched loops become row loops the runtime may split over threads, where they can.
        if (!RowLoopWriter.TryWrite(c, value, WriteLoop)) WriteLoop();
    }

    /// <summary>
    /// The backward statements, each buffered parameter's gradient added as soon as its terms are ready: into the
    /// caller's buffer (a tensor function's dX), or through the parameter store under its gradient lock (a model's).
    /// </summary>
    /// <param name="c">The code.</param>
    /// <param name="optional">A value computed only where <paramref name="condition"/> holds (a layer's input gradient), if any.</param>
    /// <param name="condition">The condition of <paramref name="optional"/>.</param>
    public static void WriteBackward(TensorCode c, int optional = -1, string? condition = null)
    {
        // The optional value is computed only when asked for, unless something else reads it too: in a layer that only
        // adds a bias, ∂L/∂h is ∂L/∂(h + b), which the bias's gradient sums.
        bool ReadsOptional(int node) => node == optional || c.Dag[node].Args.Any(a => a == optional);
        if (c.Tensor.Gradients.Any(g => g.Terms.Any(t => ReadsOptional(t.Node)))
            || c.Plan.Backward.Any(v => v.Node != optional && c.Dag[v.Node].Args.Any(a => a == optional)))
        {
            optional = -1;
        }
        for (int at = -1; at < c.Plan.Backward.Count; at++)
        {
            if (at >= 0)
            {
                var value = c.Plan.Backward[at];
                if (value.Node == optional) c.Line($"if ({condition})");
                c.Block(value.Node == optional, () =>
                {
                    Bind(c, value, grow: true);
                    WriteValue(c, value);
                });
            }
            var ready = c.Tensor.Gradients.Where(g => g.ReadyAfter == at && g.Terms.Count > 0).ToList();
            for (int k = 0; k < ready.Count; k++)
            {
                var gradient = ready[k];
                if (!gradient.Locked)
                {
                    var parameter = c.Method.Parameters[gradient.Parameter];
                    c.Line($"var {gradient.Span} = {c.GradientSpan?.Invoke(parameter) ?? parameter.GradientName + ".Span"}; // {GradientMath(c, gradient)}");
                    foreach (var term in gradient.Terms) WriteGradientTerm(c, parameter, gradient.Span!, term);
                    continue;
                }
                // The store adds the kernel terms (or applies them as the optimizer's update); element-wise terms go into
                // the gradient it hands out. One call at a time per model: the gradients ready together share one lock.
                int end = k;
                while (end + 1 < ready.Count && ready[end + 1].Locked) end++;
                var locked = ready.GetRange(k, end - k + 1);
                k = end;
                c.Line($"lock ({c.Parameters}.GradientLock)");
                c.Block(true, () =>
                {
                    foreach (var g in locked)
                    {
                        var parameter = c.Method.Parameters[g.Parameter];
                        c.Line("// " + GradientMath(c, g));
                        if (g.Span is { } span) c.Line($"var {span} = {c.Parameters}.GradientToAdd({parameter.Name});");
                        foreach (var term in g.Terms) WriteGradientTerm(c, parameter, g.Span ?? "", term);
                    }
                });
            }
        }
    }

    /// <summary>A gradient as its terms' sum, for the comment above its code: ∂L/∂W = Σ ∂L/∂t·xᵀ.</summary>
    private static string GradientMath(TensorCode c, GradientAccumulation gradient)
    {
        var parameter = c.Method.Parameters[gradient.Parameter];
        string terms = string.Join(" + ", gradient.Terms.Select(t => (t.Negated ? "−" : "") + c.Math.Print(t.Node)));
        return (c.GradientLabel?.Invoke(parameter) ?? $"∂{c.Plan.ResultName}/∂{Identifiers.Bare(c.Dag[parameter.Input].Name!)}") + " = " + terms;
    }

    private static void WriteGradientTerm(TensorCode c, ParameterInfo parameter, string gradient, GradientTerm term)
    {
        var n = c.Dag[term.Node];
        switch (term.Route)
        {
            case TermRoute.Kernel:
                OpTable.Of(n.Op).Kernel!.AddInto(c, n, gradient, term.Negated);
                return;
            case TermRoute.Store:
                OpTable.Of(n.Op).Kernel!.AddIntoStore(c, n, parameter.Name, term.Negated);
                return;
        }
        // Element-wise (a scalar broadcasts over the parameter's elements).
        string i = c.Names.Index;
        var element = c.Printer("0", i);
        string sign = term.Negated ? "-=" : "+=";
        var shape = c.Dag[parameter.Input].Shape!;
        string length = c.Dim(shape.Size);
        string? lanes = shape.Rank == 1 && n.Kind == ScalarKind.Single ? c.Lanes("0", i).PrintDefinitionOrLoad(term.Node) : null;
        if (lanes is null)
        {
            c.Line($"for (int {i} = 0; {i} < {length}; {i}++) {gradient}[{i}] {sign} {element.Print(term.Node)};");
            return;
        }
        c.Block(true, () => c.VectorLoop(length, $"{c.LanesClass}.Store({gradient}, {i}, {c.LanesClass}.Load({gradient}, {i}) {(term.Negated ? "-" : "+")} {lanes});",
            $"{gradient}[{i}] {sign} {element.Print(term.Node)};"));
    }
}
