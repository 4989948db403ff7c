using System.Linq;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// Calls, in code on Vec and Mat, of functions of values (double/float) whose derivative is a user's <c>[DerivativeOf]</c>
/// rule (<c>T Rule(&lt;F's parameters&gt;, out T dX …)</c>), on float values derived from vectors
/// (<c>Smooth(Sum(x))</c>): per sample of a batch, F gives the value and the rule each derivative, into buffers.
/// </summary>
internal static partial class OpTable
{
    /// <summary><c>F(a, b)</c> per sample: <c>y[r] = F(a[r], b[r]);</c>.</summary>
    public static readonly OpDef ValueCall = new(Op.ValueCall, "call", OpTraits.Structural)
    {
        Shape = (b, n) => b.Broadcast(n.Args.ToArray()),
        // ∂/∂operand = the rule's out for it (in the operand's kind), per sample, times the adjoint.
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            if (!CallTarget.Decode(n.Name!).IsDifferentiable(operand)) return null;
            var kind = b.KindOf(n[operand]);
            int derivative = b.Rebuild(new Node(Op.ValueCallGrad, kind, n.Args, n.Shape, operand, n.Name));
            return b.Mul(b.Convert(g, kind), derivative);
        },
        // Σₖ ∂F/∂operandₖ·tₖ: the rule's derivatives (per sample) times the operands' tangents, as the pullback builds them.
        Pushforward = (b, node, t) =>
        {
            int? sum = null;
            for (int k = 0; k < t.Count; k++)
            {
                if (t[k] is not int tangent || ValueCall!.Pullback!(b, node, k, tangent) is not int part) continue;
                sum = Plus(b, sum, b.Convert(part, b[node].Kind));
            }
            return sum;
        },
        Math = new Notation.Custom((c, n) => UnderGuard(c, n, CallTarget.Decode(n.Name!).FunctionName + "(" + Arguments(c, n) + ")")),
        Kernel = new ValueCallKernel(),
    };

    /// <summary>∂F/∂(operand <see cref="Node.Value"/>) per sample, by the rule: <c>Rule(a[r], b[r], out d[r], out _);</c>.</summary>
    public static readonly OpDef ValueCallGrad = new(Op.ValueCallGrad, "rule", OpTraits.Structural)
    {
        Math = new Notation.Custom((c, n) =>
        {
            var target = CallTarget.Decode(n.Name!);
            return UnderGuard(c, n, "∂" + target.FunctionName + "/∂" + c.Operand(n[(int)n.Value], Precedence.Primary));
        }),
        Kernel = new ValueCallGradKernel(),
    };

    /// <summary>The guard as the kernel reads it for sample <paramref name="row"/>; null when the call has none or it is always true.</summary>
    private static string? GuardElement(IKernelWriter w, Node n, string row) =>
        GuardOf(n) is int guard && !w[guard].IsConstantValue(1) ? w.Element(guard, row, "0") : null;

    /// <summary>An expression as the condition of <c>?:</c>: in parentheses unless it is a name or an element.</summary>
    private static string Parenthesized(string expression) => expression.Any(char.IsWhiteSpace) ? "(" + expression + ")" : expression;

    private sealed class ValueCallKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            var target = CallTarget.Decode(n.Name!);
            w.PerSample(n.Batched, scoped: false, () =>
            {
                string row = w.Row(n.Batched);
                string call = $"{target.Function}({string.Join(", ", Enumerable.Range(0, ArgumentCount(n)).Select(k => w.Element(n[k], row, "0")))})";
                // Where the condition does not hold the method does not call F (it may throw there): 0.
                string value = GuardElement(w, n, row) is { } guard ? $"{Parenthesized(guard)} ? {call} : {Literals.Format(0, n.Kind, false).Text}" : call;
                w.Line($"{w.Element(node, row, "0")} = {value};");
            });
        }
    }

    private sealed class ValueCallGradKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            var target = CallTarget.Decode(n.Name!);
            int part = (int)n.Value;
            w.PerSample(n.Batched, scoped: false, () =>
            {
                string row = w.Row(n.Batched);
                string derivative = w.Element(node, row, "0");
                var arguments = Enumerable.Range(0, ArgumentCount(n)).Select(k => w.Element(n[k], row, "0"))
                    .Concat(Enumerable.Range(0, target.Outs).Select(k => target.OperandOf(k) == part ? "out " + derivative : "out _"));
                string statement = $"{target.Rule}({string.Join(", ", arguments)});";
                string comment = $" // ∂{target.FunctionName}/∂{target.ParameterName(part)}, by the rule {target.RuleName}";
                // The rule runs only where the method calls F; elsewhere the derivative is 0 (not a NaN the rule might give there).
                w.Line(GuardElement(w, n, row) is { } guard
                    ? $"if ({guard}) {statement} else {derivative} = {Literals.Format(0, n.Kind, false).Text};{comment}"
                    : statement + comment);
            });
        }
    }
}
