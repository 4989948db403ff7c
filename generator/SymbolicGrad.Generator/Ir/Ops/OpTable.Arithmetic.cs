namespace SymbolicGrad.Generator.Ir;

internal static partial class OpTable
{
    private const OpTraits Arithmetic = OpTraits.Elementwise;

    public static readonly OpDef Add = new(Op.Add, "add", Arithmetic | OpTraits.Commutative)
    {
        FoldReal = a => a[0] + a[1],
        FoldsExactlyInFloat = true,
        FoldInt = a => unchecked((int)a[0] + (int)a[1]),
        Pushforward = Linear,
        Pullback = (b, node, operand, g) => g,
        Math = new Notation.Infix("+", Precedence.Additive),
        CSharp = new Notation.Infix("+", Precedence.Additive),
        Lanes = new Notation.Infix("+", Precedence.Additive),
    };

    public static readonly OpDef Sub = new(Op.Sub, "sub", Arithmetic)
    {
        FoldReal = a => a[0] - a[1],
        FoldsExactlyInFloat = true,
        FoldInt = a => unchecked((int)a[0] - (int)a[1]),
        Pushforward = Linear,
        Pullback = (b, node, operand, g) => operand == 0 ? g : b.Neg(g),
        Math = new Notation.Infix("−", Precedence.Additive),
        CSharp = new Notation.Infix("-", Precedence.Additive),
        Lanes = new Notation.Infix("-", Precedence.Additive),
    };

    public static readonly OpDef Mul = new(Op.Mul, "mul", Arithmetic | OpTraits.Commutative)
    {
        FoldReal = a => a[0] * a[1],
        FoldsExactlyInFloat = true,
        FoldInt = a => unchecked((int)a[0] * (int)a[1]),
        Pushforward = Linear,
        Pullback = (b, node, operand, g) => b.Mul(g, b[node][1 - operand]),
        Math = new Notation.Infix("·", Precedence.Multiplicative),
        CSharp = new Notation.Infix("*", Precedence.Multiplicative),
        Lanes = new Notation.Infix("*", Precedence.Multiplicative),
    };

    public static readonly OpDef Div = new(Op.Div, "div", Arithmetic)
    {
        FoldReal = a => a[0] / a[1],
        FoldsExactlyInFloat = true,
        SafeOperands = IntegerDivisorSafe,
        // q = a/b: ∂q/∂a = 1/b, ∂q/∂b = −q/b.
        Pushforward = Linear,
        Pullback = (b, node, operand, g) => operand == 0 ? b.Div(g, b[node][1]) : b.Neg(b.Div(b.Mul(g, node), b[node][1])),
        Math = new Notation.Infix("/", Precedence.Multiplicative),
        CSharp = new Notation.Infix("/", Precedence.Multiplicative),
        Lanes = new Notation.Infix("/", Precedence.Multiplicative),
    };

    public static readonly OpDef Neg = new(Op.Neg, "neg", Arithmetic)
    {
        FoldReal = a => -a[0],
        FoldsExactlyInFloat = true,
        FoldInt = a => unchecked(-(int)a[0]),
        Pushforward = Linear,
        Pullback = (b, node, operand, g) => b.Neg(g),
        Math = new Notation.Prefix("−"),
        CSharp = new Notation.Prefix("-"),
        Lanes = new Notation.Prefix("-"),
    };

    /// <summary>
    /// C#'s <c>%</c>, x − trunc(x/y)·y (fmod for reals, exact): ∂/∂x = 1 and ∂/∂y = −trunc(x/y) wherever x/y is not an
    /// integer (PyTorch's fmod has the same derivatives). Integer remainder throws as C#'s does: by zero, and int.MinValue % −1.
    /// </summary>
    public static readonly OpDef Remainder = new(Op.Remainder, "rem", Arithmetic)
    {
        FoldReal = a => a[0] % a[1],
        FoldsExactlyInFloat = true,
        FoldInt = a => a[1] == 0 || (a[0] == int.MinValue && a[1] == -1) ? null : (int)a[0] % (int)a[1],
        SafeOperands = IntegerDivisorSafe,
        Pushforward = Linear,
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            return operand == 0 ? g : b.Neg(b.Mul(g, b.Unary(Op.Truncate, b.Div(n[0], n[1]))));
        },
        Math = new Notation.Infix("mod", Precedence.Multiplicative),
        CSharp = new Notation.Infix("%", Precedence.Multiplicative),
    };

    /// <summary>Integer / and % throw for a zero divisor (and −1 at int.MinValue); a divisor of 1 never does.</summary>
    private static int?[]? IntegerDivisorSafe(GraphBuilder b, Node n)
    {
        if (n.Kind != ScalarKind.Int32) return null;
        var divisor = b[n[1]];
        if (divisor.IsConstant && divisor.Value != 0 && divisor.Value != -1) return null;
        return new int?[] { null, b.One(ScalarKind.Int32) };
    }

    /// <summary>A C# cast; the math notation leaves it out.</summary>
    public static readonly OpDef Convert = new(Op.Convert, "convert", Arithmetic)
    {
        FoldReal = a => a[0],
        FoldsExactlyInFloat = true,
        FoldInt = a => a[0] is >= int.MinValue and <= int.MaxValue ? System.Math.Truncate(a[0]) : null,
        Pullback = (b, node, operand, g) => b.KindOf(b[node][0]).IsReal() ? b.Convert(g, b.KindOf(b[node][0])) : null,
        // The operand's tangent in the result's kind; none for an int result.
        Pushforward = (b, node, t) => t[0] is int x && b[node].Kind.IsReal() ? b.Convert(x, b[node].Kind) : null,
        Math = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Primary), Precedence.Primary)),
        CSharp = new Notation.Custom((c, n) => ("(" + n.Kind.Keyword() + ")" + c.Operand(n[0], Precedence.Unary), Precedence.Unary)),
    };

    /// <summary><c>c ? a : b</c>, evaluated without a branch; the derivative flows to the branch taken.</summary>
    public static readonly OpDef Select = new(Op.Select, "select", Arithmetic)
    {
        Pushforward = Linear,
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            if (operand == 0) return null;
            int zero = b.Zero(n.Kind);
            return operand == 1 ? b.Select(n[0], g, zero) : b.Select(n[0], zero, g);
        },
        Math = new Notation.Custom(Conditional),
        CSharp = new Notation.Custom(Conditional),
        Lanes = new Notation.Call("Select"), // the condition as a lane mask
    };

    private static (string, int)? Conditional(IExpressionContext c, Node n) =>
        (c.Operand(n[0], Precedence.Conditional + 1) + " ? " + c.Operand(n[1], Precedence.Conditional + 1) + " : " + c.Operand(n[2], Precedence.Conditional),
            Precedence.Conditional);
}
