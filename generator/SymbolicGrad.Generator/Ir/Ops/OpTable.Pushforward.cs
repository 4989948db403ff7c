using System;
using System.Collections.Generic;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// Helpers of the forward-mode entries (<see cref="OpDef.Pushforward"/>). They are methods, not fields: entries of the
/// other partial files may be initialized first.
/// </summary>
internal static partial class OpTable
{
    /// <summary>
    /// The pushforward of an element-wise op, Σₖ ∂node/∂operandₖ · tₖ: its own pullback applied to each operand's
    /// tangent. An element-wise op's partials are scalars, so the pullback of g, g·∂ₖ, is also the contribution of tₖ;
    /// forward mode then uses exactly the partials reverse mode uses (∇f·t is the gradient's dot product with t).
    /// </summary>
    private static int? Linear(GraphBuilder b, int node, IReadOnlyList<int?> tangents)
    {
        var pullback = Of(b[node].Op).Pullback;
        int? sum = null;
        for (int k = 0; k < tangents.Count; k++)
        {
            if (tangents[k] is not int t || pullback?.Invoke(b, node, k, t) is not int part || b[part].IsConstantValue(0)) continue;
            sum = Plus(b, sum, part);
        }
        return sum;
    }

    /// <summary>No derivative flows through the op (constants, conditions, piecewise constant functions).</summary>
    private static int? NoTangent(GraphBuilder b, int node, IReadOnlyList<int?> tangents) => null;

    /// <summary>Loops, their parameters and results, restored values and effects: the tangent sweep carries them itself.</summary>
    private static int? CarriedBySweep(GraphBuilder b, int node, IReadOnlyList<int?> tangents) =>
        throw new InvalidOperationException($"{b[node].Op} is carried by the tangent sweep, not pushed forward");

    /// <summary>x + y where either may be zero (null).</summary>
    public static int? Plus(GraphBuilder b, int? x, int? y) => x is not int a ? y : y is not int c ? a : b.Add(a, c);

    /// <summary>The tangent, or a zero of the node's shape where the tangent is zero (an operand a structural op needs in full).</summary>
    private static int ZeroIfNull(GraphBuilder b, int? tangent, int node)
    {
        if (tangent is int t) return t;
        var n = b[node];
        int zero = b.Zero(n.Kind);
        return n.Shape is null ? zero : b.Structural(Op.Broadcast, n.Kind, n.Shape, null, zero);
    }
}
