namespace SymbolicGrad.Training.Tests.Data;

public class RandomShiftTests
{
    /// <summary>An image whose every pixel is distinct and nonzero: value = 1 + c·1000 + y·100·… (no pixel equals the fill).</summary>
    static float[] Numbered(int channels, int height, int width) =>
        Enumerable.Range(0, channels * height * width).Select(i => 1f + i).ToArray();

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, -1)]
    [InlineData(-2, 2)]
    [InlineData(0, -2)]
    [InlineData(-1, 0)]
    public void A_shifted_image_holds_the_original_moved_and_fill_elsewhere(int dx, int dy)
    {
        const int c = 2, h = 5, w = 7;
        var original = Numbered(c, h, w);
        var image = (float[])original.Clone();

        RandomShift.Shift(image, c, h, w, dx, dy, fill: -5f);

        for (int ch = 0; ch < c; ch++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    int sy = y - dy, sx = x - dx;
                    float expected = sy is >= 0 and < h && sx is >= 0 and < w ? original[(ch * h + sy) * w + sx] : -5f;
                    Assert.Equal(expected, image[(ch * h + y) * w + x]);
                }
            }
        }
    }

    [Fact]
    public void Shifting_back_restores_the_original_inside_the_overlap()
    {
        const int h = 28, w = 28;
        var random = new Random(5);
        var original = Enumerable.Range(0, h * w).Select(_ => (float)(0.5 + random.NextDouble())).ToArray();
        for (int dx = -2; dx <= 2; dx++)
        {
            for (int dy = -2; dy <= 2; dy++)
            {
                var image = (float[])original.Clone();
                RandomShift.Shift(image, 1, h, w, dx, dy);
                RandomShift.Shift(image, 1, h, w, -dx, -dy);
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        // Pixel (y, x) survives the round trip exactly when its shifted place (y + dy, x + dx) is inside.
                        bool inside = y + dy is >= 0 and < h && x + dx is >= 0 and < w;
                        Assert.Equal(inside ? original[y * w + x] : 0f, image[y * w + x]);
                    }
                }
            }
        }
    }

    [Fact]
    public void Shifts_stay_within_the_bound_cover_every_offset_and_depend_only_on_seed_epoch_and_row()
    {
        var shift = new RandomShift(1, 28, 28, maxShift: 2, seed: 11);
        var seen = new HashSet<(int, int)>();
        for (int epoch = 1; epoch <= 4; epoch++)
        {
            for (int row = 0; row < 2000; row++)
            {
                var (dx, dy) = shift.OffsetOf(row, epoch);
                Assert.InRange(dx, -2, 2);
                Assert.InRange(dy, -2, 2);
                seen.Add((dx, dy));
                Assert.Equal((dx, dy), new RandomShift(1, 28, 28, 2, seed: 11).OffsetOf(row, epoch));
            }
        }

        Assert.Equal(25, seen.Count);
        // Each of the 25 offsets gets about 1/25 of 8,000 draws (320; ±25% is over 5 standard deviations).
        var counts = new int[5, 5];
        for (int epoch = 1; epoch <= 4; epoch++)
        {
            for (int row = 0; row < 2000; row++)
            {
                var (dx, dy) = shift.OffsetOf(row, epoch);
                counts[dx + 2, dy + 2]++;
            }
        }

        foreach (int count in counts)
        {
            Assert.InRange(count, 240, 400);
        }

        // Another epoch or seed moves rows differently.
        int sameEpoch = Enumerable.Range(0, 500).Count(r => shift.OffsetOf(r, 1) == shift.OffsetOf(r, 2));
        int sameSeed = Enumerable.Range(0, 500).Count(r => shift.OffsetOf(r, 1) == new RandomShift(1, 28, 28, 2, seed: 12).OffsetOf(r, 1));
        Assert.InRange(sameEpoch, 0, 60);
        Assert.InRange(sameSeed, 0, 60);
    }

    [Fact]
    public void Augment_moves_each_batch_row_by_its_training_rows_offset_and_allocates_nothing()
    {
        const int h = 6, w = 6, n = 4;
        var shift = new RandomShift(1, h, w, maxShift: 2, seed: 3);
        var batch = new float[n * h * w];
        var originals = new float[n][];
        for (int r = 0; r < n; r++)
        {
            originals[r] = Numbered(1, h, w).Select(v => v + 100 * r).ToArray();
            originals[r].CopyTo(batch, r * h * w);
        }

        int[] rows = [17, 3, 999, 42];
        shift.Augment(new Mat(batch, n, h * w), rows, epoch: 5);
        for (int r = 0; r < n; r++)
        {
            var expected = (float[])originals[r].Clone();
            var (dx, dy) = shift.OffsetOf(rows[r], 5);
            RandomShift.Shift(expected, 1, h, w, dx, dy);
            Assert.Equal(expected, batch.AsSpan(r * h * w, h * w).ToArray());
        }

        var mat = new Mat(batch, n, h * w);
        shift.Augment(mat, rows, 6); // warm
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int epoch = 7; epoch < 50; epoch++)
        {
            shift.Augment(mat, rows, epoch);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Bad_shapes_and_bounds_are_refused_with_the_sizes()
    {
        var shift = new RandomShift(1, 28, 28, 2);
        var wrongWidth = Assert.Throws<ArgumentException>(() => shift.Augment(new Mat(new float[2 * 100], 2, 100), [0, 1], 1));
        Assert.Contains("100 features", wrongWidth.Message);
        Assert.Contains("1×28×28", wrongWidth.Message);
        var wrongRows = Assert.Throws<ArgumentException>(() => shift.Augment(new Mat(new float[2 * 784], 2, 784), [0], 1));
        Assert.Contains("2 batch rows but 1 row indices", wrongRows.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomShift(1, 28, 28, maxShift: 28));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomShift(1, 28, 28, maxShift: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomShift(0, 28, 28, maxShift: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomShift(1, 28, 28, 1, fill: float.NaN));
        var wrongLength = Assert.Throws<ArgumentException>(() => RandomShift.Shift(new float[10], 1, 3, 3, 1, 1));
        Assert.Contains("10 floats", wrongLength.Message);
    }

    [Fact]
    public void Shifts_of_the_image_size_or_more_leave_only_fill()
    {
        var image = Numbered(1, 3, 4);
        RandomShift.Shift(image, 1, 3, 4, int.MinValue, 0, fill: 7f);
        Assert.All(image, v => Assert.Equal(7f, v));
        image = Numbered(1, 3, 4);
        RandomShift.Shift(image, 1, 3, 4, 0, 3, fill: 7f);
        Assert.All(image, v => Assert.Equal(7f, v));
    }
}
