using System;

namespace SymbolicGrad.Generator.Graph;

/// <summary>Evaluates operations on constants exactly as the generated C# would at run time.</summary>
internal static class ConstantFolder
{
    /// <summary>Rounds a value to what its kind can hold (float constants are stored as the double of the float).</summary>
    public static double Normalize(double value, ScalarKind kind) => kind switch
    {
        ScalarKind.Single => (float)value,
        ScalarKind.Int32 => (int)value,
        ScalarKind.Boolean => value != 0 ? 1 : 0,
        _ => value,
    };

    public static double? Fold(Op op, ScalarKind kind, double[] args)
    {
        switch (kind)
        {
            case ScalarKind.Double:
            case ScalarKind.Single:
                return FoldReal(op, kind, args);
            case ScalarKind.Int32:
                return FoldInt(op, args);
            default:
                return FoldBoolean(op, args);
        }
    }

    private static double? FoldReal(Op op, ScalarKind kind, double[] a)
    {
        // + - * / of two floats, done in double and rounded once, equal the float operation exactly.
        double? result = op switch
        {
            Op.Add => a[0] + a[1],
            Op.Sub => a[0] - a[1],
            Op.Mul => a[0] * a[1],
            Op.Div => a[0] / a[1],
            Op.Neg => -a[0],
            Op.Convert => a[0],
            _ => null,
        };
        if (result is null && kind == ScalarKind.Double)
        {
            // MathF may round differently from Math, so functions of float constants are left to run time.
            result = op switch
            {
                Op.Sin => Math.Sin(a[0]),
                Op.Cos => Math.Cos(a[0]),
                Op.Tan => Math.Tan(a[0]),
                Op.Exp => Math.Exp(a[0]),
                Op.Log => Math.Log(a[0]),
                Op.Sqrt => Math.Sqrt(a[0]),
                Op.Abs => Math.Abs(a[0]),
                Op.Tanh => Math.Tanh(a[0]),
                _ => null,
            };
        }
        return result is double r ? Normalize(r, kind) : null;
    }

    private static double? FoldInt(Op op, double[] a)
    {
        if (op == Op.Convert) return a[0] is >= int.MinValue and <= int.MaxValue ? Math.Truncate(a[0]) : null;
        if (op == Op.Sign) return Math.Sign(a[0]);
        int x = (int)a[0];
        int y = a.Length > 1 ? (int)a[1] : 0;
        return op switch
        {
            Op.Add => unchecked(x + y),
            Op.Sub => unchecked(x - y),
            Op.Mul => unchecked(x * y),
            Op.Neg => unchecked(-x),
            _ => null,
        };
    }

    private static double? FoldBoolean(Op op, double[] a)
    {
        bool? result = op switch
        {
            Op.Less => a[0] < a[1],
            Op.LessOrEqual => a[0] <= a[1],
            Op.Greater => a[0] > a[1],
            Op.GreaterOrEqual => a[0] >= a[1],
            Op.Equal => a[0] == a[1],
            Op.NotEqual => a[0] != a[1],
            Op.And => a[0] != 0 && a[1] != 0,
            Op.Or => a[0] != 0 || a[1] != 0,
            Op.Not => a[0] == 0,
            _ => null,
        };
        return result is bool b ? (b ? 1 : 0) : null;
    }
}
