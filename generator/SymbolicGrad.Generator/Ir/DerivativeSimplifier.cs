namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// Rewrites that hold in real arithmetic but may change a result's last bit, or its value at a NaN or ∞, used only
/// while building derivatives: 0·x → 0 and x + 0 → x (an adjoint that is zero contributes nothing), constant factors
/// merged, negations pulled out (so sums read as subtractions), x/x → 1 and (a·x)/x → a, and arithmetic pushed into a
/// select whose other branch is zero. The last one matters for piecewise code: the adjoint of an untaken branch is <c>c ? g : 0</c>, and multiplying
/// it by a local derivative that is infinite or NaN on the untaken side (√ at a negative, log at 0) must still give 0,
/// so <c>(c ? g : 0)·d</c> becomes <c>c ? g·d : 0</c>.
/// </summary>
internal static class DerivativeSimplifier
{
    public static int? TryRewrite(GraphBuilder b, Node node) => node.Op switch
    {
        Op.Add => Add(b, node[0], node[1]),
        Op.Sub => Sub(b, node[0], node[1]),
        Op.Mul => Mul(b, node[0], node[1]),
        Op.Div => Div(b, node, node[0], node[1]),
        Op.Neg => Neg(b, node[0]),
        Op.Convert => DistributeOverSelect(b, node[0], other => b.Convert(other, node.Kind)),
        _ => null,
    };

    private static bool IsZero(GraphBuilder b, int id) => Simplifier.IsZero(b, id);

    private static bool IsNegativeConstant(GraphBuilder b, int id) => b[id].IsConstant && b[id].Kind.IsReal() && b[id].Value < 0;

    private static int? Add(GraphBuilder b, int x, int y)
    {
        if (IsZero(b, x)) return y;
        if (IsZero(b, y)) return x;
        return null;
    }

    private static int? Sub(GraphBuilder b, int x, int y)
    {
        if (IsZero(b, y)) return x;
        if (IsZero(b, x)) return b.Neg(y);
        return null;
    }

    private static int? Mul(GraphBuilder b, int x, int y)
    {
        if (IsZero(b, x) || IsZero(b, y)) return b.Zero(b.KindOf(x));
        if (b[x].Op == Op.Neg && b[y].Op == Op.Neg) return b.Mul(b[x][0], b[y][0]);
        if (FoldConstantFactors(b, x, y) is int merged) return merged;
        // A negative factor becomes a negation, which sums then turn into subtractions (a + −c·y → a − c·y).
        if (IsNegativeConstant(b, x)) return b.Neg(b.Mul(b.Constant(-b[x].Value, b.KindOf(x)), y));
        if (IsNegativeConstant(b, y)) return b.Neg(b.Mul(x, b.Constant(-b[y].Value, b.KindOf(y))));
        if (b[x].Op == Op.Neg) return b.Neg(b.Mul(b[x][0], y));
        if (b[y].Op == Op.Neg) return b.Neg(b.Mul(x, b[y][0]));
        return DistributeOverSelect(b, x, other => b.Mul(other, y))
            ?? DistributeOverSelect(b, y, other => b.Mul(x, other));
    }

    /// <summary>c₁·(c₂·x) → (c₁c₂)·x.</summary>
    private static int? FoldConstantFactors(GraphBuilder b, int x, int y)
    {
        foreach (var (c, other) in new[] { (x, y), (y, x) })
        {
            if (!b[c].IsConstant || b[other].Op != Op.Mul) continue;
            var inner = b[other];
            if (b[inner[0]].IsConstant) return b.Mul(b.Mul(c, inner[0]), inner[1]);
            if (b[inner[1]].IsConstant) return b.Mul(b.Mul(c, inner[1]), inner[0]);
        }
        return null;
    }

    private static int? Div(GraphBuilder b, Node node, int x, int y)
    {
        if (IsZero(b, x)) return x;
        if (b.KindOf(y).IsReal() && !b.Contains(node) && Cancel(b, x, y) is int quotient) return quotient;
        if (b[x].Op == Op.Neg) return b.Neg(b.Div(b[x][0], y));
        if (IsNegativeConstant(b, x)) return b.Neg(b.Div(b.Constant(-b[x].Value, b.KindOf(x)), y));
        return DistributeOverSelect(b, x, other => b.Div(other, y));
    }

    /// <summary>
    /// x / x → 1 and (a·x) / x → a. The chain rule writes them when a rule divides by the value another multiplied by:
    /// d(x·log x)/dx = log x + x·(1/x) reaches log's rule as g / x with g = x. For finite nonzero x the quotient is a
    /// exactly (x / x is exactly 1 in IEEE arithmetic; (a·x) / x is a up to the rounding of a·x), which is where the
    /// method is differentiable; at x = 0 or ±∞ the unfolded code gives 0/0 or ∞/∞ = NaN, the folded one the limit of
    /// the derivative (log 0 + 1 = −∞, the slope of x·log x at 0⁺). A quotient the forward pass computes (the user
    /// wrote x / x) is kept, so the derivative reads the same value the forward pass did.
    /// </summary>
    private static int? Cancel(GraphBuilder b, int x, int y)
    {
        // A constant has no shape: only a shared scalar folds to one (a vector's 1s must keep their shape).
        if (x == y) return b.ShapeOf(x) is null ? b.One(b.KindOf(x)) : null;
        var n = b[x];
        if (n.Op != Op.Mul) return null;
        if (n[1] == y && b.ShapeOf(n[0]) == b.ShapeOf(x)) return n[0];
        if (n[0] == y && b.ShapeOf(n[1]) == b.ShapeOf(x)) return n[1];
        return null;
    }

    private static int? Neg(GraphBuilder b, int x)
    {
        var n = b[x];
        if (n.Op == Op.Sub) return b.Sub(n[1], n[0]);
        return DistributeOverSelect(b, x, b.Neg);
    }

    /// <summary>f(c ? a : 0) → c ? f(a) : 0 when f(0) is 0, so f never meets the untaken side's value.</summary>
    private static int? DistributeOverSelect(GraphBuilder b, int x, System.Func<int, int> f)
    {
        var n = b[x];
        if (n.Op != Op.Select) return null;
        // f of the zero side folds to a zero constant (of f's kind).
        return IsZero(b, n[1]) || IsZero(b, n[2]) ? b.Select(n[0], f(n[1]), f(n[2])) : null;
    }
}
