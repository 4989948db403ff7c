using System;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// Math/MathF functions with an exact result — one rounding (fused multiply–add, scaling by 2ⁿ, the IEEE remainder) or
/// a choice between operands (sign transfer, clamping) — each called as the user's method calls it, so the forward
/// pass keeps its bits, its NaNs and its exceptions.
/// </summary>
internal static partial class OpTable
{
    /// <summary>a·b + c rounded once: ∂/∂a = b, ∂/∂b = a, ∂/∂c = 1.</summary>
    public static readonly OpDef FusedMultiplyAdd = new(Op.FusedMultiplyAdd, "fma", Function)
    {
        Pushforward = Linear,
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            return operand switch
            {
                0 => b.Mul(g, n[1]),
                1 => b.Mul(g, n[0]),
                _ => g,
            };
        },
        Math = new Notation.Custom((c, n) => ("fma(" + c.Operand(n[0], 0) + ", " + c.Operand(n[1], 0) + ", " + c.Operand(n[2], 0) + ")", Precedence.Primary)),
        CSharp = new Notation.Call("FusedMultiplyAdd"),
    };

    /// <summary>x·2ⁿ for an int n, exact unless it overflows or underflows: ∂/∂x = 2ⁿ, applied as the same scaling of the adjoint.</summary>
    public static readonly OpDef ScaleB = new(Op.ScaleB, "scaleb", Function)
    {
        // One rounding of the exact product by 2ⁿ, as ScaleB rounds (in float too: the double product is exact).
        FoldReal = a => a[1] >= -1022 && a[1] <= 1023 ? a[0] * PowerOfTwo((int)a[1]) : null,
        FoldsExactlyInFloat = true,
        Pushforward = Linear,
        Pullback = (b, node, operand, g) => operand == 0 ? b.Elementwise(Op.ScaleB, b.KindOf(g), g, b[node][1]) : null,
        Math = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Multiplicative) + "·2^" + c.Operand(n[1], Precedence.Primary), Precedence.Multiplicative)),
        CSharp = new Notation.Call("ScaleB"),
    };

    /// <summary>
    /// |x| with the sign of y: x when their sign bits agree, −x otherwise, so ∂/∂x = ±1 by the sign bits of x and y (at
    /// x = ±0 the side the sign bit names); y contributes only its sign: ∂/∂y = 0.
    /// </summary>
    public static readonly OpDef CopySign = new(Op.CopySign, "copysign", Function)
    {
        FoldReal = a => CopySignBits(a[0], a[1]),
        FoldsExactlyInFloat = true,
        Pushforward = Linear,
        Pullback = (b, node, operand, g) =>
        {
            if (operand == 1) return null;
            var n = b[node];
            int one = b.One(n.Kind);
            return b.Mul(g, b.Mul(b.Binary(Op.CopySign, one, n[0]), b.Binary(Op.CopySign, one, n[1])));
        },
        Math = new Notation.Call("copysign"),
        CSharp = new Notation.Call("CopySign"),
    };

    /// <summary>
    /// <c>Math.Clamp(x, min, max)</c>: min if x &lt; min, else max if x &gt; max, else x (NaN included); it throws
    /// ArgumentException when min &gt; max. The derivative goes to the operand returned: to x on the closed interval
    /// min ≤ x ≤ max (ties included, as PyTorch's clamp), to min below it, to max above it. MathF has no Clamp:
    /// <c>Math.Clamp</c> has float and int overloads.
    /// </summary>
    public static readonly OpDef Clamp = new(Op.Clamp, "clamp", Function)
    {
        FoldReal = FoldClamp,
        FoldsExactlyInFloat = true,
        FoldInt = FoldClamp,
        // Bounds of −∞ and +∞ (the int range for ints) never throw and return x.
        SafeOperands = (b, n) =>
        {
            if (b[n[1]].IsConstant && b[n[2]].IsConstant && !(b[n[1]].Value > b[n[2]].Value)) return null;
            bool integer = n.Kind == ScalarKind.Int32;
            return new int?[]
            {
                null,
                b.Constant(integer ? int.MinValue : double.NegativeInfinity, n.Kind),
                b.Constant(integer ? int.MaxValue : double.PositiveInfinity, n.Kind),
            };
        },
        Pushforward = Linear,
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            int x = n[0], zero = b.Zero(n.Kind);
            int below = b.Binary(Op.Less, x, n[1]), above = b.Binary(Op.Greater, x, n[2]);
            return operand switch
            {
                0 => b.Select(b.Binary(Op.Or, below, above), zero, g),
                1 => b.Select(below, g, zero),
                _ => b.Select(above, g, zero),
            };
        },
        Math = new Notation.Call("clamp"),
        CSharp = new Notation.Custom((c, n) =>
            (c.MathClass(ScalarKind.Double) + ".Clamp(" + c.Operand(n[0], 0) + ", " + c.Operand(n[1], 0) + ", " + c.Operand(n[2], 0) + ")", Precedence.Primary)),
    };

    /// <summary>x − round(x/y)·y (ties to even), exact: ∂/∂x = 1, ∂/∂y = −round(x/y) wherever x/y is not a half-integer.</summary>
    public static readonly OpDef IEEERemainder = new(Op.IEEERemainder, "remainder", Function)
    {
        Pushforward = Linear,
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            return operand == 0 ? g : b.Neg(b.Mul(g, b.Unary(Op.Round, b.Div(n[0], n[1]))));
        },
        Math = new Notation.Call("remainder"),
        CSharp = new Notation.Call("IEEERemainder"),
    };

    /// <summary>2ⁿ for a normal exponent, from its bits.</summary>
    private static double PowerOfTwo(int n) => BitConverter.Int64BitsToDouble((long)(n + 1023) << 52);

    /// <summary>Math.Clamp on constants; null where it throws (min &gt; max), left to run time.</summary>
    private static double? FoldClamp(double[] a) => a[1] > a[2] ? null : a[0] < a[1] ? a[1] : a[0] > a[2] ? a[2] : a[0];

    /// <summary>Math.CopySign, which netstandard2.0 lacks: the bits of |a| with the sign bit of b.</summary>
    private static double CopySignBits(double a, double b)
    {
        const long signBit = long.MinValue;
        long bits = (BitConverter.DoubleToInt64Bits(a) & ~signBit) | (BitConverter.DoubleToInt64Bits(b) & signBit);
        return BitConverter.Int64BitsToDouble(bits);
    }
}
