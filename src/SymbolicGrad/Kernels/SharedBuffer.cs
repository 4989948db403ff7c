using System.Runtime.CompilerServices;

namespace SymbolicGrad.CompilerServices;

/// <summary>The buffer the threads of one dispatch pack a shared operand into (one dispatch at a time: <see cref="WorkerPool"/>).</summary>
internal static class SharedBuffer
{
    // Pinned (AlignedBuffer): the pool's threads read it through a pointer.
    private static float[]? _buffer;

    /// <summary>Where the buffer starts, for benchmarks that look at alignment (0 before the first product).</summary>
    internal static unsafe nint Address => _buffer is null ? 0 : (nint)Unsafe.AsPointer(ref AlignedBuffer.Start(_buffer));

    /// <summary>The buffer's first element, on a cache line, with room for at least <paramref name="length"/> floats (grown once, kept).</summary>
    internal static ref float Rent(long length) => ref AlignedBuffer.Rent(ref _buffer, length);
}
