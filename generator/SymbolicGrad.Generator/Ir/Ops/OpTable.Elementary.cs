using System;

namespace SymbolicGrad.Generator.Ir;

/// <summary>The functions of <c>Math</c>/<c>MathF</c>. Derivatives reuse forward values where they are functions of the result.</summary>
internal static partial class OpTable
{
    private const OpTraits Function = OpTraits.Elementwise;

    /// <param name="fold">Null where the compiler's and the program's math libraries might differ in the last bit (left to run time).</param>
    private static OpDef Unary(Op op, string name, Func<double, double>? fold, PullbackRule pullback, Notation? math = null, bool lanes = false) =>
        new(op, name, Function)
        {
            FoldReal = fold is null ? null : a => fold(a[0]),
            Pullback = pullback,
            Pushforward = Linear,
            Math = math ?? new Notation.Call(name),
            CSharp = new Notation.Call(op.ToString()),
            Lanes = lanes ? new Notation.Call(op.ToString()) : null,
        };

    private static int C(GraphBuilder b, int node, double value) => b.Constant(value, b.KindOf(node));

    public static readonly OpDef Sin = Unary(Op.Sin, "sin", Math.Sin, (b, n, o, g) => b.Mul(g, b.Unary(Op.Cos, b[n][0])));

    public static readonly OpDef Cos = Unary(Op.Cos, "cos", Math.Cos, (b, n, o, g) => b.Neg(b.Mul(g, b.Unary(Op.Sin, b[n][0]))));

    // tan' = 1 + tan², from the result.
    public static readonly OpDef Tan = Unary(Op.Tan, "tan", Math.Tan, (b, n, o, g) => b.Mul(g, b.Add(C(b, n, 1), b.Mul(n, n))));

    public static readonly OpDef Asin = Unary(Op.Asin, "asin", null,
        (b, n, o, g) => b.Div(g, b.Unary(Op.Sqrt, b.Sub(C(b, n, 1), b.Mul(b[n][0], b[n][0])))));

    public static readonly OpDef Acos = Unary(Op.Acos, "acos", null,
        (b, n, o, g) => b.Neg(b.Div(g, b.Unary(Op.Sqrt, b.Sub(C(b, n, 1), b.Mul(b[n][0], b[n][0]))))));

    public static readonly OpDef Atan = Unary(Op.Atan, "atan", null,
        (b, n, o, g) => b.Div(g, b.Add(C(b, n, 1), b.Mul(b[n][0], b[n][0]))));

    public static readonly OpDef Sinh = Unary(Op.Sinh, "sinh", null, (b, n, o, g) => b.Mul(g, b.Unary(Op.Cosh, b[n][0])));

    public static readonly OpDef Cosh = Unary(Op.Cosh, "cosh", null, (b, n, o, g) => b.Mul(g, b.Unary(Op.Sinh, b[n][0])));

    // tanh' = 1 − tanh², from the result.
    public static readonly OpDef Tanh = Unary(Op.Tanh, "tanh", Math.Tanh, (b, n, o, g) => b.Mul(g, b.Sub(C(b, n, 1), b.Mul(n, n))));

    // exp' = exp: the forward value itself.
    public static readonly OpDef Exp = Unary(Op.Exp, "exp", Math.Exp, (b, n, o, g) => b.Mul(g, n));

    public static readonly OpDef Log = Unary(Op.Log, "log", Math.Log, (b, n, o, g) => b.Div(g, b[n][0]));

    public static readonly OpDef Log10 = Unary(Op.Log10, "log10", null, (b, n, o, g) => b.Div(g, b.Mul(b[n][0], C(b, n, Math.Log(10)))));

    // √' = 0.5 / √, from the result.
    public static readonly OpDef Sqrt = Unary(Op.Sqrt, "sqrt", Math.Sqrt, (b, n, o, g) => b.Mul(g, b.Div(C(b, n, 0.5), n)),
        new Notation.Custom((c, n) => ("√" + c.Operand(n[0], Precedence.Primary), Precedence.Unary)), lanes: true);

