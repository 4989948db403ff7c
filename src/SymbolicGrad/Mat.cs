using System.Runtime.CompilerServices;

namespace SymbolicGrad;

/// <summary>
/// A row-major matrix: a view of <see cref="Rows"/> × <see cref="Cols"/> consecutive floats of an array, starting
/// at <see cref="Offset"/>; element (i, j) is at <c>Offset + i * Cols + j</c>. Wrapping never copies.
/// </summary>
/// <remarks>
/// A view of a <see cref="ParameterStore"/> reaches its array through the store's buffer, so it stays valid when the
/// store grows; a <see cref="System.Span{T}"/> taken from it should not be kept across parameter allocations.
/// </remarks>
public readonly partial struct Mat
{
    // A float[] the caller owns, or a GrowableBuffer of a ParameterStore (see GrowableBuffer), or null (default view).
    private readonly object? _storage;

    /// <summary>Wraps a whole array as a rows × cols matrix (no copy); its length must be rows × cols.</summary>
    /// <param name="data">The elements, row after row.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    public Mat(float[] data, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckShape(rows, cols, "new Mat(data, rows, cols)");
        if (data.Length != (long)rows * cols)
        {
            throw new ArgumentException(
                $"new Mat(data, rows: {rows}, cols: {cols}): data has {data.Length} elements but {rows}×{cols} needs {(long)rows * cols}; " +
                "use new Mat(data, offset, rows, cols) to view part of an array.",
                nameof(data));
        }

        _storage = data;
        Offset = 0;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>Wraps rows × cols elements of <paramref name="data"/> starting at <paramref name="offset"/> (no copy).</summary>
    /// <param name="data">The array holding the elements, row after row.</param>
    /// <param name="offset">Index in <paramref name="data"/> of element (0, 0).</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    public Mat(float[] data, int offset, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckShape(rows, cols, "new Mat(data, offset, rows, cols)");
        if (offset < 0 || offset + (long)rows * cols > data.Length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offset),
                $"new Mat(data, offset: {offset}, rows: {rows}, cols: {cols}): elements [{offset}, {offset + (long)rows * cols}) lie outside the array of length {data.Length}.");
        }
        _storage = data;
        Offset = offset;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>Allocates a new zero-filled rows × cols matrix.</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    public Mat(int rows, int cols)
    {
        CheckShape(rows, cols, "new Mat(rows, cols)");
        _storage = new float[rows * cols];
        Offset = 0;
        Rows = rows;
        Cols = cols;
    }

    internal Mat(object? storage, int offset, int rows, int cols)
    {
        _storage = storage;
        Offset = offset;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns (the length of a row).</summary>
    public int Cols { get; }

    /// <summary>Number of elements, <see cref="Rows"/> × <see cref="Cols"/>.</summary>
    public int Length => Rows * Cols;

    /// <summary>Index in <see cref="Array"/> of element (0, 0).</summary>
    public int Offset { get; }

    /// <summary>The array the view reads and writes (for a parameter, the store's current buffer).</summary>
    public float[] Array => Storage.Resolve(_storage);

    /// <summary>All elements, row after row, as a span over the underlying memory.</summary>
    public Span<float> Span => new(Array, Offset, Length);

    /// <summary>The storage object: a <c>float[]</c> or a parameter buffer; used to map parameters to gradients.</summary>
    internal object? StorageObject => _storage;

    /// <summary>A reference to element (<paramref name="row"/>, <paramref name="col"/>).</summary>
    /// <param name="row">Zero-based row index.</param>
    /// <param name="col">Zero-based column index.</param>
    public ref float this[int row, int col]
    {
        get
        {
            if ((uint)row >= (uint)Rows || (uint)col >= (uint)Cols)
            {
                ThrowIndex(row, col);
            }

            return ref Array[Offset + row * Cols + col];
        }
    }

    /// <summary>All elements, row after row (same as <see cref="Span"/>).</summary>
    public Span<float> AsSpan() => Span;

    /// <summary>Row <paramref name="row"/> as a vector view (no copy).</summary>
    /// <param name="row">Zero-based row index.</param>
    public Vec Row(int row)
    {
        if ((uint)row >= (uint)Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Row {row} is outside {Guard.Shape(this)}.");
        }

        return new Vec(_storage, Offset + row * Cols, Cols);
    }

    /// <summary>Rows [<paramref name="start"/>, start + count) as a matrix view (no copy), e.g. a minibatch of a data set.</summary>
    /// <param name="start">First row of the slice.</param>
    /// <param name="count">Number of rows of the slice.</param>
    public Mat SliceRows(int start, int count)
    {
        Guard.Range(Rows, start, count, "Mat.SliceRows(start, count)", "the rows of the matrix");
        return new Mat(_storage, Offset + start * Cols, count, Cols);
    }

    /// <summary>All elements, row after row, as one vector view (no copy).</summary>
    public Vec AsVec() => new(_storage, Offset, Length);

    /// <summary>A copy of the elements, row after row, in a new array.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>The shape, e.g. <c>Mat[128×784]</c>.</summary>
    public override string ToString() => Guard.Shape(this);

    private static void CheckShape(int rows, int cols, string where)
    {
        Guard.NotNegative(rows, nameof(rows), where);
        Guard.NotNegative(cols, nameof(cols), where);
        if ((long)rows * cols > int.MaxValue)
        {
            throw new ArgumentException($"{where}: rows × cols = {rows}×{cols} exceeds the largest array.", nameof(rows));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowIndex(int row, int col) =>
        throw new IndexOutOfRangeException($"Index ({row}, {col}) is outside {Guard.Shape(this)}.");
}
