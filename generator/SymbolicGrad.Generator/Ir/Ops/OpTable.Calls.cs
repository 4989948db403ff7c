using System;
using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// Calls of functions whose derivative is a user's <c>[DerivativeOf]</c> rule. The value is the function's own (the
/// forward pass computes what the user's method computes); the derivatives are the outs of one call of the rule, a
/// statement of its own, made where a derivative is first asked for.
/// </summary>
internal static partial class OpTable
{
    /// <summary><c>F(a, b)</c>: opaque, so it stays where the user's code calls it.</summary>
    public static readonly OpDef Call = new(Op.Call, "call", OpTraits.Pinned)
    {
        // ∂/∂operand = the rule's out for it, in the operand's kind (as FGradient's out would be).
        Pullback = (b, node, operand, g) =>
        {
            var target = CallTarget.Decode(b[node].Name!);
            if (!target.IsDifferentiable(operand)) return null;
            var array = b[b[node][operand]];
            if (array.Shape is not null)
            {
                // An array operand: the rule added ∂F/∂array into a buffer; g times it goes into the array's gradient.
                b.Effect(new Node(Op.RuleScatter, array.Kind, new EquatableArray<int>(new[] { b.Convert(g, array.Kind), RuleOutOf(b, node, operand) }), Name: array.Name));
                return null;
            }
            return b.Mul(b.Convert(g, b.KindOf(b[node][operand])), RuleOutOf(b, node, operand));
        },
        // Σ ∂F/∂xₖ · tₖ from the rule's outs: forward mode needs no rule of its own.
        Pushforward = CallPushforward,
        Math = new Notation.Custom((c, n) => (CallTarget.Decode(n.Name!).FunctionName + "(" + Arguments(c, n) + ")", Precedence.Primary)),
        // Under its guard: code computed ahead of the branch that makes the call runs F only where the method does.
        CSharp = new Notation.Custom((c, n) => UnderGuard(c, n, CallTarget.Decode(n.Name!).Function + "(" + Arguments(c, n) + ")")),
    };

    /// <summary>
    /// The rule's call, written as a statement with its outs (<c>FRule(a, b, out double dFdA, out _);</c>), under the
    /// call's guard (its last operand, as the function's): outside it the outs stay 0.
    /// </summary>
    public static readonly OpDef RuleCall = new(Op.RuleCall, "rule", OpTraits.Pinned)
    {
        Pushforward = CallPushforward,
        Math = new Notation.Custom((c, n) => ("∇" + CallTarget.Decode(n.Name!).FunctionName + "(" + Arguments(c, n) + ")", Precedence.Primary)),
    };

    /// <summary>A derivative the rule gave (in its parameter's kind); a rule is first order, so it has no derivative of its own.</summary>
    public static readonly OpDef RuleOut = new(Op.RuleOut, "ruleout", OpTraits.Control)
    {
        Pushforward = (b, node, t) =>
            throw new InvalidOperationException($"the rule {CallTarget.Decode(b[b[node][0]].Name!).RuleName} gives first derivatives only"),
        Math = new Notation.Custom((c, n) =>
        {
            var call = c[n[0]];
            var target = CallTarget.Decode(call.Name!);
            return ("∂" + target.FunctionName + "/∂" + c.Operand(call[target.OperandOf((int)n.Value)], Precedence.Primary), Precedence.Primary);
        }),
    };

    /// <summary>g·∂F/∂a added into every element of array a's gradient: written as a statement.</summary>
    public static readonly OpDef RuleScatter = new(Op.RuleScatter, "rulescatter", OpTraits.Pinned | OpTraits.Effect)
    {
        Pushforward = (b, node, t) => throw new InvalidOperationException("a rule gives first derivatives only"),
        Math = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Multiplicative) + "·" + c.Operand(n[1], Precedence.Multiplicative), Precedence.Multiplicative)),
    };

    /// <summary>∂F/∂a · tA, the directional derivative through an array operand of a rule.</summary>
    public static readonly OpDef RuleDot = new(Op.RuleDot, "ruledot", OpTraits.Pinned)
    {
        Pushforward = (b, node, t) => throw new InvalidOperationException("a rule gives first derivatives only"),
        Math = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Multiplicative) + "·" + c.Operand(n[1], Precedence.Multiplicative), Precedence.Multiplicative)),
        CSharp = new Notation.Custom((c, n) =>
            ("global::SymbolicGrad.CompilerServices.Kernels.RuleDot(" + c.Operand(n[0], 0) + ", " + c.Operand(n[1], 0) + ")", Precedence.Primary)),
    };

    /// <summary>The function's arguments: a call's operands but its last, the guard.</summary>
    private static string Arguments(IExpressionContext c, Node n) =>
        string.Join(", ", Enumerable.Range(0, ArgumentCount(n)).Select(k => c.Operand(n[k], 0)));

    /// <summary>How many of a <see cref="Op.Call"/>'s, <see cref="Op.RuleCall"/>'s or <see cref="Op.ValueCall"/>'s operands are the function's arguments.</summary>
    public static int ArgumentCount(Node call) => CallTarget.Decode(call.Name!).Differentiable.Length;

    /// <summary>
    /// The condition under which the user's method calls the function, the operand after the function's arguments: an
    /// <see cref="Op.Call"/> always has one (true: always); a per-sample <see cref="Op.ValueCall"/> or
    /// <see cref="Op.ValueCallGrad"/> only under a condition. Null: always.
    /// </summary>
    public static int? GuardOf(Node call) => call.Arity > ArgumentCount(call) ? call[ArgumentCount(call)] : null;

    /// <summary><paramref name="text"/>, or under the call's guard <c>c ? text : 0</c>.</summary>
    private static (string, int) UnderGuard(IExpressionContext c, Node n, string text) =>
        GuardOf(n) is int guard && !c[guard].IsConstantValue(1)
            ? (c.Operand(guard, Precedence.Conditional + 1) + " ? " + text + " : " + Literals.Format(0, n.Kind, c.IsMath).Text, Precedence.Conditional)
            : (text, Precedence.Primary);

    private static int? CallPushforward(GraphBuilder b, int node, IReadOnlyList<int?> tangents)
    {
        var n = b[node];
        var target = CallTarget.Decode(n.Name!);
        int? sum = null;
        for (int k = 0; k < tangents.Count; k++)
        {
            if (tangents[k] is not int t || !target.IsDifferentiable(k)) continue;
            var operand = b[n[k]];
            if (operand.Shape is not null)
            {
                // An array operand: Σ ∂F/∂a[i]·tA[i] from the rule's buffer.
                int dot = b.Pinned(new Node(Op.RuleDot, operand.Kind, new EquatableArray<int>(new[] { RuleOutOf(b, node, k), t })));
                sum = Plus(b, sum, b.Convert(dot, n.Kind));
                continue;
            }
            sum = Plus(b, sum, b.Convert(b.Mul(RuleOutOf(b, node, k), t), n.Kind));
        }
        return sum;
    }

    /// <summary>∂F/∂(operand), out of the rule's call on the same operands in the current region (one call for all outs).</summary>
    private static int RuleOutOf(GraphBuilder b, int node, int operand)
    {
        var n = b[node];
        int rule = b.Pinned(new Node(Op.RuleCall, n.Kind, n.Args, Name: n.Name));
        int @out = CallTarget.Decode(n.Name!).OutOf(operand);
        return b.Pinned(new Node(Op.RuleOut, b.KindOf(n[operand]), new EquatableArray<int>(new[] { rule }), Value: @out));
    }
}
