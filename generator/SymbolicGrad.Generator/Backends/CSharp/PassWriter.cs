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
        string definition = c.Printer(c.Names.Row, index).PrintDefinition(id);
        string? lanes = n.Rank == 1 && n.Kind == ScalarKind.Single ? c.Lanes(c.Names.Row, index).PrintDefinition(id) : null;
        if (lanes is null)
        {
            c.Loop(n.Batched, n.Rank == 1 ? c.Dim(n.Shape!.Length) : null, () => c.Line($"{c.Element(id, row, index)} = {definition};"));
            return;
        }
        var (buffer, position) = c.Position(id, row, index);
        // Outside the batch loop, i needs a scope of its own.
        c.Block(!n.Batched, () => c.Loop(n.Batched, null, () => c.VectorLoop(c.Dim(n.Shape!.Length),
            $"{c.LanesClass}.Store({buffer}, {position}, {lanes});", $"{buffer}[{position}] = {definition};")));
    }

    /// <summary>
    /// The backward statements, each buffered parameter's gradient added as soon as its terms are ready.
    /// </summary>
    /// <param name="target">The memory of a parameter's gradient (<c>Parameters.GradientOf(W1).Span</c>, <c>dW.Span</c>).</param>
    /// <param name="local">The local that holds it.</param>
    public static void WriteBackward(TensorCode c, Func<ParameterInfo, string> target, Func<ParameterInfo, string> local)
    {
        for (int at = -1; at < c.Plan.Backward.Count; at++)
        {
            if (at >= 0)
            {
                Bind(c, c.Plan.Backward[at], grow: true);
                WriteValue(c, c.Plan.Backward[at]);
            }
            foreach (var gradient in c.Tensor.Gradients.Where(g => g.ReadyAfter == at && g.Terms.Count > 0))
            {
                var parameter = c.Method.Parameters[gradient.Parameter];
                string span = local(parameter);
                string terms = string.Join(" + ", gradient.Terms.Select(t => (t.Negated ? "−" : "") + c.Math.Print(t.Node)));
                c.Line($"var {span} = {target(parameter)}; // ∂{c.Plan.ResultName}/∂{c.Dag[parameter.Input].Name} = {terms}");
                foreach (var term in gradient.Terms) WriteGradientTerm(c, parameter.Input, span, term);
            }
        }
    }

    private static void WriteGradientTerm(TensorCode c, int parameter, string gradient, GradientTerm term)
    {
        var n = c.Dag[term.Node];
        if (term.Direct)
        {
            OpTable.Of(n.Op).Kernel!.AddInto(c, n, gradient, term.Negated);
            return;
        }
        // Element-wise (a scalar broadcasts over the parameter's elements).
        string i = c.Names.Index;
        var element = c.Printer("0", i);
        string sign = term.Negated ? "-=" : "+=";
        string length = c.Dim(c.Dag[parameter].Shape!.Size);
        string? lanes = c.Dag[parameter].Rank == 1 && n.Kind == ScalarKind.Single ? c.Lanes("0", i).PrintDefinitionOrLoad(term.Node) : null;
        if (lanes is null)
        {
            c.Line($"for (int {i} = 0; {i} < {length}; {i}++) {gradient}[{i}] {sign} {element.Print(term.Node)};");
            return;
        }
        c.Block(true, () => c.VectorLoop(length, $"{c.LanesClass}.Store({gradient}, {i}, {c.LanesClass}.Load({gradient}, {i}) {(term.Negated ? "-" : "+")} {lanes});",
            $"{gradient}[{i}] {sign} {element.Print(term.Node)};"));
    }
}
