using System;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// The condition under which the code being lowered runs: the path of the statement (its enclosing <c>if</c>s), the
/// branch of a <c>?:</c>, the right side of <c>&amp;&amp;</c> and <c>||</c>, a switch arm, and for an inlined method
/// the condition of its call site. The graph builder gives an op that may throw (integer division, Clamp, an index)
/// safe operands where it does not hold, because generated code may compute a value before its condition is known.
/// </summary>
internal sealed partial class BodyLowering
{
    /// <summary>The condition of the call site of the method being inlined (null: the method itself, or unconditional).</summary>
    private int? _callSite;

    /// <summary>Sets the guard to the statement's path for its duration.</summary>
    private GuardScope GuardFor(Flow flow)
    {
        var scope = new GuardScope(_graph);
        _graph.Guard = And(_callSite, flow.Path);
        return scope;
    }

    /// <summary>Evaluates under <paramref name="condition"/> as well as the current guard.</summary>
    private int Under(int condition, Func<int> evaluate)
    {
        using var scope = new GuardScope(_graph);
        _graph.Guard = And(_graph.Guard, condition);
        return evaluate();
    }

    /// <summary>The right operand of a binary operator: run only when <c>&amp;&amp;</c>'s left is true, <c>||</c>'s false.</summary>
    private int EvaluateRight(IBinaryOperation binary, int left, Environment env) => binary.OperatorKind switch
    {
        BinaryOperatorKind.ConditionalAnd => Under(left, () => Evaluate(binary.RightOperand, env)),
        BinaryOperatorKind.ConditionalOr => Under(_graph.Not(left), () => Evaluate(binary.RightOperand, env)),
        _ => Evaluate(binary.RightOperand, env),
    };

    /// <summary>Inlines under the current guard: the callee's statements run only where its call does.</summary>
    private CallSiteScope AtCallSite() => new(this);

    private int? And(int? a, int? b) => a is int x ? b is int y ? _graph.Binary(Op.And, x, y) : x : b;

    /// <summary>Restores the guard on dispose.</summary>
    private readonly struct GuardScope : IDisposable
    {
        private readonly GraphBuilder _graph;
        private readonly int? _outer;

        public GuardScope(GraphBuilder graph)
        {
            _graph = graph;
            _outer = graph.Guard;
        }

        public void Dispose() => _graph.Guard = _outer;
    }

    /// <summary>Makes the current guard the call site's condition, and restores both on dispose.</summary>
    private readonly struct CallSiteScope : IDisposable
    {
        private readonly BodyLowering _lowering;
        private readonly int? _outerCallSite;
        private readonly GuardScope _guard;

        public CallSiteScope(BodyLowering lowering)
        {
            _lowering = lowering;
            _outerCallSite = lowering._callSite;
            _guard = new GuardScope(lowering._graph);
            lowering._callSite = lowering._graph.Guard;
        }

        public void Dispose()
        {
            _lowering._callSite = _outerCallSite;
            _guard.Dispose();
        }
    }
}
