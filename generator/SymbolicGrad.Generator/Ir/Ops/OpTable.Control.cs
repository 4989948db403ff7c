namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// Arrays, loops and the reverse of loops. These ops are statements as much as values: writers give them blocks
/// (a loop), assignments (a scatter) or names (a carried value), never inline expressions.
/// </summary>
internal static partial class OpTable
{
    private static string Guarded(IExpressionContext c, Node n, string read) =>
        c[n[2]].IsConstantValue(1) ? read : c.Operand(n[2], Precedence.Conditional + 1) + " ? " + read + " : " + Literals.Format(0, n.Kind, c.IsMath).Text;

    /// <summary>
    /// <c>a[i]</c> of an array or span parameter, evaluated only under its guard (the condition under which the user's
    /// code reads it, so an index out of range throws exactly when the user's method would); its adjoint is a scatter.
    /// </summary>
    public static readonly OpDef ArrayRead = new(Op.ArrayRead, "element", OpTraits.Pinned)
    {
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            if (operand != 0) return null;
            b.Effect(new Node(Op.Scatter, n.Kind, new Pipeline.EquatableArray<int>(new[] { g, n[1], n[2] }), Name: b[n[0]].Name));
            return null;
        },
        // The same element of the array's tangent (a span of the array's length), under the same guard.
        Pushforward = (b, node, t) =>
        {
            var n = b[node];
            return t[0] is int tangent ? b.Pinned(new Node(Op.ArrayRead, n.Kind, new Pipeline.EquatableArray<int>(new[] { tangent, n[1], n[2] }))) : null;
        },
        Math = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Primary) + "[" + c.Operand(n[1], 0) + "]", Precedence.Primary)),
        CSharp = new Notation.Custom((c, n) =>
        {
            string read = c.Operand(n[0], Precedence.Primary) + "[" + c.Operand(n[1], 0) + "]";
            return c[n[2]].IsConstantValue(1) ? (read, Precedence.Primary) : (Guarded(c, n, read), Precedence.Conditional);
        }),
    };

    /// <summary>d[i] += g (under a guard) into the gradient of array <see cref="Node.Name"/>: written as a statement.</summary>
    public static readonly OpDef Scatter = new(Op.Scatter, "scatter", OpTraits.Pinned | OpTraits.Effect)
    {
        Pushforward = CarriedBySweep,
        Math = new Notation.Custom((c, n) => (c.Operand(n[0], 0), Precedence.Primary)),
    };

    /// <summary>A loop body's parameter: the value a carried variable has when an iteration starts.</summary>
    public static readonly OpDef Param = new(Op.Param, "param", OpTraits.Pinned) { Pushforward = CarriedBySweep };

    /// <summary>Forward mode carries each carried value's tangent beside it, as a carried value of the same loop.</summary>
    public static readonly OpDef Loop = new(Op.Loop, "loop", OpTraits.Pinned | OpTraits.Control) { Pushforward = CarriedBySweep };

    public static readonly OpDef LoopResult = new(Op.LoopResult, "result", OpTraits.Control) { Pushforward = CarriedBySweep };

    public static readonly OpDef LoopTrips = new(Op.LoopTrips, "trips", OpTraits.Control)
    {
        Pushforward = NoTangent,
        Math = new Notation.Custom((c, n) => ("trips", Precedence.Primary)),
    };

    public static readonly OpDef ReverseLoop = new(Op.ReverseLoop, "reverse", OpTraits.Pinned | OpTraits.Control) { Pushforward = CarriedBySweep };

    /// <summary>A forward value of the iteration being reversed: read from the tape, or recomputed.</summary>
    public static readonly OpDef Restore = new(Op.Restore, "restore", OpTraits.Pinned)
    {
        // The tangent of a restored value is the restored tangent (kept on the tape beside the value).
        Pushforward = CarriedBySweep,
        // In comments, a value not restored under a name of its own reads as the forward value it stands for.
        Math = new Notation.Custom((c, n) => (c.Operand(n.Ref, Precedence.Primary), Precedence.Primary)),
    };
}
