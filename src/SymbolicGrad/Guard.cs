namespace SymbolicGrad;

/// <summary>Argument checks shared by views, <see cref="Ops"/> and <see cref="Kernels"/>; messages name operands and shapes.</summary>
internal static class Guard
{
    internal static string Shape(Vec v) => $"Vec[{v.Length}]";

    internal static string Shape(Mat m) => $"Mat[{m.Rows}×{m.Cols}]";

    internal static void NotNegative(int value, string name, string where)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{where}: {name} must not be negative.");
        }
    }

    /// <summary>
    /// Checks that [offset, offset + length) lies inside <paramref name="available"/> elements; <paramref name="where"/>
    /// should be a constant so the check allocates nothing.
    /// </summary>
    internal static void Range(int available, int offset, long length, string where, string container = "the array")
    {
        if (offset < 0 || length < 0 || offset + length > available)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offset),
                $"{where}: elements [{offset}, {offset + length}) lie outside {container} of length {available}.");
        }
    }

    internal static void SameLength(Vec a, Vec b, string op, string aName = "left", string bName = "right")
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException(
                $"Shape mismatch in {op}: {aName} is {Shape(a)} but {bName} is {Shape(b)}; the lengths must be equal.",
                bName);
        }
    }

    /// <summary>Checks a vector operand whose length follows from a matrix operand's shape (messages built only on failure).</summary>
    internal static void OperandOfMatrix(int spanLength, int expected, string name, string where, string matrixName, int rows, int cols)
    {
        if (spanLength != expected)
        {
            throw new ArgumentException(
                $"{where}: {name} has {spanLength} elements but {matrixName} is {rows}×{cols}, so {expected} are needed.", name);
        }
    }

    internal static void NotEmpty(Vec v, string op, string name)
    {
        if (v.Length == 0)
        {
            throw new ArgumentException($"{op}: {name} is an empty Vec[0]; it needs at least one element.", name);
        }
    }

    /// <summary>Checks that a span holding a contiguous rows × cols matrix has exactly that many elements.</summary>
    internal static void MatrixSpan(int spanLength, int rows, int cols, string name, string where)
    {
        NotNegative(rows, "rows", where);
        NotNegative(cols, "cols", where);
        if (spanLength != (long)rows * cols)
        {
            throw new ArgumentException(
                $"{where}: {name} has {spanLength} elements but its shape {rows}×{cols} needs {(long)rows * cols}.", name);
        }
    }

    /// <summary>Checks a span holding a rows × cols matrix stored with leading dimension <paramref name="ld"/>.</summary>
    internal static void StridedSpan(int spanLength, int rows, int cols, int ld, string name, string where)
    {
        NotNegative(rows, "rows", where);
        NotNegative(cols, "cols", where);
        if (ld < cols)
        {
            throw new ArgumentOutOfRangeException(
                "ld" + name, ld, $"{where}: the leading dimension of {name} ({ld}) is smaller than its column count {cols}.");
        }

        long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (spanLength < needed)
        {
            throw new ArgumentException(
                $"{where}: {name} has {spanLength} elements but a {rows}×{cols} matrix with leading dimension {ld} needs {needed}.",
                name);
        }
    }

    internal static void VectorSpan(int spanLength, int expected, string name, string where, string because = "")
    {
        if (spanLength != expected)
        {
            throw new ArgumentException($"{where}: {name} has {spanLength} elements but {expected} are needed{because}.", name);
        }
    }

    internal static void NoOverlap(ReadOnlySpan<float> input, ReadOnlySpan<float> output, string inputName, string outputName, string where)
    {
        if (input.Overlaps(output))
        {
            throw new ArgumentException($"{where}: {outputName} overlaps {inputName}; the output must be separate memory.", outputName);
        }
    }

    /// <summary>An element-wise output may be its input (in place) or separate memory, but not shifted over it.</summary>
    internal static void SameOrSeparate(ReadOnlySpan<float> input, ReadOnlySpan<float> output, string inputName, string outputName, string where)
    {
        if (input.Overlaps(output, out int shift) && shift != 0)
        {
            throw new ArgumentException(
                $"{where}: {outputName} partly overlaps {inputName}; it must be the same span (in place) or separate memory.", outputName);
        }
    }
}
