using System.Numerics.Tensors;

namespace SymbolicGrad;

/// <summary>
/// The operations a <see cref="DifferentiableAttribute"/> body is written with (<c>using static SymbolicGrad.Ops;</c>).
/// Each one has plain reference semantics: it computes its result into newly allocated memory, so the body is
/// ordinary C# that can be called directly; generated gradient code computes the same values without allocating.
/// </summary>
/// <remarks>Operands of mismatched shapes raise an <see cref="ArgumentException"/> naming both shapes.</remarks>
public static partial class Ops
{
    /// <summary>Dot product <c>Σ aᵢ·bᵢ</c>; the lengths must be equal.</summary>
    /// <param name="a">First vector.</param>
    /// <param name="b">Second vector.</param>
    public static float Dot(Vec a, Vec b)
    {
        Guard.SameLength(a, b, "Dot(a, b)", nameof(a), nameof(b));
        return TensorPrimitives.Dot(a.Span, b.Span);
    }

    /// <summary>Sum of the elements (0 for an empty vector).</summary>
    /// <param name="v">The vector.</param>
    public static float Sum(Vec v) => TensorPrimitives.Sum(v.Span);

    /// <summary>Mean of the elements; the vector must not be empty.</summary>
    /// <param name="v">The vector.</param>
    public static float Mean(Vec v)
    {
        Guard.NotEmpty(v, "Mean(v)", nameof(v));
        return TensorPrimitives.Sum(v.Span) / v.Length;
    }

    /// <summary>The two vectors one after the other, in a new vector of length <c>a.Length + b.Length</c>.</summary>
    /// <param name="a">The first part.</param>
    /// <param name="b">The second part.</param>
    public static Vec Concat(Vec a, Vec b)
    {
        var result = new Vec(a.Length + b.Length);
        a.Span.CopyTo(result.Span);
        b.Span.CopyTo(result.Span[a.Length..]);
        return result;
    }

    /// <summary>The vectors one after the other, in a new vector.</summary>
    /// <param name="parts">The parts, in order.</param>
    public static Vec Concat(params ReadOnlySpan<Vec> parts)
    {
        long total = 0;
        foreach (var part in parts)
        {
            total += part.Length;
        }

        var result = new Vec(checked((int)total));
        int at = 0;
        foreach (var part in parts)
        {
            part.Span.CopyTo(result.Span[at..]);
            at += part.Length;
        }

        return result;
    }

    internal static Vec Add(Vec left, Vec right)
    {
        Guard.SameLength(left, right, "left + right");
        var result = new Vec(left.Length);
        TensorPrimitives.Add(left.Span, right.Span, result.Span);
        return result;
    }

    internal static Vec Add(Vec left, float right)
    {
        var result = new Vec(left.Length);
        TensorPrimitives.Add(left.Span, right, result.Span);
        return result;
    }

    internal static Vec Subtract(Vec left, Vec right)
    {
        Guard.SameLength(left, right, "left - right");
        var result = new Vec(left.Length);
        TensorPrimitives.Subtract(left.Span, right.Span, result.Span);
        return result;
    }

    internal static Vec Subtract(float left, Vec right)
    {
        var result = new Vec(right.Length);
        TensorPrimitives.Subtract(left, right.Span, result.Span);
        return result;
    }

    internal static Vec Multiply(Vec left, Vec right)
    {
        Guard.SameLength(left, right, "left * right");
        var result = new Vec(left.Length);
        TensorPrimitives.Multiply(left.Span, right.Span, result.Span);
        return result;
    }

    internal static Vec Multiply(Vec left, float right)
    {
        var result = new Vec(left.Length);
        TensorPrimitives.Multiply(left.Span, right, result.Span);
        return result;
    }

    internal static Vec Negate(Vec value)
    {
        var result = new Vec(value.Length);
        TensorPrimitives.Negate(value.Span, result.Span);
        return result;
    }

    internal static Vec Multiply(Mat matrix, Vec vector)
    {
        if (matrix.Cols != vector.Length)
        {
            throw new ArgumentException(
                $"Shape mismatch in W * x: W is {Guard.Shape(matrix)} but x is {Guard.Shape(vector)}; " +
                "the matrix's column count must equal the vector's length.",
                nameof(vector));
        }

        var result = new Vec(matrix.Rows);
        Kernels.MatVecAdd(matrix.Span, matrix.Rows, matrix.Cols, vector.Span, result.Span);
        return result;
    }
}
