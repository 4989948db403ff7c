using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SymbolicGrad;

/// <summary>
/// The file format of a saved <see cref="Pca"/>, version 1 (all numbers little-endian):
/// <code>
/// magic "SGRADPCA" (8 bytes) · uint32 version · uint32 flags (bit 0: whiten) · int64 file length ·
/// int32 feature count d · int32 component count k · int64 fitted rows · float64 total variance ·
/// float64 × d mean · float64 × k variances · float64 × k·d axes (row-major) · uint32 CRC-32C of every byte before it
/// </code>
/// </summary>
internal static class PcaFormat
{
    private static ReadOnlySpan<byte> Magic => "SGRADPCA"u8;

    private const uint Version = 1;

    private const uint WhitenFlag = 1;

    // magic + version + flags + length + d + k + rows + total variance
    private const int HeaderSize = 8 + 4 + 4 + 8 + 4 + 4 + 8 + 8;

    internal static byte[] Encode(Pca pca)
    {
        int d = pca.FeatureCount, k = pca.ComponentCount;
        long length = HeaderSize + 8L * (d + k + (long)k * d) + 4;
        if (length > Array.MaxLength)
        {
            throw new InvalidOperationException($"A saved PCA of {length:N0} bytes exceeds the largest array this runtime can write.");
        }

        var bytes = new byte[length];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], pca.Whiten ? WhitenFlag : 0);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], length);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], d);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], k);
        BinaryPrimitives.WriteInt64LittleEndian(span[32..], pca.FittedRows);
        BinaryPrimitives.WriteDoubleLittleEndian(span[40..], pca.TotalVariance);
        int position = HeaderSize;
        position = WriteDoubles(span, position, pca.Mean);
        position = WriteDoubles(span, position, pca.ExplainedVariance);
        position = WriteDoubles(span, position, pca.Components);
        BinaryPrimitives.WriteUInt32LittleEndian(span[position..], Crc32C.Compute(span[..position]));
        return bytes;
    }

    internal static Pca Read(string path)
    {
        string full = Path.GetFullPath(path);
        byte[] bytes;
        using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            if (stream.Length > Array.MaxLength)
            {
                throw Refuse(full, $"it is {stream.Length:N0} bytes, larger than any saved PCA this runtime can read");
            }

            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }

        return Decode(bytes, full);
    }

    internal static Pca Decode(ReadOnlySpan<byte> bytes, string file)
    {
        int magicBytes = Math.Min(bytes.Length, Magic.Length);
        if (!bytes[..magicBytes].SequenceEqual(Magic[..magicBytes]))
        {
            throw Refuse(file, "wrong magic bytes: this is not a PCA saved by SymbolicGrad");
        }

        if (bytes.Length < HeaderSize + 4)
        {
            throw Refuse(file, $"truncated: it is {bytes.Length} bytes, shorter than the header ({HeaderSize + 4} bytes)");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version != Version)
        {
            throw Refuse(file, $"wrong version: it is format version {version}, this runtime reads version {Version}");
        }

        long declared = BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]);
        if (bytes.Length != declared)
        {
            throw Refuse(file, bytes.Length < declared
                ? $"truncated: it is {bytes.Length:N0} bytes but its header says {declared:N0}"
                : $"corrupt: it is {bytes.Length:N0} bytes but its header says {declared:N0}");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        uint actual = Crc32C.Compute(bytes[..^4]);
        if (stored != actual)
        {
            throw Refuse(file, $"corrupt: checksum mismatch (stored 0x{stored:X8}, computed 0x{actual:X8})");
        }

        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        int d = BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]);
        int k = BinaryPrimitives.ReadInt32LittleEndian(bytes[28..]);
        long rows = BinaryPrimitives.ReadInt64LittleEndian(bytes[32..]);
        double total = BinaryPrimitives.ReadDoubleLittleEndian(bytes[40..]);
        // The checksum holds, so a wrong size means a broken writer; still never trust a count.
        if (d < 1 || k < 1 || k > d || rows < 1 || (flags & ~WhitenFlag) != 0
            || declared != HeaderSize + 8L * (d + k + (long)k * d) + 4)
        {
            throw Refuse(file, $"corrupt: {d} features, {k} components, {rows} rows and flags 0x{flags:X} do not describe a {declared:N0}-byte file");
        }

        int position = HeaderSize;
        var mean = ReadDoubles(bytes, ref position, d);
        var variance = ReadDoubles(bytes, ref position, k);
        var axes = ReadDoubles(bytes, ref position, k * d);
        return new Pca(mean, axes, variance, total, (flags & WhitenFlag) != 0, rows);
    }

    private static int WriteDoubles(Span<byte> bytes, int position, ReadOnlySpan<double> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(bytes[position..]);
            return position + 8 * values.Length;
        }

        foreach (double value in values)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes[position..], value);
            position += 8;
        }

        return position;
    }

    private static double[] ReadDoubles(ReadOnlySpan<byte> bytes, ref int position, int count)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(position + 8 * i)..]);
        }

        position += 8 * count;
        return values;
    }

    private static InvalidDataException Refuse(string file, string why) => new($"Saved PCA '{file}' is refused: {why}.");
}
