using SymbolicGrad.CompilerServices;

namespace SymbolicGrad;

/// <summary>
/// A float array that can be replaced by a larger copy. <see cref="ParameterStore"/> hands out views that hold this
/// handle, not the array, so every view stays valid (and the buffer stays one contiguous array) when it grows.
/// </summary>
/// <remarks>
/// Each array is pinned with element 0 on a 64-byte line (<see cref="AlignedBuffer.AllocateArray(int)"/>), so a
/// parameter's elements sit at the same place in a cache line in the values, the gradients and the optimizer's state,
/// in every process: the vector loops of a step never depend on where the allocator happened to put the arrays.
/// </remarks>
internal sealed class GrowableBuffer
{
    /// <summary>The current backing array; replaced (never mutated in size) when the buffer grows.</summary>
    internal float[] Array = [];

    /// <summary>Replaces the array by one of <paramref name="capacity"/> elements keeping the first <paramref name="used"/>.</summary>
    internal void Resize(int capacity, int used)
    {
        var next = AlignedBuffer.AllocateArray(capacity);
        System.Array.Copy(Array, next, used);
        Array = next;
    }
}
