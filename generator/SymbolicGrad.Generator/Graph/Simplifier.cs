using System.Linq;

namespace SymbolicGrad.Generator.Graph;

/// <summary>
/// Local algebraic rewrites applied as nodes are built: constant folding, identities (x·1, x+0, 0·x, −−x),
/// and pushing arithmetic into selects whose other branch is zero. The last one matters for piecewise code:
/// the adjoint of an untaken branch is <c>c ? g : 0</c>, and multiplying it by a local derivative that is
/// infinite or NaN on the untaken side (√ at a negative, log at 0) must still give 0, so
/// <c>(c ? g : 0)·d</c> becomes <c>c ? g·d : 0</c>.
/// </summary>
internal static class Simplifier
{
    /// <summary>Returns an existing or simpler node equal to <paramref name="node"/>, or null to keep it.</summary>
    public static int? TryRewrite(GraphBuilder b, Node node)
    {
        if (node.Op != Op.Select && node.Args.All(a => b[a].IsConstant))
        {
            double? folded = ConstantFolder.Fold(node.Op, node.Kind, node.Args.Select(a => b[a].Value).ToArray());
            if (folded is double value) return b.Constant(value, node.Kind);
        }

        return node.Op switch
        {
            Op.Add => Add(b, node[0], node[1]),
            Op.Sub => Sub(b, node[0], node[1]),
            Op.Mul => Mul(b, node[0], node[1]),
            Op.Div => Div(b, node, node[0], node[1]),
            Op.Neg => Neg(b, node[0]),
            Op.Not => b[node[0]].Op == Op.Not ? b[node[0]][0] : null,
            Op.And => Logic(b, node[0], node[1], absorbing: 0),
            Op.Or => Logic(b, node[0], node[1], absorbing: 1),
            Op.Pow => Pow(b, node[0], node[1]),
            Op.Convert => Convert(b, node),
            Op.Select => Select(b, node[0], node[1], node[2]),
            _ => null,
        };
    }

    private static bool IsZero(GraphBuilder b, int id) => b[id].IsConstantValue(0);

    private static bool IsOne(GraphBuilder b, int id) => b[id].IsConstantValue(1);

    private static bool IsMinusOne(GraphBuilder b, int id) => b[id].IsConstantValue(-1);

    private static bool IsNegativeConstant(GraphBuilder b, int id) => b[id].IsConstant && b[id].Kind.IsReal() && b[id].Value < 0;

    private static int? Add(GraphBuilder b, int x, int y)
    {
        if (IsZero(b, x)) return y;
        if (IsZero(b, y)) return x;
        if (b[y].Op == Op.Neg) return b.Sub(x, b[y][0]);
        if (b[x].Op == Op.Neg) return b.Sub(y, b[x][0]);
        // x + x = 2·x exactly (doubling never rounds).
        if (x == y && b.KindOf(x).IsReal()) return b.Mul(b.Constant(2, b.KindOf(x)), x);
        return MergeSelects(b, Op.Add, x, y);
    }

    private static int? Sub(GraphBuilder b, int x, int y)
    {
        if (IsZero(b, y)) return x;
        if (IsZero(b, x)) return b.Neg(y);
        if (b[y].Op == Op.Neg) return b.Add(x, b[y][0]);
        // −x − x = −(2·x) exactly.
        if (b[x].Op == Op.Neg && b[x][0] == y && b.KindOf(y).IsReal()) return b.Neg(b.Mul(b.Constant(2, b.KindOf(y)), y));
        return MergeSelects(b, Op.Sub, x, y);
    }

    private static int? Mul(GraphBuilder b, int x, int y)
    {
        if (IsZero(b, x) || IsZero(b, y)) return b.Zero(b.KindOf(x));
        if (IsOne(b, x)) return y;
        if (IsOne(b, y)) return x;
        if (IsMinusOne(b, x)) return b.Neg(y);
        if (IsMinusOne(b, y)) return b.Neg(x);
        if (b.BuildingDerivatives)
        {
            if (b[x].Op == Op.Neg && b[y].Op == Op.Neg) return b.Mul(b[x][0], b[y][0]);
            if (FoldConstantFactors(b, x, y) is int merged) return merged;
            // A negative factor becomes a negation, which sums then turn into subtractions (a + −c·y → a − c·y).
            if (IsNegativeConstant(b, x)) return b.Neg(b.Mul(b.Constant(-b[x].Value, b.KindOf(x)), y));
            if (IsNegativeConstant(b, y)) return b.Neg(b.Mul(x, b.Constant(-b[y].Value, b.KindOf(y))));
            if (b[x].Op == Op.Neg) return b.Neg(b.Mul(b[x][0], y));
            if (b[y].Op == Op.Neg) return b.Neg(b.Mul(x, b[y][0]));
        }
        return DistributeOverSelect(b, x, other => b.Mul(other, y))
            ?? DistributeOverSelect(b, y, other => b.Mul(x, other));
    }

