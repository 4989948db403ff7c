namespace SymbolicGrad;

/// <summary>
/// Data augmentation for images: every epoch each training image moves by a random whole number of pixels, at most
/// <see cref="MaxShift"/> in each direction (the lectures' "shift the digit a little"); pixels moved in from outside
/// are <see cref="Fill"/>. Rows are images of <see cref="Channels"/> × <see cref="Height"/> × <see cref="Width"/>
/// floats in the CHW layout of <see cref="Image"/>.
/// </summary>
/// <remarks>
/// The shift of a row depends only on (<see cref="Seed"/>, epoch, row index) — see <see cref="OffsetOf"/> — so the
/// same seed gives the same run whatever the batch size or thread count. Shifting is done in place, allocates nothing,
/// and keeps no state, so one instance may serve several trainers at once.
/// </remarks>
public sealed class RandomShift : IAugmentation
{
    /// <summary>Creates the augmentation.</summary>
    /// <param name="channels">Channels per image; at least 1.</param>
    /// <param name="height">Rows of each channel; at least 1.</param>
    /// <param name="width">Columns of each channel; at least 1.</param>
    /// <param name="maxShift">Largest shift in pixels along each axis, in [0, min(height, width)); 0 changes nothing.</param>
    /// <param name="seed">Seed of the shifts.</param>
    /// <param name="fill">The value of pixels moved in from outside the image (0, the background of scaled digits).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the shift is negative or not smaller than the image.</exception>
    public RandomShift(int channels, int height, int width, int maxShift, int seed = 0, float fill = 0f)
    {
        CheckShape(channels, height, width);
        if (maxShift < 0 || maxShift >= Math.Min(height, width))
        {
            throw new ArgumentOutOfRangeException(nameof(maxShift), maxShift,
                $"RandomShift: the largest shift must be in [0, {Math.Min(height, width)}) for {height}×{width} images.");
        }

        if (!float.IsFinite(fill))
        {
            throw new ArgumentOutOfRangeException(nameof(fill), fill, "RandomShift: the fill value must be finite.");
        }

        Channels = channels;
        Height = height;
        Width = width;
        MaxShift = maxShift;
        Seed = seed;
        Fill = fill;
    }

    /// <summary>Channels per image.</summary>
    public int Channels { get; }

    /// <summary>Rows of each channel.</summary>
    public int Height { get; }

    /// <summary>Columns of each channel.</summary>
    public int Width { get; }

    /// <summary>Largest shift in pixels along each axis.</summary>
    public int MaxShift { get; }

    /// <summary>Seed of the shifts.</summary>
    public int Seed { get; }

    /// <summary>The value of pixels moved in from outside the image.</summary>
    public float Fill { get; }

    /// <summary>Floats per image: <see cref="Channels"/> × <see cref="Height"/> × <see cref="Width"/>.</summary>
    public int FeatureCount => Channels * Height * Width;

    /// <summary>
    /// The shift of training row <paramref name="row"/> in epoch <paramref name="epoch"/>: <c>Dx</c> columns to the
    /// right and <c>Dy</c> rows down (negative: left, up), each uniform in [−<see cref="MaxShift"/>, <see cref="MaxShift"/>].
    /// </summary>
    /// <param name="row">The row's index in the training set.</param>
    /// <param name="epoch">The epoch.</param>
    public (int Dx, int Dy) OffsetOf(int row, int epoch)
    {
        // SplitMix64's finalizer over (seed, epoch, row): neighbouring rows and epochs get unrelated shifts.
        ulong z = ((ulong)(uint)Seed << 32 | (uint)epoch) ^ ((ulong)(uint)row * 0x9E3779B97F4A7C15UL);
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        ulong choices = (ulong)(2 * MaxShift + 1);
        int dx = (int)(((z & 0xFFFFFFFFUL) * choices) >> 32) - MaxShift;
        int dy = (int)(((z >> 32) * choices) >> 32) - MaxShift;
        return (dx, dy);
    }

