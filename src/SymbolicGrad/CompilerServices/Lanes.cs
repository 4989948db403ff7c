using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// SIMD lanes for the element-wise loops of generated code: <see cref="Width"/> floats at a time, as
/// <see cref="Vector{T}"/> (8 with AVX2). Every operation gives, lane by lane, the bits of its scalar
/// counterpart (<c>+ − · /</c>, <see cref="MathF.Max(float, float)"/>, comparisons with NaN false…), so a
/// vectorized loop computes exactly what the user's scalar code computes.
/// </summary>
/// <remarks>
/// Loads and stores are bounds-checked: an index that does not leave room for a whole vector throws. A row loop checks
/// its rows once instead (<see cref="CheckRows"/>) and then loads and stores them with <see cref="LoadInRows"/> and
/// <see cref="StoreInRows"/>, as the hand-written kernels do: three checks per vector made its loops 1.5× theirs.
/// </remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class Lanes
{
    /// <summary>The number of floats in one vector.</summary>
    public static int Width
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector<float>.Count;
    }

    /// <summary>The <see cref="Width"/> floats of <paramref name="source"/> starting at <paramref name="index"/>.</summary>
    /// <param name="source">The memory to read.</param>
    /// <param name="index">The first element read.</param>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than <see cref="Width"/> elements start at <paramref name="index"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(ReadOnlySpan<float> source, int index)
    {
        if ((ulong)(uint)index + (uint)Vector<float>.Count > (uint)source.Length) ThrowOutside(index, source.Length);
        return Vector.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)(uint)index);
    }

    /// <summary>Writes <paramref name="value"/> into the <see cref="Width"/> floats of <paramref name="destination"/> starting at <paramref name="index"/>.</summary>
    /// <param name="destination">The memory to write.</param>
    /// <param name="index">The first element written.</param>
    /// <param name="value">The lanes to write.</param>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than <see cref="Width"/> elements start at <paramref name="index"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Span<float> destination, int index, Vector<float> value)
    {
        if ((ulong)(uint)index + (uint)Vector<float>.Count > (uint)destination.Length) ThrowOutside(index, destination.Length);
        value.StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)(uint)index);
    }

    /// <summary>
    /// Throws unless rows <paramref name="first"/> … <paramref name="end"/> − 1 of <paramref name="rowLength"/> elements
    /// each lie in <paramref name="span"/>: the check a generated row loop makes once, before its vector loops, so that
    /// their loads and stores of those rows (<see cref="LoadInRows"/>, <see cref="StoreInRows"/>) need none of their own.
    /// </summary>
    /// <param name="span">A batch's buffer, one row per sample.</param>
    /// <param name="first">The first row the loop reads or writes.</param>
    /// <param name="end">One past the last row.</param>
    /// <param name="rowLength">The elements of one row.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rows do not fit in the span.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckRows(ReadOnlySpan<float> span, int first, int end, int rowLength)
    {
        if (first < 0 || rowLength < 0 || (long)end * rowLength > span.Length) ThrowRows(first, end, rowLength, span.Length);
    }

    /// <summary>
    /// Throws unless <paramref name="span"/> holds at least <paramref name="length"/> elements: a row loop's check, once,
    /// of a vector every row reads (a bias), before vector loops that read it with <see cref="LoadInRows"/>.
    /// </summary>
    /// <param name="span">The vector.</param>
    /// <param name="length">The elements the loops read.</param>
    /// <exception cref="ArgumentOutOfRangeException">The span is shorter.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckLength(ReadOnlySpan<float> span, int length)
    {
        if (length > span.Length) ThrowRows(0, 1, length, span.Length);
    }

    /// <summary>
    /// The <see cref="Width"/> floats of <paramref name="source"/> starting at <paramref name="index"/>, without a bounds
    /// check of its own: only for an index that <see cref="CheckRows"/> or <see cref="CheckLength"/> has covered (a row
    /// loop's vector loop, whose index stays a whole vector inside a checked row).
    /// </summary>
    /// <param name="source">The memory to read.</param>
    /// <param name="index">The first element read; with <see cref="Width"/> elements from it, inside a checked range.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> LoadInRows(ReadOnlySpan<float> source, int index) =>
        Vector.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)(uint)index);

    /// <summary>
    /// Writes <paramref name="value"/> at <paramref name="index"/> without a bounds check of its own: only for an index
    /// that <see cref="CheckRows"/> has covered (see <see cref="LoadInRows"/>).
    /// </summary>
    /// <param name="destination">The memory to write.</param>
    /// <param name="index">The first element written; with <see cref="Width"/> elements from it, inside a checked range.</param>
    /// <param name="value">The lanes to write.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInRows(Span<float> destination, int index, Vector<float> value) =>
        value.StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)(uint)index);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    /// <param name="value">The value of each lane.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Splat(float value) => new(value);

    /// <summary>Lane-wise <see cref="MathF.Max(float, float)"/> (NaN if either is NaN; +0 above −0).</summary>
    /// <param name="x">The first operands.</param>
    /// <param name="y">The second operands.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Max(Vector<float> x, Vector<float> y) => Vector.Max(x, y);

    /// <summary>Lane-wise <see cref="MathF.Min(float, float)"/> (NaN if either is NaN; −0 below +0).</summary>
    /// <param name="x">The first operands.</param>
    /// <param name="y">The second operands.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Min(Vector<float> x, Vector<float> y) => Vector.Min(x, y);

    /// <summary>Lane-wise <see cref="MathF.Abs(float)"/>.</summary>
    /// <param name="x">The operands.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Abs(Vector<float> x) => Vector.Abs(x);

    /// <summary>Lane-wise <see cref="MathF.Sqrt(float)"/> (correctly rounded, as the scalar one).</summary>
    /// <param name="x">The operands.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sqrt(Vector<float> x) => Vector.SquareRoot(x);

    /// <summary>Lane-wise <c>condition ? whenTrue : whenFalse</c>, without branches.</summary>
    /// <param name="condition">A mask from a comparison: all bits set where true, none where false.</param>
    /// <param name="whenTrue">The lanes taken where the condition holds.</param>
    /// <param name="whenFalse">The lanes taken elsewhere.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Select(Vector<int> condition, Vector<float> whenTrue, Vector<float> whenFalse) =>
        Vector.ConditionalSelect(condition, whenTrue, whenFalse);

    /// <summary>A condition the same for every lane (a loop counter's): all lanes true or all false.</summary>
    /// <param name="condition">The condition.</param>
    /// <returns>A mask for <see cref="Select"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> Mask(bool condition) => condition ? Vector<int>.AllBitsSet : Vector<int>.Zero;

    /// <summary>The mask of <c>x &gt; y</c> (false where either is NaN).</summary>
    /// <param name="x">The left operands.</param>
    /// <param name="y">The right operands.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> Greater(Vector<float> x, Vector<float> y) => Vector.GreaterThan(x, y);

    /// <summary>The mask of <c>x ≥ y</c> (false where either is NaN).</summary>
    /// <param name="x">The left operands.</param>
    /// <param name="y">The right operands.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> GreaterOrEqual(Vector<float> x, Vector<float> y) => Vector.GreaterThanOrEqual(x, y);

    /// <summary>The mask of <c>x &lt; y</c> (false where either is NaN).</summary>
    /// <param name="x">The left operands.</param>
    /// <param name="y">The right operands.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> Less(Vector<float> x, Vector<float> y) => Vector.LessThan(x, y);

    /// <summary>The mask of <c>x ≤ y</c> (false where either is NaN).</summary>
    /// <param name="x">The left operands.</param>
    /// <param name="y">The right operands.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> LessOrEqual(Vector<float> x, Vector<float> y) => Vector.LessThanOrEqual(x, y);

    /// <summary>The mask of <c>x == y</c> (false where either is NaN; −0 equals +0).</summary>
    /// <param name="x">The left operands.</param>
    /// <param name="y">The right operands.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> Equal(Vector<float> x, Vector<float> y) => Vector.Equals(x, y);

    /// <summary>The mask of <c>x != y</c> (true where either is NaN).</summary>
    /// <param name="x">The left operands.</param>
    /// <param name="y">The right operands.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<int> NotEqual(Vector<float> x, Vector<float> y) => ~Vector.Equals(x, y);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowRows(int first, int end, int rowLength, int length) =>
        throw new ArgumentOutOfRangeException(nameof(end), end,
            $"Lanes: rows {first} to {end} of {rowLength} elements do not fit in a span of {length}.");

    // Not NoInlining: the JIT then sees that the call never returns and keeps the loop's vectors in registers
    // (with NoInlining it spilled them around the call on every iteration, making the loops 3× slower).
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowOutside(int index, int length) =>
        throw new ArgumentOutOfRangeException(nameof(index), index,
            $"Lanes: {Vector<float>.Count} elements from index {index} do not fit in a span of {length}.");
}
