using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace SymbolicGrad;

/// <summary>
/// The checkpoint file format, version 2 (all numbers little-endian):
/// <code>
/// magic "SGRADCKP" (8 bytes) · uint32 version · uint32 flags (bit 0: optimizer state, bit 1: training mode) ·
/// int64 file length · int32 completed epochs · int32 parameter count · int32 tensor count ·
/// per tensor: int32 name byte count, UTF-8 name, int32 rows, int32 cols, byte is-matrix ·
/// float32 × parameter count ·
/// int32 state count · int32 state tensor count · per state tensor: as above · float32 × state count ·
/// int64 random seed · int64 random step ·
/// [optimizer: int32 type-name byte count, UTF-8 type name, int64 step, int32 buffer count, per buffer: int32 length, float32 × length] ·
/// uint32 CRC-32C of every byte before it
/// </code>
/// Version 1 is the same without the state, random-stream and mode parts (bit 1 of the flags unused); it is still
/// read, as a model without state whose mode and random stream the file does not record.
/// </summary>
internal static class CheckpointFormat
{
    internal static ReadOnlySpan<byte> Magic => "SGRADCKP"u8;

    internal const int Version = 2;

    /// <summary>The oldest version still read.</summary>
    internal const int OldestVersion = 1;

    private const uint OptimizerFlag = 1;

    private const uint TrainingFlag = 2;

    // magic + version + flags + length + epochs + parameter count + tensor count
    private const int HeaderSize = 8 + 4 + 4 + 8 + 4 + 4 + 4;

    private const int MaxNameBytes = 4096;

    internal sealed record Contents(CheckpointInfo Info, float[] Values, float[] State, IReadOnlyList<float[]> OptimizerBuffers);

    /// <summary>What a version-2 file records of the model besides its parameters.</summary>
    internal readonly record struct ModelState(IReadOnlyList<ParameterInfo> StateLayout, float[] State, bool Training, long RandomSeed, long RandomStep);

    internal static byte[] Encode(IReadOnlyList<ParameterInfo> layout, ReadOnlySpan<float> values, in ModelState model, int completedEpochs,
        string? optimizerType, long optimizerStep, IReadOnlyList<float[]> optimizerBuffers)
    {
        var names = EncodeNames(layout);
        var stateNames = EncodeNames(model.StateLayout);
        // header (with the tensor count) · entries · values · state count, state tensor count, entries, values · seed, step · CRC
        long length = HeaderSize + TableSize(names) + 4L * values.Length + 4 + 4 + TableSize(stateNames) + 4L * model.State.Length + 8 + 8 + 4;

        byte[]? typeName = optimizerType is null ? null : Encoding.UTF8.GetBytes(optimizerType);
        if (typeName is not null)
        {
            length += 4 + typeName.Length + 8 + 4;
            foreach (var buffer in optimizerBuffers)
            {
                length += 4 + 4L * buffer.Length;
            }
        }

        if (length > Array.MaxLength)
        {
            throw new InvalidOperationException($"A checkpoint of {length} bytes exceeds the largest array this runtime can write.");
        }

        var bytes = new byte[length];
        var writer = new Writer(bytes);
        writer.Bytes(Magic);
        writer.UInt32(Version);
        writer.UInt32((typeName is null ? 0 : OptimizerFlag) | (model.Training ? TrainingFlag : 0));
        writer.Int64(length);
        writer.Int32(completedEpochs);
        writer.Int32(values.Length);
        writer.Table(layout, names);
        writer.Floats(values);
        writer.Int32(model.State.Length);
        writer.Table(model.StateLayout, stateNames);
        writer.Floats(model.State);
        writer.Int64(model.RandomSeed);
        writer.Int64(model.RandomStep);
        if (typeName is not null)
        {
            writer.Int32(typeName.Length);
            writer.Bytes(typeName);
            writer.Int64(optimizerStep);
            writer.Int32(optimizerBuffers.Count);
            foreach (var buffer in optimizerBuffers)
            {
                writer.Int32(buffer.Length);
                writer.Floats(buffer);
            }
        }

        writer.UInt32(Crc32C.Compute(bytes.AsSpan(0, writer.Position)));
        return bytes;
    }