    // g · sign(a), with sign(0) taken as 1.
    public static readonly OpDef Abs = new(Op.Abs, "abs", Function)
    {
        FoldReal = a => Math.Abs(a[0]),
        FoldInt = a => a[0] == int.MinValue ? null : Math.Abs(a[0]),
        // Math.Abs(int.MinValue) throws OverflowException.
        SafeOperands = (b, n) => n.Kind == ScalarKind.Int32 && !(b[n[0]].IsConstant && b[n[0]].Value != int.MinValue)
            ? new int?[] { b.Zero(ScalarKind.Int32) } : null,
        Pushforward = Linear,
        Pullback = (b, n, o, g) => b.Mul(g, b.Select(b.Binary(Op.Less, b[n][0], C(b, n, 0)), C(b, n, -1), C(b, n, 1))),
        Math = new Notation.Custom((c, n) => ("|" + c.Operand(n[0], 0) + "|", Precedence.Primary)),
        CSharp = new Notation.Call("Abs"),
        Lanes = new Notation.Call("Abs"),
    };

    // ∛' = 1 / (3·∛²), from the result.
    public static readonly OpDef Cbrt = Unary(Op.Cbrt, "cbrt", null, (b, n, o, g) => b.Div(g, b.Mul(C(b, n, 3), b.Mul(n, n))),
        new Notation.Custom((c, n) => ("∛" + c.Operand(n[0], Precedence.Primary), Precedence.Unary)));

    public static readonly OpDef Log2 = Unary(Op.Log2, "log2", null, (b, n, o, g) => b.Div(g, b.Mul(b[n][0], C(b, n, Math.Log(2)))));

    public static readonly OpDef Asinh = Unary(Op.Asinh, "asinh", null,
        (b, n, o, g) => b.Div(g, b.Unary(Op.Sqrt, b.Add(b.Mul(b[n][0], b[n][0]), C(b, n, 1)))));

    // acosh' = 1/√((x − 1)(x + 1)): no cancellation near 1, where x² − 1 would lose digits.
    public static readonly OpDef Acosh = Unary(Op.Acosh, "acosh", null,
        (b, n, o, g) => b.Div(g, b.Unary(Op.Sqrt, b.Mul(b.Sub(b[n][0], C(b, n, 1)), b.Add(b[n][0], C(b, n, 1))))));

    public static readonly OpDef Atanh = Unary(Op.Atanh, "atanh", null,
        (b, n, o, g) => b.Div(g, b.Sub(C(b, n, 1), b.Mul(b[n][0], b[n][0]))));

