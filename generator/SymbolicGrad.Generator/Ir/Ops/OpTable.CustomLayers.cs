using System.Collections.Generic;
using System.Linq;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// Custom layers: calls of a static function returning a Vec whose derivative is a user's pullback rule
/// (<c>void Rule(&lt;F's parameters&gt;, Vec dResult, &lt;Vec/Mat dParam …&gt;)</c>). The value is computed per sample by F's
/// overload <c>void F(&lt;F's parameters&gt;, Vec result)</c> into the call's buffer; each operand's gradient is one call of
/// the rule per sample, into that operand's buffer (the rule's other buffers get a scratch buffer, discarded).
/// </summary>
internal static partial class OpTable
{
    /// <summary><c>F(x, W …)</c>: one call of F's buffer-writing overload per sample.</summary>
    public static readonly OpDef LayerCall = new(Op.LayerCall, "layer", OpTraits.Structural)
    {
        Shape = (b, n) => Shape.Vector(n.Dim!, n.Args.Any(a => b[a].Batched)),
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            if (!CallTarget.Decode(n.Name!).IsDifferentiable(operand) || b[n[operand]].Rank == 0) return null;
            return b.Layer(Op.LayerRuleGrad, n.Name, operand, new[] { g, node }.Concat(n.Args).ToArray());
        },
        // A pullback gives no tangent: forward mode through a custom layer is refused at the call (SG0058).
        Math = new Notation.Custom((c, n) => (CallTarget.Decode(n.Name!).FunctionName + "(" + Arguments(c, n) + ")", Precedence.Primary)),
        OperandsInMemory = n => n.Args.ToArray(),
        Kernel = new LayerCallKernel(),
    };

    /// <summary>(∂F/∂xₖ)ᵀ·g by the rule, summed over the batch for a value shared by all samples (a weight).</summary>
    public static readonly OpDef LayerRuleGrad = new(Op.LayerRuleGrad, "dlayer", OpTraits.Structural)
    {
        Shape = (b, n) =>
        {
            var operand = b[n[2 + (int)n.Value]].Shape!;
            return operand.Batched ? operand.WithBatched(b[n[0]].Batched) : operand;
        },
        Math = new Notation.Custom((c, n) =>
        {
            var target = CallTarget.Decode(n.Name!);
            return ("(∂" + target.FunctionName + "/∂" + target.ParameterName((int)n.Value) + ")ᵀ·" + c.Operand(n[0], Precedence.Primary), Precedence.Multiplicative);
        }),
        OperandsInMemory = n => n.Args.Where((_, k) => k != 1).ToArray(),
        // The rule's buffers for the operands this node is not about.
        Scratch = new[] { ("Discarded", "float") },
        NeedsScratch = n => OtherParts(n).Any(),
        Kernel = new LayerRuleGradKernel(),
    };

    private const string Runtime = "global::SymbolicGrad";

    /// <summary>The operands of a <see cref="Op.LayerRuleGrad"/>'s call whose rule buffers it discards: the other differentiable ones.</summary>
    private static IEnumerable<int> OtherParts(Node n)
    {
        var target = CallTarget.Decode(n.Name!);
        return Enumerable.Range(0, n.Arity - 2).Where(k => k != (int)n.Value && target.IsDifferentiable(k));
    }

    /// <summary>The C# arguments of F's parameters for sample <paramref name="row"/>: a view of each Vec and Mat, each value's element.</summary>
    private static IEnumerable<string> LayerArguments(IKernelWriter w, IReadOnlyList<int> operands, string row) =>
        operands.Select(a => w[a].Rank == 0 ? w.Element(a, row, "0") : w.Sample(a, row));

    /// <summary><c>F(x[r], W, new Vec(y, r * n, n));</c> per sample.</summary>
    private sealed class LayerCallKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            var target = CallTarget.Decode(n.Name!);
            w.PerSample(n.Batched, scoped: false, () =>
            {
                string row = w.Row(n.Batched);
                var arguments = LayerArguments(w, n.Args.ToArray(), row).Append(w.Sample(node, row));
                w.Line($"{target.Function}({string.Join(", ", arguments)});");
            });
        }
    }

    /// <summary>Clears the buffer, then per sample <c>Rule(x[r], W, g[r], dX[r], discarded …);</c>, adding into it.</summary>
    private sealed class LayerRuleGradKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            var target = CallTarget.Decode(n.Name!);
            var operands = n.Args.Skip(2).ToArray();
            int part = (int)n.Value;
            bool batched = n.Batched || w[n[0]].Batched;
            // Where each other differentiable operand's buffer starts in the scratch, and its size (per sample: reused).
            var others = OtherParts(n).ToList();
            var offsets = new Dictionary<int, string>();
            string total = "0";
            foreach (int k in others)
            {
                offsets[k] = total;
                string size = w.Dim(w[operands[k]].Shape!.Size);
                total = total == "0" ? size : total + " + " + size;
            }
            string scratch = others.Count > 0 ? w.Scratch(node, "Discarded") : "";
            w.Line($"{w.Span(node)}.Clear();");
            if (others.Count > 0)
            {
                w.Line($"{scratch} = {CompilerServices}.Workspace.Grow({scratch}, {total});");
                w.Line($"{scratch}.AsSpan(0, {total}).Clear();");
            }
            w.PerSample(batched, scoped: false, () =>
            {
                string row = w.Row(batched);
                var arguments = LayerArguments(w, operands, row).Append(w.Sample(n[0], row)).ToList();
                for (int k = 0; k < operands.Length; k++)
                {
                    if (!target.IsDifferentiable(k)) continue;
                    if (k == part)
                    {
                        arguments.Add(w.Sample(node, row));
                        continue;
                    }
                    var shape = w[operands[k]].Shape!;
                    arguments.Add(shape.Rank == 2
                        ? $"new {Runtime}.Mat({scratch}, {offsets[k]}, {w.Dim(shape.Rows)}, {w.Dim(shape.Cols)})"
                        : $"new {Runtime}.Vec({scratch}, {offsets[k]}, {w.Dim(shape.Length)})");
                }
                w.Line($"{target.Rule}({string.Join(", ", arguments)});");
            });
        }
    }
}
