using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// Pinned float buffers used from a 64-byte boundary: the packing buffers of the GEMM kernels (<see cref="Rent"/>), and
/// the parameter, gradient and optimizer-state arrays, whose element 0 itself starts on a line
/// (<see cref="AllocateArray(int)"/>). A GC array's data starts wherever its object landed (8-byte aligned), so without this
/// one process's buffers could split a 32-byte load across two cache lines every other load, and the next process's not.
/// </summary>
internal static class AlignedBuffer
{
    /// <summary>The boundary the buffers start on, in bytes (a cache line).</summary>
    internal const int Alignment = 64;

    // A pinned float[0] takes 24 bytes on a 64-bit runtime (header, method table, length), so the data of the object
    // allocated right after it starts 24 bytes after its own; a float[k] (k even) takes 24 + 4k bytes.
    private const int EmptyArrayBytes = 24;

    /// <summary>Whether buffers start on <see cref="Alignment"/> (benchmarks compare with the unaligned start).</summary>
    internal static bool Align { get; set; } = true;

    /// <summary>
    /// Where <see cref="AllocateArray(int)"/> places element 0, in bytes past a line: 0 (the default) on the line; benchmarks
    /// set a multiple of 8 below <see cref="Alignment"/> to time a deliberate misplacement.
    /// </summary>
    internal static int ArrayLineOffset
    {
        get => _arrayLineOffset;
        set => _arrayLineOffset = CheckLineOffset(value);
    }

    private static int _arrayLineOffset;

    /// <summary>The aligned start of <paramref name="array"/>, grown (once, pinned) to hold at least <paramref name="length"/> floats from there.</summary>
    internal static ref float Rent(ref float[]? array, long length)
    {
        if (array is null || array.Length < length + Alignment / sizeof(float))
        {
            array = GC.AllocateUninitializedArray<float>(checked((int)(length + Alignment / sizeof(float))), pinned: true);
        }

        return ref Start(array);
    }

    /// <summary>The first element of a buffer from <see cref="Rent"/> on the boundary.</summary>
    internal static unsafe ref float Start(float[] array)
    {
        ref float first = ref MemoryMarshal.GetArrayDataReference(array);
        int skip = Align ? (int)(((nuint)Alignment - ((nuint)Unsafe.AsPointer(ref first) & (Alignment - 1))) & (Alignment - 1)) / sizeof(float) : 0;
        return ref Unsafe.Add(ref first, skip);
    }

    /// <summary>
    /// A zeroed, pinned array of <paramref name="length"/> floats whose element 0 starts on a 64-byte line (or
    /// <see cref="ArrayLineOffset"/> bytes past one), so that index i of every such array shares its place in a line:
    /// views keep offset 0 and stay one contiguous array. Pinned arrays never move, so the placement lasts.
    /// </summary>
    /// <remarks>
    /// .NET cannot be asked for an aligned array, but the pinned heap places an allocation at the start of the free
    /// block it picks (or at the end of the heap), so the object before it sets where it starts. Where the heap grows
    /// at its end (a young process), an empty probe says where the next object goes and a small filler shifts the array
    /// onto the line; a freed block that held such an array starts on the line too. Where a collection has left free
    /// blocks, small and large requests come from different blocks; then fillers of the array's own size chain through
    /// the block the array would take, each placed so that the object after it starts on the line. Every placement is
    /// checked (another thread may allocate pinned memory in between) and tried again; after the attempts the array is
    /// returned where it landed: correct, only not on the line. An array too big for a shared heap region (tens of MB)
    /// gets a region of its own, at a fixed place.
    /// </remarks>
    internal static float[] AllocateArray(int length) => AllocateArray(length, ArrayLineOffset);

    /// <summary>As <see cref="AllocateArray(int)"/>, with element 0 <paramref name="lineOffset"/> bytes past a line.</summary>
    internal static float[] AllocateArray(int length, int lineOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int target = CheckLineOffset(lineOffset);
        if (length == 0)
        {
            return [];
        }

        if (IntPtr.Size != 8)
        {
            return GC.AllocateArray<float>(length, pinned: true);
        }

        // Attempts 0 and 2 place the array with a probe and a filler; attempt 1 takes it as the heap gives it, which
        // is on the line when a freed block starts where an array of this kind started.
        float[] array = [];
        var kept = new List<float[]>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (attempt != 1)
            {
                var probe = GC.AllocateUninitializedArray<float>(0, pinned: true);
                int shift = (target - EmptyArrayBytes - LineOffsetOf(probe)) & (Alignment - 1);
                if (shift != 0)
                {
                    int fillerBytes = shift >= EmptyArrayBytes ? shift : shift + Alignment;
                    _ = GC.AllocateUninitializedArray<float>((fillerBytes - EmptyArrayBytes) / sizeof(float), pinned: true);
                }
            }

            array = GC.AllocateArray<float>(length, pinned: true);
            if (LineOffsetOf(array) == target)
            {
                return array;
            }

            kept.Add(array);
        }

        // The chain: each filler (as long as the array, rounded up to even) is kept alive until the array is placed, so
        // the next request cannot take its block again; a filler that did not land right after the previous object
        // starts the chain over from itself.
        float[] previous = array;
        int chained = length <= 1 << 20 ? 11 : 2;
        int even = length + (length & 1);
        for (int attempt = 0; attempt < chained; attempt++)
        {
            nuint next = AddressOf(previous) + (nuint)((sizeof(float) * (long)previous.Length + 7) & ~7L) + EmptyArrayBytes;
            int fillerEnd = (int)((next + (nuint)(sizeof(float) * (long)even)) & (Alignment - 1));
            int extra = ((target - EmptyArrayBytes - fillerEnd) & (Alignment - 1)) / sizeof(float);
            var filler = GC.AllocateUninitializedArray<float>(even + extra, pinned: true);
            kept.Add(filler);
            previous = filler;
            if (AddressOf(filler) != next)
            {
                continue;
            }

            array = GC.AllocateArray<float>(length, pinned: true);
            if (LineOffsetOf(array) == target)
            {
                return array;
            }

            kept.Add(array);
            previous = array;
        }

        GC.KeepAlive(kept);
        return array;
    }

    private static int CheckLineOffset(int bytes) => bytes is >= 0 and < Alignment && bytes % 8 == 0
        ? bytes
        : throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"A placement past a cache line is a multiple of 8 bytes below {Alignment}.");

    /// <summary>Bytes past a 64-byte line at which element 0 of a pinned <paramref name="array"/> starts.</summary>
    internal static int LineOffsetOf(float[] array) => (int)(AddressOf(array) & (Alignment - 1));

    private static unsafe nuint AddressOf(float[] pinned) => (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
}
