using System.Buffers.Binary;
using System.Numerics;

namespace SymbolicGrad;

/// <summary>CRC-32C (Castagnoli) of a byte span, with the CPU's CRC instruction where there is one.</summary>
internal static class Crc32C
{
    internal static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i, 8)));
        }

        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return ~crc;
    }
}
