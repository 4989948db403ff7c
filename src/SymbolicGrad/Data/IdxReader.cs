using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace SymbolicGrad;

/// <summary>
/// Reads and writes the IDX format of the MNIST files (<c>*-idx3-ubyte</c> images, <c>*-idx1-ubyte</c> labels),
/// gzipped or not (detected by the gzip magic bytes 1f 8b, not by the name).
/// </summary>
/// <remarks>
/// Layout: two zero bytes, a data-type code (0x08 = unsigned byte, the only type supported), the number of
/// dimensions, one big-endian 32-bit size per dimension, then the data row-major. Every inconsistency is
/// reported as an <see cref="InvalidDataException"/> naming the file, and sizes are checked before anything
/// large is allocated: a tiny file declaring gigabytes is refused, never an out-of-memory.
/// </remarks>
public static partial class Idx
{
    /// <summary>Largest data size accepted, in bytes: what one .NET array can hold.</summary>
    public static readonly long MaxDataBytes = Array.MaxLength;

    /// <summary>Largest number of dimensions accepted.</summary>
    public const int MaxDimensions = 16;

    const byte UnsignedByteType = 0x08;
    const int InitialGzipBuffer = 1 << 22;

    /// <summary>Reads an IDX file of unsigned bytes with any number of dimensions.</summary>
    /// <param name="path">The file, raw or gzipped.</param>
    /// <exception cref="InvalidDataException">The file is not a valid IDX file; the message names it and says why.</exception>
    public static IdxData Read(string path)
    {
        using var stream = OpenFile(path);
        return Read(stream, path);
    }

    /// <summary>Reads IDX data of unsigned bytes from a stream (a non-seekable stream is buffered in memory first).</summary>
    /// <param name="stream">The data, raw or gzipped, starting at the stream's position.</param>
    /// <param name="name">The name used in error messages (a file name or resource name).</param>
    /// <exception cref="InvalidDataException">The data is not a valid IDX file; the message names it and says why.</exception>
    public static IdxData Read(Stream stream, string name) => ReadCore(stream, name, expectedDimensions: null);

    /// <summary>Reads an IDX image file: three dimensions (count, rows, columns), magic 0x00000803.</summary>
    /// <param name="path">The file, raw or gzipped.</param>
    /// <exception cref="InvalidDataException">The file is not a valid IDX image file.</exception>
    public static IdxData ReadImages(string path)
    {
        using var stream = OpenFile(path);
        return ReadImages(stream, path);
    }

    /// <summary>Reads IDX images (three dimensions) from a stream.</summary>
    /// <param name="stream">The data, raw or gzipped.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <exception cref="InvalidDataException">The data is not a valid IDX image file.</exception>
    public static IdxData ReadImages(Stream stream, string name) => ReadCore(stream, name, expectedDimensions: 3);

    /// <summary>Reads an IDX label file: one dimension, magic 0x00000801.</summary>
    /// <param name="path">The file, raw or gzipped.</param>
    /// <exception cref="InvalidDataException">The file is not a valid IDX label file.</exception>
    public static byte[] ReadLabels(string path)
    {
        using var stream = OpenFile(path);
        return ReadLabels(stream, path);
    }

    /// <summary>Reads IDX labels (one dimension) from a stream.</summary>
    /// <param name="stream">The data, raw or gzipped.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <exception cref="InvalidDataException">The data is not a valid IDX label file.</exception>
    public static byte[] ReadLabels(Stream stream, string name) => ReadCore(stream, name, expectedDimensions: 1).Data;

    /// <summary>
    /// Reads an image file and its label file into a classification <see cref="Dataset"/>: one row of
    /// rows × columns features per image, scaled to [0, 1] by dividing by 255.
    /// </summary>
    /// <param name="imagesPath">The images (<c>*-idx3-ubyte</c>, optionally <c>.gz</c>).</param>
    /// <param name="labelsPath">The labels (<c>*-idx1-ubyte</c>, optionally <c>.gz</c>).</param>
    /// <param name="classCount">Number of classes; every label must be below it (10 for MNIST).</param>
    /// <exception cref="InvalidDataException">A file is invalid, the counts disagree, or a label is out of range.</exception>
    public static Dataset ReadDataset(string imagesPath, string labelsPath, int classCount = 10)
    {
        using var images = OpenFile(imagesPath);
        using var labels = OpenFile(labelsPath);
        return ReadDataset(images, imagesPath, labels, labelsPath, classCount);
    }