    /// <summary>Reads and fully validates a checkpoint (magic, version, length, checksum, structure).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint; the message says why and names it.</exception>
    internal static Contents Read(string path)
    {
        string full = Path.GetFullPath(path);
        byte[] bytes;
        using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            if (stream.Length > Array.MaxLength)
            {
                throw Refuse(full, $"it is {stream.Length:N0} bytes, larger than any checkpoint this runtime can read");
            }

            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }

        return Decode(bytes, full);
    }

    internal static Contents Decode(ReadOnlySpan<byte> bytes, string file)
    {
        int magicBytes = Math.Min(bytes.Length, Magic.Length);
        if (!bytes[..magicBytes].SequenceEqual(Magic[..magicBytes]))
        {
            throw Refuse(file, "wrong magic bytes: this is not a SymbolicGrad checkpoint");
        }

        if (bytes.Length < HeaderSize + 4)
        {
            throw Refuse(file, $"truncated: it is {bytes.Length} bytes, shorter than a checkpoint header ({HeaderSize + 4} bytes)");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version is < OldestVersion or > Version)
        {
            throw Refuse(file, $"wrong version: it is format version {version}, this runtime reads versions {OldestVersion} to {Version}");
        }

        long declared = BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]);
        if (bytes.Length < declared)
        {
            throw Refuse(file, $"truncated: it is {bytes.Length:N0} bytes but its header says {declared:N0}");
        }

        if (bytes.Length > declared)
        {
            throw Refuse(file, $"corrupt: it is {bytes.Length:N0} bytes but its header says {declared:N0} (extra bytes at the end, or a damaged header)");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        uint actual = Crc32C.Compute(bytes[..^4]);
        if (stored != actual)
        {
            throw Refuse(file, $"corrupt: checksum mismatch (stored 0x{stored:X8}, computed 0x{actual:X8})");
        }

        // The checksum holds, so a structural error below means the writer was broken; still never trust a length.
        var reader = new Reader(bytes[..^4], file);
        reader.Skip(8 + 4);
        uint flags = reader.UInt32();
        reader.Skip(8);
        int epochs = reader.Int32();
        int count = reader.Count("parameter count");
        var tensors = reader.Table(count, "the shape table");
        float[] values = reader.Floats(count);
        IReadOnlyList<CheckpointTensor> stateTensors = [];
        float[] state = [];
        bool? training = null;
        long randomSeed = 0, randomStep = 0;
        if (version >= 2)
        {
            int stateCount = reader.Count("state count");
            stateTensors = reader.Table(stateCount, "the state table");
            state = reader.Floats(stateCount);
            randomSeed = reader.Int64();
            randomStep = reader.Int64();
            training = (flags & TrainingFlag) != 0;
        }

        string? optimizerType = null;
        long step = 0;
        var buffers = new List<float[]>();
        if ((flags & OptimizerFlag) != 0)
        {
            optimizerType = reader.Name();
            step = reader.Int64();
            int bufferCount = reader.Count("optimizer buffer count");
            for (int i = 0; i < bufferCount; i++)
            {
                buffers.Add(reader.Floats(reader.Count("optimizer buffer length")));
            }
        }

        reader.ExpectEnd();
        var info = new CheckpointInfo(file, (int)version, epochs, count, tensors, optimizerType, step)
        {
            StateTensors = stateTensors,
            StateCount = state.Length,
            Training = training,
            RandomSeed = randomSeed,
            RandomStep = randomStep,
        };
        return new Contents(info, values, state, buffers);
    }

    internal static InvalidDataException Refuse(string file, string why) =>
        new($"Checkpoint '{file}' is refused: {why}.");

    private static byte[][] EncodeNames(IReadOnlyList<ParameterInfo> layout)
    {
        var names = new byte[layout.Count][];
        for (int i = 0; i < layout.Count; i++)
        {
            names[i] = Encoding.UTF8.GetBytes(layout[i].Name);
        }

        return names;
    }

    // The entries (not their count): per entry, name length, name, rows, cols, is-matrix.
    private static long TableSize(byte[][] names)
    {
        long size = 0;
        foreach (var name in names)
        {
            size += 4 + name.Length + 4 + 4 + 1;
        }

        return size;
    }

    private ref struct Writer(Span<byte> bytes)
    {
        private readonly Span<byte> _bytes = bytes;

        internal int Position { get; private set; }

        internal void Bytes(ReadOnlySpan<byte> data)
        {
            data.CopyTo(_bytes[Position..]);
            Position += data.Length;
        }

        internal void Byte(byte value) => _bytes[Position++] = value;

        // The entry count, then the entries.
        internal void Table(IReadOnlyList<ParameterInfo> layout, byte[][] names)
        {
            Int32(layout.Count);
            for (int i = 0; i < layout.Count; i++)
            {
                Int32(names[i].Length);
                Bytes(names[i]);
                Int32(layout[i].Rows);
                Int32(layout[i].Cols);
                Byte(layout[i].IsMatrix ? (byte)1 : (byte)0);
            }
        }

        internal void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_bytes[Position..], value);
            Position += 4;
        }

        internal void Int32(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_bytes[Position..], value);
            Position += 4;
        }

        internal void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_bytes[Position..], value);
            Position += 8;
        }

        internal void Floats(ReadOnlySpan<float> values)
        {
            var target = _bytes.Slice(Position, values.Length * 4);
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(values).CopyTo(target);
            }
            else
            {
                for (int i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(target[(4 * i)..], values[i]);
                }
            }

            Position += target.Length;
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes, string file)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private readonly string _file = file;
        private int _position;

        internal void Skip(int count) => Take(count);

        internal byte Byte() => Take(1)[0];

        internal uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        internal int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        internal long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        internal int Count(string what)
        {
            int value = Int32();
            if (value < 0)
            {
                throw Refuse(_file, $"corrupt: negative {what} ({value}) at byte {_position - 4}");
            }

            return value;
        }

        // A tensor count and its entries, checked to cover exactly `floats` floats.
        internal List<CheckpointTensor> Table(int floats, string what)
        {
            int tensorCount = Count("tensor count");
            var tensors = new List<CheckpointTensor>(Math.Min(tensorCount, 1024));
            long total = 0;
            for (int i = 0; i < tensorCount; i++)
            {
                string name = Name();
                int rows = Count("rows");
                int cols = Count("cols");
                bool isMatrix = Byte() != 0;
                tensors.Add(new CheckpointTensor(name, rows, cols, isMatrix));
                total += (long)rows * cols;
            }

            if (total != floats)
            {
                throw Refuse(_file, $"corrupt: {what} covers {total:N0} floats but the header says {floats:N0}");
            }

            return tensors;
        }

        internal string Name()
        {
            int length = Count("name length");
            if (length > MaxNameBytes)
            {
                throw Refuse(_file, $"corrupt: a name of {length} bytes at byte {_position - 4}");
            }

            return Encoding.UTF8.GetString(Take(length));
        }

        internal float[] Floats(int count)
        {
            var source = Take(checked(4 * (long)count));
            var values = new float[count];
            if (BitConverter.IsLittleEndian)
            {
                source.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                }
            }

            return values;
        }

        internal readonly void ExpectEnd()
        {
            if (_position != _bytes.Length)
            {
                throw Refuse(_file, $"corrupt: {_bytes.Length - _position} unexpected bytes after the data at byte {_position}");
            }
        }

        private ReadOnlySpan<byte> Take(long count)
        {
            if (count > _bytes.Length - _position)
            {
                throw Refuse(_file, $"corrupt: {count:N0} bytes expected at byte {_position} but only {_bytes.Length - _position:N0} remain");
            }

            var slice = _bytes.Slice(_position, (int)count);
            _position += (int)count;
            return slice;
        }
    }
}