    /// <summary>atan2(y, x), the angle of (x, y): ∂/∂y = x/(x² + y²), ∂/∂x = −y/(x² + y²).</summary>
    public static readonly OpDef Atan2 = new(Op.Atan2, "atan2", Function)
    {
        Pushforward = Linear,
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            int y = n[0], x = n[1];
            int radius = b.Add(b.Mul(x, x), b.Mul(y, y));
            return operand == 0 ? b.Div(b.Mul(g, x), radius) : b.Neg(b.Div(b.Mul(g, y), radius));
        },
        Math = new Notation.Call("atan2"),
        CSharp = new Notation.Call("Atan2"),
    };

    /// <summary>log_b(a), as <c>Math.Log(a, b)</c> computes it (NaN for b = 1, where ln a / ln b would be ∞): ∂/∂a = 1/(a·ln b), ∂/∂b = −log_b(a)/(b·ln b).</summary>
    public static readonly OpDef LogBase = new(Op.LogBase, "log", Function)
    {
        Pushforward = Linear,
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            int lnBase = b.Unary(Op.Log, n[1]);
            return operand == 0 ? b.Div(g, b.Mul(n[0], lnBase)) : b.Neg(b.Div(b.Mul(g, node), b.Mul(n[1], lnBase)));
        },
        Math = new Notation.Custom((c, n) => ("log_" + c.Operand(n[1], Precedence.Primary) + "(" + c.Operand(n[0], 0) + ")", Precedence.Primary)),
        CSharp = new Notation.Call("Log"),
    };

    public static readonly OpDef Pow = new(Op.Pow, "pow", Function)
    {
        Pushforward = Linear,
        Pullback = PowPullback,
        Math = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Primary) + "^" + c.Operand(n[1], Precedence.Primary), Precedence.Unary)),
        CSharp = new Notation.Call("Pow"),
    };

    public static readonly OpDef Max = MaxOrMin(Op.Max, "max", Op.Greater, Op.GreaterOrEqual);

    public static readonly OpDef Min = MaxOrMin(Op.Min, "min", Op.Less, Op.LessOrEqual);

    public static readonly OpDef Sigmoid = new(Op.Sigmoid, "sigmoid", Function)
    {
        // σ' = σ·(1 − σ), from the forward value.
        Pushforward = Linear,
        Pullback = (b, n, o, g) => b.Mul(g, b.Mul(n, b.Sub(C(b, n, 1), n))),
        Math = new Notation.Custom((c, n) => ("σ(" + c.Operand(n[0], 0) + ")", Precedence.Primary)),
        CSharp = new Notation.Custom((c, n) => ("1f / (1f + " + c.MathClass(n.Kind) + ".Exp(-" + c.Operand(n[0], Precedence.Unary) + "))", Precedence.Multiplicative)),
    };

    // Piecewise constant: no derivative (and a warning when applied to a differentiable value).
    public static readonly OpDef Floor = PiecewiseConstant(Op.Floor, "floor", Math.Floor);

    public static readonly OpDef Ceiling = PiecewiseConstant(Op.Ceiling, "ceiling", Math.Ceiling);

    public static readonly OpDef Round = PiecewiseConstant(Op.Round, "round", Math.Round);

    public static readonly OpDef Truncate = PiecewiseConstant(Op.Truncate, "truncate", Math.Truncate);

    public static readonly OpDef Sign = new(Op.Sign, "sign", Function | OpTraits.ZeroDerivative)
    {
        FoldInt = a => double.IsNaN(a[0]) ? null : Math.Sign(a[0]),
        // Math.Sign(NaN) throws ArithmeticException.
        SafeOperands = (b, n) => b.KindOf(n[0]).IsReal() && !(b[n[0]].IsConstant && !double.IsNaN(b[n[0]].Value))
            ? new int?[] { b.Zero(b.KindOf(n[0])) } : null,
        Pushforward = NoTangent,
        Math = new Notation.Call("sign"),
        CSharp = new Notation.Call("Sign"),
    };

    private static OpDef PiecewiseConstant(Op op, string name, Func<double, double> fold) =>
        new(op, name, Function | OpTraits.ZeroDerivative)
        {
            Pushforward = NoTangent,
            // Math.Round is the same in float and double for values a float holds, but it is left to run time like the rest.
            FoldReal = null,
            Math = new Notation.Call(name),
            CSharp = new Notation.Call(op.ToString()),
        };

    private static int? PowPullback(GraphBuilder b, int node, int operand, int g)
    {
        var n = b[node];
        int x = n[0], y = n[1];
        if (operand == 1)
        {
            // ∂(x^y)/∂y = x^y · ln x.
            return b.Mul(g, b.Mul(node, b.Unary(Op.Log, x)));
        }
        // ∂(x^y)/∂x = y · x^(y−1); with a constant exponent the power folds (x² → 2·x).
        int exponent = b.Sub(y, b.One(n.Kind));
        return b.Mul(g, b.Mul(y, b.Binary(Op.Pow, x, exponent)));
    }

    private static OpDef MaxOrMin(Op op, string name, Op strictly, Op orEqual) => new(op, name, Function | OpTraits.Commutative)
    {
        Pushforward = Linear,
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            int other = n[1 - operand];
            int zero = b.Zero(n.Kind);
            if (b[other].Op == Op.Constant && b[n[operand]].Op != Op.Constant)
            {
                // max(x, c) (ReLU) and min(x, c): x passes the derivative where it won strictly, read from the result
                // (relu(x) > 0), so x itself need not be kept; at the kink the subgradient is 0, as in PyTorch.
                return b.Select(b.Binary(strictly, node, other), g, zero);
            }
            // The derivative goes to the operand that was chosen (the first one on ties).
            int first = b.Binary(orEqual, n[0], n[1]);
            return operand == 0 ? b.Select(first, g, zero) : b.Select(first, zero, g);
        },
        Math = new Notation.Call(name),
        CSharp = new Notation.Call(op.ToString()),
        Lanes = new Notation.Call(op.ToString()),
    };
}
