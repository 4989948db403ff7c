namespace SymbolicGrad;

/// <summary>The contents of an IDX file of unsigned bytes: its dimensions and its data, row-major.</summary>
public sealed class IdxData
{
    readonly int[] _dimensions;

    internal IdxData(int[] dimensions, byte[] data)
    {
        _dimensions = dimensions;
        Data = data;
    }

    /// <summary>The dimensions from the header, outermost first (for MNIST images: count, rows, columns).</summary>
    public IReadOnlyList<int> Dimensions => _dimensions;

    /// <summary>The data bytes, row-major; its length is the product of <see cref="Dimensions"/>.</summary>
    public byte[] Data { get; }

    /// <summary>The number of items: the first dimension.</summary>
    public int Count => _dimensions[0];

    /// <summary>Bytes per item: the product of all dimensions but the first (1 for a one-dimensional file).</summary>
    public int ItemSize => Count == 0 ? 0 : Data.Length / Count;
}
