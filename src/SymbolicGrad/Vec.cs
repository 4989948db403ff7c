using System.Runtime.CompilerServices;

namespace SymbolicGrad;

/// <summary>
/// A vector: a view of <see cref="Length"/> consecutive floats of an array, starting at <see cref="Offset"/>.
/// Wrapping never copies: a data row, a slice of a buffer or a parameter of a <see cref="Model"/> is used in place.
/// </summary>
/// <remarks>
/// A view of a <see cref="ParameterStore"/> reaches its array through the store's buffer, so it stays valid when the
/// store grows; a <see cref="System.Span{T}"/> taken from it should not be kept across parameter allocations.
/// </remarks>
public readonly partial struct Vec
{
    // A float[] the caller owns, or a GrowableBuffer of a ParameterStore (see GrowableBuffer), or null (default view).
    private readonly object? _storage;

    /// <summary>Wraps the whole array (no copy).</summary>
    /// <param name="data">The elements; the view writes through to it.</param>
    public Vec(float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _storage = data;
        Offset = 0;
        Length = data.Length;
    }

    /// <summary>Wraps <paramref name="length"/> elements of <paramref name="data"/> starting at <paramref name="offset"/> (no copy).</summary>
    /// <param name="data">The array holding the elements.</param>
    /// <param name="offset">Index in <paramref name="data"/> of the first element.</param>
    /// <param name="length">Number of elements.</param>
    public Vec(float[] data, int offset, int length)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.Range(data.Length, offset, length, "new Vec(data, offset, length)");
        _storage = data;
        Offset = offset;
        Length = length;
    }

    /// <summary>Allocates a new zero-filled vector of <paramref name="length"/> elements.</summary>
    /// <param name="length">Number of elements.</param>
    public Vec(int length)
    {
        Guard.NotNegative(length, nameof(length), "new Vec(length)");
        _storage = new float[length];
        Offset = 0;
        Length = length;
    }

    internal Vec(object? storage, int offset, int length)
    {
        _storage = storage;
        Offset = offset;
        Length = length;
    }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Index in <see cref="Array"/> of the first element.</summary>
    public int Offset { get; }

    /// <summary>The array the view reads and writes (for a parameter, the store's current buffer).</summary>
    public float[] Array => Storage.Resolve(_storage);

    /// <summary>The elements as a span over the underlying memory.</summary>
    public Span<float> Span => new(Array, Offset, Length);

    /// <summary>The storage object: a <c>float[]</c> or a parameter buffer; used to map parameters to gradients.</summary>
    internal object? StorageObject => _storage;

    /// <summary>A reference to element <paramref name="index"/>: read it, or assign through it.</summary>
    /// <param name="index">Zero-based index, below <see cref="Length"/>.</param>
    public ref float this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Length)
            {
                ThrowIndex(index);
            }

            return ref Array[Offset + index];
        }
    }

    /// <summary>The elements as a span over the underlying memory (same as <see cref="Span"/>).</summary>
    public Span<float> AsSpan() => Span;

    /// <summary>A view of <paramref name="length"/> elements starting at <paramref name="start"/> (no copy).</summary>
    /// <param name="start">Index of the first element of the slice.</param>
    /// <param name="length">Number of elements of the slice.</param>
    public Vec Slice(int start, int length)
    {
        Guard.Range(Length, start, length, "Vec.Slice(start, length)", "the vector");
        return new Vec(_storage, Offset + start, length);
    }

    /// <summary>
    /// The elements as a channels × height × width <see cref="Image"/> (no copy), e.g. a data row of 784 pixels as
    /// <c>x.AsImage(1, 28, 28)</c>; the product must equal <see cref="Length"/>.
    /// </summary>
    /// <param name="channels">Number of channels.</param>
    /// <param name="height">Rows of each channel.</param>
    /// <param name="width">Columns of each channel.</param>
    public Image AsImage(int channels, int height, int width)
    {
        long length = Image.CheckShape(channels, height, width, "Vec.AsImage(channels, height, width)");
        if (length != Length)
        {
            throw new ArgumentException(
                $"Vec.AsImage({channels}, {height}, {width}): the vector is {Guard.Shape(this)} but an image of {channels}×{height}×{width} has {length} elements.",
                nameof(channels));
        }

        return new Image(_storage, Offset, channels, height, width);
    }

    /// <summary>A copy of the elements in a new array.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>Copies the elements of <paramref name="source"/> into this view; the lengths must be equal.</summary>
    /// <param name="source">A vector of the same length.</param>
    public void CopyFrom(Vec source)
    {
        Guard.SameLength(this, source, "Vec.CopyFrom", "this", nameof(source));
        source.Span.CopyTo(Span);
    }

    /// <summary>The shape, e.g. <c>Vec[10]</c>.</summary>
    public override string ToString() => Guard.Shape(this);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowIndex(int index) =>
        throw new IndexOutOfRangeException($"Index {index} is outside {Guard.Shape(this)}.");
}
