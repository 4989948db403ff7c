namespace SymbolicGrad;

/// <summary>Resolves the storage object of a <see cref="Vec"/> or <see cref="Mat"/> to its current array.</summary>
internal static class Storage
{
    /// <summary>
    /// A view's storage is a caller-owned <c>float[]</c>, a <see cref="GrowableBuffer"/> (parameters), or null for a
    /// default view.
    /// </summary>
    internal static float[] Resolve(object? storage) => storage switch
    {
        float[] array => array,
        GrowableBuffer buffer => buffer.Array,
        _ => [],
    };
}
