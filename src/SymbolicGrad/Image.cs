using System.Runtime.CompilerServices;

namespace SymbolicGrad;

/// <summary>
/// An image: a view of <see cref="Channels"/> × <see cref="Height"/> × <see cref="Width"/> consecutive floats of an
/// array, channel after channel, each channel row after row; pixel (c, y, x) is at
/// <c>Offset + (c·Height + y)·Width + x</c> (PyTorch's CHW layout of one sample). Wrapping never copies: view a data
/// row with <c>x.AsImage(1, 28, 28)</c> and flatten an image back with <see cref="Ops.Flatten"/>.
/// </summary>
public readonly struct Image
{
    // A float[] the caller owns, a GrowableBuffer of a ParameterStore, or null (default view); see Vec.
    private readonly object? _storage;

    /// <summary>Wraps a whole array as a channels × height × width image (no copy); its length must match.</summary>
    /// <param name="data">The pixels, channel after channel, row after row.</param>
    /// <param name="channels">Number of channels.</param>
    /// <param name="height">Rows of each channel.</param>
    /// <param name="width">Columns of each channel.</param>
    public Image(float[] data, int channels, int height, int width)
        : this(data, 0, channels, height, width)
    {
        if (data.Length != Length)
        {
            throw new ArgumentException(
                $"new Image(data, {channels}, {height}, {width}): data has {data.Length} elements but {channels}×{height}×{width} needs {Length}.",
                nameof(data));
        }
    }

    /// <summary>Wraps channels × height × width elements of <paramref name="data"/> from <paramref name="offset"/> (no copy).</summary>
    /// <param name="data">The array holding the pixels.</param>
    /// <param name="offset">Index in <paramref name="data"/> of pixel (0, 0, 0).</param>
    /// <param name="channels">Number of channels.</param>
    /// <param name="height">Rows of each channel.</param>
    /// <param name="width">Columns of each channel.</param>
    public Image(float[] data, int offset, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(data);
        long length = CheckShape(channels, height, width, "new Image(data, offset, channels, height, width)");
        Guard.Range(data.Length, offset, length, "new Image(data, offset, channels, height, width)");
        _storage = data;
        Offset = offset;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>Allocates a new zero-filled channels × height × width image.</summary>
    /// <param name="channels">Number of channels.</param>
    /// <param name="height">Rows of each channel.</param>
    /// <param name="width">Columns of each channel.</param>
    public Image(int channels, int height, int width)
    {
        long length = CheckShape(channels, height, width, "new Image(channels, height, width)");
        _storage = new float[length];
        Offset = 0;
        Channels = channels;
        Height = height;
        Width = width;
    }

    internal Image(object? storage, int offset, int channels, int height, int width)
    {
        _storage = storage;
        Offset = offset;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>Number of channels.</summary>
    public int Channels { get; }

    /// <summary>Rows of each channel.</summary>
    public int Height { get; }

    /// <summary>Columns of each channel.</summary>
    public int Width { get; }

    /// <summary>Number of elements, <see cref="Channels"/> × <see cref="Height"/> × <see cref="Width"/>.</summary>
    public int Length => Channels * Height * Width;

    /// <summary>Index in <see cref="Array"/> of pixel (0, 0, 0).</summary>
    public int Offset { get; }

    /// <summary>The array the view reads and writes.</summary>
    public float[] Array => Storage.Resolve(_storage);

    /// <summary>All pixels, channel after channel, as a span over the underlying memory.</summary>
    public Span<float> Span => new(Array, Offset, Length);

    /// <summary>A reference to pixel (<paramref name="channel"/>, <paramref name="y"/>, <paramref name="x"/>).</summary>
    /// <param name="channel">Zero-based channel.</param>
    /// <param name="y">Zero-based row.</param>
    /// <param name="x">Zero-based column.</param>
    public ref float this[int channel, int y, int x]
    {
        get
        {
            if ((uint)channel >= (uint)Channels || (uint)y >= (uint)Height || (uint)x >= (uint)Width)
            {
                ThrowIndex(channel, y, x);
            }

            return ref Array[Offset + (channel * Height + y) * Width + x];
        }
    }

    /// <summary>Channel <paramref name="channel"/> as a height × width matrix view (no copy).</summary>
    /// <param name="channel">Zero-based channel.</param>
    public Mat Channel(int channel)
    {
        if ((uint)channel >= (uint)Channels)
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, $"Channel {channel} is outside {this}.");
        }

        return new Mat(_storage, Offset + channel * Height * Width, Height, Width);
    }

    /// <summary>All pixels as one vector view (no copy); the same as <see cref="Ops.Flatten"/>.</summary>
    public Vec AsVec() => new(_storage, Offset, Length);

    /// <summary>A copy of the pixels in a new array.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>The shape, e.g. <c>Image[1×28×28]</c>.</summary>
    public override string ToString() => $"Image[{Channels}×{Height}×{Width}]";

    internal static long CheckShape(int channels, int height, int width, string where)
    {
        Guard.NotNegative(channels, nameof(channels), where);
        Guard.NotNegative(height, nameof(height), where);
        Guard.NotNegative(width, nameof(width), where);
        long length = (long)channels * height * width;
        if (length > System.Array.MaxLength)
        {
            throw new ArgumentException($"{where}: {channels}×{height}×{width} exceeds the largest array.", nameof(channels));
        }

        return length;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowIndex(int channel, int y, int x) =>
        throw new IndexOutOfRangeException($"Index ({channel}, {y}, {x}) is outside {this}.");
}
