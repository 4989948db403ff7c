using System.Buffers.Binary;
using System.Text;

namespace SymbolicGrad.Export;

/// <summary>
/// The protocol-buffers wire format, for the few ONNX messages an export writes: varints, fixed 32-bit floats and
/// length-delimited fields (strings, bytes, packed arrays, nested messages). Written by hand so that the runtime needs
/// no protobuf dependency; a nested message is written into a writer of its own, then copied in after its length.
/// </summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0, Fixed32 = 5, LengthDelimited = 2;

    private byte[] _buffer = new byte[256];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void WriteTo(Stream stream) => stream.Write(_buffer, 0, _length);

    public void Int64(int field, long value)
    {
        Tag(field, Varint);
        RawVarint((ulong)value);
    }

    public void Float(int field, float value)
    {
        Tag(field, Fixed32);
        BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), value);
    }

    public void String(int field, string value)
    {
        Tag(field, LengthDelimited);
        int count = Encoding.UTF8.GetByteCount(value);
        RawVarint((ulong)count);
        Encoding.UTF8.GetBytes(value, Reserve(count));
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        RawVarint((ulong)value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    /// <summary>A repeated int64 field, packed (one length-delimited run of varints).</summary>
    public void PackedInt64(int field, ReadOnlySpan<long> values)
    {
        var packed = new ProtoWriter();
        foreach (long value in values) packed.RawVarint((ulong)value);
        Bytes(field, packed.Written);
    }

    /// <summary>A repeated float field, packed (little-endian 32-bit values).</summary>
    public void PackedFloat(int field, ReadOnlySpan<float> values)
    {
        Tag(field, LengthDelimited);
        RawVarint((ulong)values.Length * 4);
        var target = Reserve(values.Length * 4);
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(target.Slice(4 * i), values[i]);
    }

    /// <summary>A nested message, written by <paramref name="write"/>.</summary>
    public void Message(int field, Action<ProtoWriter> write)
    {
        var nested = new ProtoWriter();
        write(nested);
        Bytes(field, nested.Written);
    }

    private void Tag(int field, int wireType) => RawVarint(((ulong)field << 3) | (uint)wireType);

    private void RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            Reserve(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }
        Reserve(1)[0] = (byte)value;
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            long size = Math.Max((long)_buffer.Length * 2, (long)_length + count);
            if (size > Array.MaxLength) throw new InvalidOperationException($"The ONNX model exceeds {Array.MaxLength} bytes, the most one protobuf message can hold here.");
            Array.Resize(ref _buffer, (int)size);
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
