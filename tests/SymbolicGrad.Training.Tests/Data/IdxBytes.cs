using System.Buffers.Binary;
using System.IO.Compression;

namespace SymbolicGrad.Training.Tests.Data;

/// <summary>Builds IDX files byte by byte, independently of the writer under test, including broken ones.</summary>
internal static class IdxBytes
{
    public static byte[] Header(byte type, params uint[] dimensions)
    {
        var header = new byte[4 + 4 * dimensions.Length];
        header[2] = type;
        header[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * d), dimensions[d]);
        }
        return header;
    }

    public static byte[] File(byte[] header, byte[] data) => [.. header, .. data];

    /// <summary>count images of rows × columns whose pixel k of image i is (i·7 + k) mod 256.</summary>
    public static byte[] Images(int count, int rows, int columns) =>
        File(Header(0x08, (uint)count, (uint)rows, (uint)columns), Pixels(count, rows * columns));

    public static byte[] Pixels(int count, int size)
    {
        var data = new byte[count * size];
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < size; k++)
            {
                data[i * size + k] = (byte)((i * 7 + k) % 256);
            }
        }
        return data;
    }

    public static byte[] Labels(params byte[] labels) => File(Header(0x08, (uint)labels.Length), labels);

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(raw);
        }
        return output.ToArray();
    }
}
