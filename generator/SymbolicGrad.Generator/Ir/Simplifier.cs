namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// Rewrites applied as nodes are built, that keep every IEEE result bit for bit (NaN, ∞ and the sign of zero included),
/// so forward code may use them: x·1, x/1, x − 0, −−x, x + (−y) → x − y, x + x → 2·x, pow(x, 1), selects on a constant or
/// with equal branches, float → double → float. Integer arithmetic has no signed zero, so 0 + x and 0·x fold there too.
/// Derivative code adds the rules of <see cref="DerivativeSimplifier"/>, which hold only in real arithmetic.
/// </summary>
internal static class Simplifier
{
    /// <summary>Returns an existing or simpler node equal to <paramref name="node"/>, or null to keep it.</summary>
    public static int? TryRewrite(GraphBuilder b, Node node)
    {
        if (b.BuildingDerivatives && DerivativeSimplifier.TryRewrite(b, node) is int simpler) return simpler;
        return node.Op switch
        {
            Op.Add => Add(b, node[0], node[1]),
            Op.Sub => Sub(b, node[0], node[1]),
            Op.Mul => Mul(b, node[0], node[1]),
            Op.Div => Div(b, node[0], node[1]),
            Op.Neg => b[node[0]].Op == Op.Neg ? b[node[0]][0] : null,
            Op.Not => b[node[0]].Op == Op.Not ? b[node[0]][0] : null,
            Op.And => Logic(b, node[0], node[1], absorbing: 0),
            Op.Or => Logic(b, node[0], node[1], absorbing: 1),
            Op.Pow => Pow(b, node[0], node[1]),
            Op.Convert => Convert(b, node),
            Op.Select => Select(b, node[0], node[1], node[2]),
            _ => null,
        };
    }

    public static bool IsZero(GraphBuilder b, int id) => b[id].IsConstantValue(0);

    public static bool IsOne(GraphBuilder b, int id) => b[id].IsConstantValue(1);

    public static bool IsMinusOne(GraphBuilder b, int id) => b[id].IsConstantValue(-1);

    /// <summary>+0 (not −0): x − (+0) is x for every x, and for integers any zero is.</summary>
    private static bool IsPositiveZero(GraphBuilder b, int id) =>
        IsZero(b, id) && (!b.KindOf(id).IsReal() || !double.IsNegativeInfinity(1 / b[id].Value));

    private static bool IsInteger(GraphBuilder b, int id) => b.KindOf(id) == ScalarKind.Int32;

    private static int? Add(GraphBuilder b, int x, int y)
    {
        if (IsInteger(b, x) && IsZero(b, x)) return y;
        if (IsInteger(b, x) && IsZero(b, y)) return x;
        if (b[y].Op == Op.Neg) return b.Sub(x, b[y][0]);
        if (b[x].Op == Op.Neg) return b.Sub(y, b[x][0]);
        // x + x = 2·x exactly (doubling never rounds, and overflows exactly when the sum does).
        if (x == y && b.KindOf(x).IsReal()) return b.Mul(b.Constant(2, b.KindOf(x)), x);
        return MergeSelects(b, Op.Add, x, y);
    }

    private static int? Sub(GraphBuilder b, int x, int y)
    {
        if (IsPositiveZero(b, y)) return x;
        if (IsInteger(b, x) && IsZero(b, x)) return b.Neg(y);
        if (b[y].Op == Op.Neg) return b.Add(x, b[y][0]);
        // −x − x = −(2·x) exactly.
        if (b[x].Op == Op.Neg && b[x][0] == y && b.KindOf(y).IsReal()) return b.Neg(b.Mul(b.Constant(2, b.KindOf(y)), y));
        return MergeSelects(b, Op.Sub, x, y);
    }

    private static int? Mul(GraphBuilder b, int x, int y)
    {
        if (IsInteger(b, x) && (IsZero(b, x) || IsZero(b, y))) return b.Zero(ScalarKind.Int32);
        if (IsOne(b, x)) return y;
        if (IsOne(b, y)) return x;
        if (IsMinusOne(b, x)) return b.Neg(y);
        if (IsMinusOne(b, y)) return b.Neg(x);
        return null;
    }

    private static int? Div(GraphBuilder b, int x, int y)
    {
        // Integer division by −1 overflows (and throws) at int.MinValue, where negation does not: reals only.
        if (!b.KindOf(x).IsReal()) return IsOne(b, y) ? x : null;
        if (IsOne(b, y)) return x;
        if (IsMinusOne(b, y)) return b.Neg(x);
        return null;
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
        return null;
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

    /// <summary>(c ? a : b) op (c ? a' : b') → c ? a op a' : b op b': each branch computes what it computed before.</summary>
    private static int? MergeSelects(GraphBuilder b, Op op, int x, int y)
    {
        var (nx, ny) = (b[x], b[y]);
        if (nx.Op != Op.Select || ny.Op != Op.Select || nx[0] != ny[0]) return null;
        return b.Select(nx[0], b.Binary(op, nx[1], ny[1]), b.Binary(op, nx[2], ny[2]));
    }
}
