namespace SymbolicGrad.CompilerServices;

/// <summary>The buffer the threads of one dispatch pack a shared operand into (one dispatch at a time: <see cref="WorkerPool"/>).</summary>
internal static class SharedBuffer
{
    private static float[] _buffer = [];

    /// <summary>The buffer's first element, with room for at least <paramref name="length"/> floats (grown once, kept).</summary>
    internal static ref float Rent(long length)
    {
        if (_buffer.Length < length)
        {
            // Pinned: the pool's threads read it through a pointer.
            _buffer = GC.AllocateUninitializedArray<float>((int)length, pinned: true);
        }

        return ref _buffer[0];
    }
}