    /// <summary>c₁·(c₂·x) → (c₁c₂)·x. Reassociation may change the last bit, so only derivatives use it, never the forward value.</summary>
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
        if (IsOne(b, y)) return x;
        if (IsMinusOne(b, y)) return b.Neg(x);
        if (b.BuildingDerivatives && b.KindOf(y).IsReal() && !b.Contains(node) && Cancel(b, x, y) is int quotient) return quotient;
        if (b.BuildingDerivatives && b[x].Op == Op.Neg) return b.Neg(b.Div(b[x][0], y));
        if (b.BuildingDerivatives && IsNegativeConstant(b, x)) return b.Neg(b.Div(b.Constant(-b[x].Value, b.KindOf(x)), y));
        return DistributeOverSelect(b, x, other => b.Div(other, y));
    }

    /// <summary>
    /// x / x → 1 and (a·x) / x → a, in derivative code only. The chain rule writes them when a rule divides by the
    /// value another multiplied by: d(x·log x)/dx = log x + x·(1/x) reaches log's rule as g / x with g = x. For finite
    /// nonzero x the quotient is a exactly (x / x is exactly 1 in IEEE arithmetic; (a·x) / x is a up to the rounding of
    /// a·x), which is where the method is differentiable; at x = 0 or ±∞ the unfolded code gives 0/0 or ∞/∞ = NaN, the
    /// folded one the limit of the derivative (log 0 + 1 = −∞, the slope of x·log x at 0⁺). A quotient the forward pass
    /// computes (the user wrote x / x) is kept, so the derivative reads the same value the forward pass did.
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
        if (n.Op == Op.Neg) return n[0];
        if (n.Op == Op.Sub && b.BuildingDerivatives) return b.Sub(n[1], n[0]);
        return DistributeOverSelect(b, x, b.Neg);
    }

    private static int? Pow(GraphBuilder b, int x, int y)
    {
        if (IsOne(b, y)) return x;
        if (IsZero(b, y)) return b.One(b.KindOf(x));
        return null;
    }

    private static int? Convert(GraphBuilder b, Node node)
    {
        var inner = b[node[0]];
        // float → double → float is exact, so the round trip is the original value.
        if (inner.Op == Op.Convert && b.KindOf(inner[0]) == node.Kind && node.Kind == ScalarKind.Single) return inner[0];
        return DistributeOverSelect(b, node[0], other => b.Convert(other, node.Kind));
    }

    private static int? Logic(GraphBuilder b, int x, int y, int absorbing)
    {
        foreach (var (c, other) in new[] { (x, y), (y, x) })
        {
            if (!b[c].IsConstant) continue;
            return b[c].Value == absorbing ? c : other;
        }
        return x == y ? x : null;
    }

    private static int? Select(GraphBuilder b, int c, int whenTrue, int whenFalse)
    {
        if (whenTrue == whenFalse) return whenTrue;
        if (b[c].IsConstant) return b[c].Value != 0 ? whenTrue : whenFalse;
        if (b[c].Op == Op.Not) return b.Select(b[c][0], whenFalse, whenTrue);
        // In the false branch of c, "!c && d" is just d (else-if chains).
        if (b[whenFalse].Op == Op.Select && WithoutNegationOf(b, c, b[whenFalse][0]) is int simpler)
        {
            return b.Select(c, whenTrue, b.Select(simpler, b[whenFalse][1], b[whenFalse][2]));
        }
        if (b.KindOf(whenTrue) == ScalarKind.Boolean)
        {
            // Conditions merged at the end of an if: c ? true : x = c || x, c ? x : false = c && x.
            if (b[whenTrue].IsConstant) return b[whenTrue].Value != 0 ? b.Binary(Op.Or, c, whenFalse) : b.Binary(Op.And, b.Not(c), whenFalse);
            if (b[whenFalse].IsConstant) return b[whenFalse].Value != 0 ? b.Binary(Op.Or, b.Not(c), whenTrue) : b.Binary(Op.And, c, whenTrue);
        }
        // c ? (c ? a : _) : z  →  c ? a : z (and likewise in the other branch).
        if (b[whenTrue].Op == Op.Select && b[whenTrue][0] == c) return b.Select(c, b[whenTrue][1], whenFalse);
        if (b[whenFalse].Op == Op.Select && b[whenFalse][0] == c) return b.Select(c, whenTrue, b[whenFalse][2]);
        return null;
    }

    /// <summary>d when <paramref name="condition"/> is <c>!c &amp;&amp; d</c> or <c>d &amp;&amp; !c</c>.</summary>
    private static int? WithoutNegationOf(GraphBuilder b, int c, int condition)
    {
        var n = b[condition];
        if (n.Op != Op.And) return null;
        bool IsNotC(int id) => b[id].Op == Op.Not && b[id][0] == c;
        return IsNotC(n[0]) ? n[1] : IsNotC(n[1]) ? n[0] : null;
    }

    /// <summary>(c ? a : 0) op (c ? a' : b') → c ? a op a' : b op b'; both branches stay as cheap as before.</summary>
    private static int? MergeSelects(GraphBuilder b, Op op, int x, int y)
    {
        var (nx, ny) = (b[x], b[y]);
        if (nx.Op != Op.Select || ny.Op != Op.Select || nx[0] != ny[0]) return null;
        return b.Select(nx[0], b.Binary(op, nx[1], ny[1]), b.Binary(op, nx[2], ny[2]));
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