    /// <summary>Reads images and labels from streams into a classification <see cref="Dataset"/> scaled to [0, 1].</summary>
    /// <param name="images">The image data.</param>
    /// <param name="imagesName">Name of the image data, for messages.</param>
    /// <param name="labels">The label data.</param>
    /// <param name="labelsName">Name of the label data, for messages.</param>
    /// <param name="classCount">Number of classes; every label must be below it.</param>
    /// <exception cref="InvalidDataException">The data is invalid, the counts disagree, or a label is out of range.</exception>
    public static Dataset ReadDataset(Stream images, string imagesName, Stream labels, string labelsName, int classCount = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, 256);
        var imageData = ReadImages(images, imagesName);
        byte[] labelData = ReadLabels(labels, labelsName);
        if (imageData.Count != labelData.Length)
        {
            throw new InvalidDataException(
                $"IDX files '{imagesName}' and '{labelsName}' disagree: the image file holds {imageData.Count} images but the label file holds {labelData.Length} labels.");
        }
        for (int i = 0; i < labelData.Length; i++)
        {
            if (labelData[i] >= classCount)
            {
                throw new InvalidDataException(
                    $"IDX file '{labelsName}': label {labelData[i]} at index {i} is outside 0..{classCount - 1}.");
            }
        }
        return Dataset.FromBytes(imageData.Data, imageData.ItemSize, labelData, classCount);
    }

    static FileStream OpenFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
    }

    static IdxData ReadCore(Stream stream, string name, int? expectedDimensions)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        if (!stream.CanSeek)
        {
            var buffered = new MemoryStream();
            stream.CopyTo(buffered);
            buffered.Position = 0;
            stream = buffered;
        }

        long start = stream.Position;
        Span<byte> sniff = stackalloc byte[2];
        int sniffed = stream.ReadAtLeast(sniff, 2, throwOnEndOfStream: false);
        stream.Position = start;
        bool gzipped = sniffed == 2 && sniff[0] == 0x1f && sniff[1] == 0x8b;

        if (gzipped)
        {
            using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            using var checkedGzip = new DecompressionErrorStream(gzip, name);
            return ReadIdx(checkedGzip, name, expectedDimensions, bytesAvailable: null);
        }
        return ReadIdx(stream, name, expectedDimensions, bytesAvailable: stream.Length - start);
    }

    // bytesAvailable: the length of an uncompressed input, known up front; null for gzip.
    static IdxData ReadIdx(Stream input, string name, int? expectedDimensions, long? bytesAvailable)
    {
        Span<byte> magic = stackalloc byte[4];
        int got = input.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got < 4)
        {
            throw Error(name, $"it is truncated: it holds only {got} byte{(got == 1 ? "" : "s")}, less than the 4-byte IDX magic number");
        }
        uint magicNumber = BinaryPrimitives.ReadUInt32BigEndian(magic);
        if (magic[0] != 0 || magic[1] != 0)
        {
            throw Error(name, $"wrong magic number 0x{magicNumber:X8}: an IDX file starts with two zero bytes (0x000008XX for unsigned bytes); this is not an IDX file");
        }
        if (magic[2] != UnsignedByteType)
        {
            throw Error(name, $"wrong magic number 0x{magicNumber:X8}: data type code 0x{magic[2]:X2} ({TypeName(magic[2])}) is not supported; only unsigned bytes (0x08, as in MNIST) are");
        }
        int dimensionCount = magic[3];
        if (dimensionCount == 0 || dimensionCount > MaxDimensions)
        {
            throw Error(name, $"wrong magic number 0x{magicNumber:X8}: it declares {dimensionCount} dimensions; between 1 and {MaxDimensions} are supported");
        }
        if (expectedDimensions is int expected && dimensionCount != expected)
        {
            string want = expected == 3 ? "an image file (3 dimensions, magic 0x00000803)" : expected == 1 ? "a label file (1 dimension, magic 0x00000801)" : $"{expected} dimensions";
            string have = dimensionCount == 3 ? " — it looks like an image file" : dimensionCount == 1 ? " — it looks like a label file" : "";
            throw Error(name, $"expected {want} but the magic number 0x{magicNumber:X8} declares {dimensionCount} dimension{(dimensionCount == 1 ? "" : "s")}{have}");
        }

        int headerLength = 4 + 4 * dimensionCount;
        Span<byte> sizes = stackalloc byte[4 * MaxDimensions];
        sizes = sizes[..(4 * dimensionCount)];
        got = input.ReadAtLeast(sizes, sizes.Length, throwOnEndOfStream: false);
        if (got < sizes.Length)
        {
            throw Error(name, $"it is truncated inside the header: {dimensionCount} dimension sizes need {sizes.Length} bytes after the magic number but only {got} are there");
        }

        var dimensions = new int[dimensionCount];
        long total = 1;
        bool tooLarge = false;
        for (int d = 0; d < dimensionCount; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(sizes.Slice(4 * d, 4));
            if (size == 0)
            {
                throw Error(name, $"dimension {d + 1} of {dimensionCount} has size 0 ({DescribeDimensions(sizes, dimensionCount)}); every size must be at least 1");
            }
            if (size > int.MaxValue)
            {
                throw Error(name, $"dimension {d + 1} of {dimensionCount} has the absurd size {size} ({DescribeDimensions(sizes, dimensionCount)})");
            }
            dimensions[d] = (int)size;
            // Stop multiplying once past the limit, so the product cannot overflow a long.
            if (!tooLarge)
            {
                total *= size;
                tooLarge = total > MaxDataBytes;
            }
        }
        string shape = DescribeDimensions(sizes, dimensionCount);
        if (tooLarge)
        {
            throw Error(name, $"its dimensions {shape} declare more than {N(MaxDataBytes)} data bytes, more than a single array can hold; the header is corrupt");
        }

        byte[] data;
        if (bytesAvailable is long available)
        {
            long following = available - headerLength;
            if (following < total)
            {
                throw Error(name, $"it is truncated: its dimensions {shape} declare {N(total)} data bytes but only {N(following)} follow the header");
            }
            if (following > total)
            {
                throw Error(name, $"its length and its dimensions disagree: the dimensions {shape} declare {N(total)} data bytes but {N(following)} follow the header");
            }
            data = GC.AllocateUninitializedArray<byte>((int)total);
            input.ReadExactly(data);
        }
        else
        {
            data = ReadGrowing(input, (int)total, name, shape);
            if (input.ReadByte() >= 0)
            {
                throw Error(name, $"its length and its dimensions disagree: the dimensions {shape} declare {N(total)} data bytes but more data follows them");
            }
        }
        return new IdxData(dimensions, data);
    }

    /// <summary>Reads <paramref name="total"/> bytes of unknown availability, growing the buffer only as data arrives.</summary>
    static byte[] ReadGrowing(Stream input, int total, string name, string shape)
    {
        var data = new byte[Math.Min(total, InitialGzipBuffer)];
        int filled = 0;
        while (filled < total)
        {
            if (filled == data.Length)
            {
                Array.Resize(ref data, (int)Math.Min(total, 2L * data.Length));
            }
            int read = input.Read(data, filled, data.Length - filled);
            if (read == 0)
            {
                throw Error(name, $"it is truncated: its dimensions {shape} declare {N(total)} data bytes but the decompressed data ends after {N(filled)}");
            }
            filled += read;
        }
        return data;
    }

    static string DescribeDimensions(ReadOnlySpan<byte> sizes, int count)
    {
        var parts = new string[count];
        for (int d = 0; d < count; d++)
        {
            parts[d] = BinaryPrimitives.ReadUInt32BigEndian(sizes.Slice(4 * d, 4)).ToString(CultureInfo.InvariantCulture);
        }
        return string.Join(" × ", parts);
    }

    static string TypeName(byte code) => code switch
    {
        0x09 => "signed byte",
        0x0B => "16-bit integer",
        0x0C => "32-bit integer",
        0x0D => "32-bit float",
        0x0E => "64-bit float",
        _ => "not an IDX type",
    };

    static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    static InvalidDataException Error(string name, string problem, Exception? inner = null) =>
        new($"IDX file '{name}': {problem}.", inner);
}
