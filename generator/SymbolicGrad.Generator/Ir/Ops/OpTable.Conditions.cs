namespace SymbolicGrad.Generator.Ir;

/// <summary>Comparisons and logic: bool values, with no derivative; element-wise on vectors (as lane masks).</summary>
internal static partial class OpTable
{
    private static OpDef Comparison(Op op, string name, string math, string csharp, int precedence, System.Func<double, double, bool> fold, bool commutative = false) =>
        new(op, name, OpTraits.Elementwise | OpTraits.Comparison | (commutative ? OpTraits.Commutative : OpTraits.None))
        {
            FoldBoolean = a => fold(a[0], a[1]),
            Pushforward = NoTangent,
            Math = new Notation.Infix(math, precedence),
            CSharp = new Notation.Infix(csharp, precedence),
            LanesMask = new Notation.Call(op.ToString()),
        };

    public static readonly OpDef Less = Comparison(Op.Less, "less", "<", "<", Precedence.Relational, (a, b) => a < b);

    public static readonly OpDef LessOrEqual = Comparison(Op.LessOrEqual, "lessorequal", "≤", "<=", Precedence.Relational, (a, b) => a <= b);

    public static readonly OpDef Greater = Comparison(Op.Greater, "greater", ">", ">", Precedence.Relational, (a, b) => a > b);

    public static readonly OpDef GreaterOrEqual = Comparison(Op.GreaterOrEqual, "greaterorequal", "≥", ">=", Precedence.Relational, (a, b) => a >= b);

    public static readonly OpDef Equal = Comparison(Op.Equal, "equal", "=", "==", Precedence.Equality, (a, b) => a == b, commutative: true);

    public static readonly OpDef NotEqual = Comparison(Op.NotEqual, "notequal", "≠", "!=", Precedence.Equality, (a, b) => a != b, commutative: true);

    public static readonly OpDef And = new(Op.And, "and", OpTraits.Elementwise | OpTraits.Logic | OpTraits.Commutative)
    {
        FoldBoolean = a => a[0] != 0 && a[1] != 0,
        Pushforward = NoTangent,
        Math = new Notation.Infix("&&", Precedence.And),
        CSharp = new Notation.Infix("&&", Precedence.And),
        LanesMask = new Notation.Custom((c, n) => ("(" + c.Operand(n[0], 0) + " & " + c.Operand(n[1], 0) + ")", Precedence.Primary)),
    };

    public static readonly OpDef Or = new(Op.Or, "or", OpTraits.Elementwise | OpTraits.Logic | OpTraits.Commutative)
    {
        FoldBoolean = a => a[0] != 0 || a[1] != 0,
        Pushforward = NoTangent,
        Math = new Notation.Infix("||", Precedence.Or),
        CSharp = new Notation.Infix("||", Precedence.Or),
        LanesMask = new Notation.Custom((c, n) => ("(" + c.Operand(n[0], 0) + " | " + c.Operand(n[1], 0) + ")", Precedence.Primary)),
    };

    public static readonly OpDef Not = new(Op.Not, "not", OpTraits.Elementwise | OpTraits.Logic)
    {
        FoldBoolean = a => a[0] == 0,
        Pushforward = NoTangent,
        Math = new Notation.Prefix("!"),
        CSharp = new Notation.Prefix("!"),
        LanesMask = new Notation.Prefix("~"),
    };
}
