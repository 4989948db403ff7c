using System.Buffers.Binary;
using System.IO.Compression;

namespace SymbolicGrad;

public static partial class Idx
{
    /// <summary>Writes an IDX file of unsigned bytes; gzipped when <paramref name="path"/> ends in <c>.gz</c>.</summary>
    /// <param name="path">The file to create or overwrite.</param>
    /// <param name="data">The data, row-major.</param>
    /// <param name="dimensions">The dimensions, outermost first; their product must equal the data length.</param>
    /// <exception cref="ArgumentException">The dimensions do not match the data.</exception>
    public static void Write(string path, ReadOnlySpan<byte> data, ReadOnlySpan<int> dimensions)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(file, data, dimensions, gzip: path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Writes IDX data of unsigned bytes to a stream.</summary>
    /// <param name="stream">The destination; left open.</param>
    /// <param name="data">The data, row-major.</param>
    /// <param name="dimensions">The dimensions, outermost first; their product must equal the data length.</param>
    /// <param name="gzip">Whether to gzip the output (smallest size).</param>
    /// <exception cref="ArgumentException">The dimensions do not match the data.</exception>
    public static void Write(Stream stream, ReadOnlySpan<byte> data, ReadOnlySpan<int> dimensions, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (dimensions.Length is < 1 or > MaxDimensions)
        {
            throw new ArgumentException($"An IDX file has between 1 and {MaxDimensions} dimensions; {dimensions.Length} were given.", nameof(dimensions));
        }
        long product = 1;
        foreach (int size in dimensions)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(size, 1, nameof(dimensions));
            product *= size;
            if (product > MaxDataBytes)
            {
                break;
            }
        }
        if (product != data.Length)
        {
            throw new ArgumentException($"The dimensions [{string.Join(", ", dimensions.ToArray())}] describe {product} bytes but the data has {data.Length}.", nameof(dimensions));
        }

        Span<byte> header = stackalloc byte[4 + 4 * MaxDimensions];
        header = header[..(4 + 4 * dimensions.Length)];
        header[0] = 0;
        header[1] = 0;
        header[2] = UnsignedByteType;
        header[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.Slice(4 + 4 * d, 4), dimensions[d]);
        }

        if (gzip)
        {
            using var compressed = new GZipStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
            compressed.Write(header);
            compressed.Write(data);
        }
        else
        {
            stream.Write(header);
            stream.Write(data);
        }
    }

    /// <summary>Writes an MNIST-style image file (magic 0x00000803).</summary>
    /// <param name="path">The file; gzipped when it ends in <c>.gz</c>.</param>
    /// <param name="pixels">count × rows × columns bytes, row-major.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="rows">Rows per image.</param>
    /// <param name="columns">Columns per image.</param>
    public static void WriteImages(string path, ReadOnlySpan<byte> pixels, int count, int rows, int columns) =>
        Write(path, pixels, [count, rows, columns]);

    /// <summary>Writes an MNIST-style label file (magic 0x00000801).</summary>
    /// <param name="path">The file; gzipped when it ends in <c>.gz</c>.</param>
    /// <param name="labels">One byte per label.</param>
    public static void WriteLabels(string path, ReadOnlySpan<byte> labels) => Write(path, labels, [labels.Length]);
}