    /// <summary>Shifts each row of <paramref name="inputs"/> by <see cref="OffsetOf"/>(its training row, <paramref name="epoch"/>).</summary>
    /// <param name="inputs">The batch; each row one image of <see cref="FeatureCount"/> floats.</param>
    /// <param name="rows">Each batch row's index in the training set.</param>
    /// <param name="epoch">The epoch.</param>
    /// <exception cref="ArgumentException">The rows are not images of this size, or there is not one index per row.</exception>
    public void Augment(Mat inputs, ReadOnlySpan<int> rows, int epoch)
    {
        if (inputs.Cols != FeatureCount)
        {
            throw new ArgumentException(
                $"RandomShift: the batch rows have {inputs.Cols} features but {Channels}×{Height}×{Width} images have {FeatureCount}.", nameof(inputs));
        }

        if (rows.Length != inputs.Rows)
        {
            throw new ArgumentException($"RandomShift: {inputs.Rows} batch rows but {rows.Length} row indices.", nameof(rows));
        }

        var all = inputs.Span;
        for (int r = 0; r < rows.Length; r++)
        {
            var (dx, dy) = OffsetOf(rows[r], epoch);
            ShiftInPlace(all.Slice(r * FeatureCount, FeatureCount), Channels, Height, Width, dx, dy, Fill);
        }
    }

    /// <summary>
    /// Moves an image <paramref name="dx"/> columns right and <paramref name="dy"/> rows down (negative: left, up), in
    /// place; pixels moved in from outside become <paramref name="fill"/>. Pixel (c, y, x) of the result is pixel
    /// (c, y − dy, x − dx) of the original where that exists.
    /// </summary>
    /// <param name="image">channels × height × width floats, CHW.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="height">Rows of each channel.</param>
    /// <param name="width">Columns of each channel.</param>
    /// <param name="dx">Columns to the right (any value; |dx| ≥ width leaves only fill).</param>
    /// <param name="dy">Rows down (any value; |dy| ≥ height leaves only fill).</param>
    /// <param name="fill">The value of pixels moved in from outside.</param>
    /// <exception cref="ArgumentException">The span's length is not channels × height × width.</exception>
    public static void Shift(Span<float> image, int channels, int height, int width, int dx, int dy, float fill = 0f)
    {
        CheckShape(channels, height, width);
        if (image.Length != (long)channels * height * width)
        {
            throw new ArgumentException(
                $"RandomShift.Shift: the image has {image.Length} floats but {channels}×{height}×{width} needs {(long)channels * height * width}.", nameof(image));
        }

        ShiftInPlace(image, channels, height, width, dx, dy, fill);
    }

    // Rows are written in the direction that reads every source row before it is overwritten: bottom-up when moving
    // down, top-down otherwise; within a row Span.CopyTo handles the overlap.
    private static void ShiftInPlace(Span<float> image, int channels, int height, int width, int dx, int dy, float fill)
    {
        if (dx == 0 && dy == 0)
        {
            return;
        }

        int plane = height * width;
        for (int c = 0; c < channels; c++)
        {
            var pixels = image.Slice(c * plane, plane);
            if (dy > 0)
            {
                for (int y = height - 1; y >= 0; y--)
                {
                    WriteRow(pixels, width, y, y - dy, height, dx, fill);
                }
            }
            else
            {
                for (int y = 0; y < height; y++)
                {
                    WriteRow(pixels, width, y, y - dy, height, dx, fill);
                }
            }
        }
    }

    private static void WriteRow(Span<float> pixels, int width, int y, int sourceY, int height, int dx, float fill)
    {
        var destination = pixels.Slice(y * width, width);
        if ((uint)sourceY >= (uint)height || Math.Abs((long)dx) >= width)
        {
            destination.Fill(fill);
            return;
        }

        var source = pixels.Slice(sourceY * width, width);
        if (dx >= 0)
        {
            source[..(width - dx)].CopyTo(destination[dx..]);
            destination[..dx].Fill(fill);
        }
        else
        {
            source[-dx..].CopyTo(destination[..(width + dx)]);
            destination[(width + dx)..].Fill(fill);
        }
    }

    private static void CheckShape(int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if ((long)channels * height * width > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), $"RandomShift: {channels}×{height}×{width} images are larger than an array can hold.");
        }
    }
}
