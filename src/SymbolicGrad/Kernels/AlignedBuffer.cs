using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// Pinned float buffers used from a 64-byte boundary: the packing buffers of the GEMM kernels. A GC array's data starts
/// wherever its object landed (8-byte aligned), so without this one process's packed panels could split a 32-byte load
/// across two cache lines every other load, and the next process's not.
/// </summary>
internal static class AlignedBuffer
{
    /// <summary>The boundary the buffers start on, in bytes (a cache line).</summary>
    internal const int Alignment = 64;

    /// <summary>Whether buffers start on <see cref="Alignment"/> (benchmarks compare with the unaligned start).</summary>
    internal static bool Align { get; set; } = true;

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
}
