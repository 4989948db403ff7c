namespace SymbolicGrad;

/// <summary>
/// A float array that can be replaced by a larger copy. <see cref="ParameterStore"/> hands out views that hold this
/// handle, not the array, so every view stays valid (and the buffer stays one contiguous array) when it grows.
/// </summary>
internal sealed class GrowableBuffer
{
    /// <summary>The current backing array; replaced (never mutated in size) when the buffer grows.</summary>
    internal float[] Array = [];

    /// <summary>Replaces the array by one of <paramref name="capacity"/> elements keeping the first <paramref name="used"/>.</summary>
    internal void Resize(int capacity, int used)
    {
        var next = new float[capacity];
        System.Array.Copy(Array, next, used);
        Array = next;
    }
}
