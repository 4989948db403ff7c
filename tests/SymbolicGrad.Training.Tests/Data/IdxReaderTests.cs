namespace SymbolicGrad.Training.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    string Save(string name, byte[] bytes)
    {
        string path = _folder.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_raw_and_gzipped(bool gzip)
    {
        byte[] raw = IdxBytes.Images(5, 3, 2);
        string path = Save(gzip ? "images-idx3-ubyte.gz" : "images-idx3-ubyte", gzip ? IdxBytes.Gzip(raw) : raw);

        var images = Idx.ReadImages(path);

        Assert.Equal([5, 3, 2], images.Dimensions);
        Assert.Equal(5, images.Count);
        Assert.Equal(6, images.ItemSize);
        Assert.Equal(IdxBytes.Pixels(5, 6), images.Data);
    }

    [Fact]
    public void Gzip_is_detected_by_content_not_by_name()
    {
        string path = Save("labels-idx1-ubyte", IdxBytes.Gzip(IdxBytes.Labels(3, 1, 4)));
        Assert.Equal([3, 1, 4], Idx.ReadLabels(path));
    }

    [Fact]
    public void Reads_from_a_non_seekable_stream()
    {
        using var stream = new NonSeekableStream(IdxBytes.Gzip(IdxBytes.Labels(9, 8, 7)));
        Assert.Equal([9, 8, 7], Idx.ReadLabels(stream, "resource"));
    }

    [Fact]
    public void Reads_any_number_of_dimensions()
    {
        string path = Save("cube", IdxBytes.File(IdxBytes.Header(0x08, 2, 2, 2, 2), Enumerable.Range(0, 16).Select(i => (byte)i).ToArray()));
        var data = Idx.Read(path);
        Assert.Equal([2, 2, 2, 2], data.Dimensions);
        Assert.Equal(8, data.ItemSize);
        Assert.Equal(15, data.Data[15]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writer_round_trips(bool gzip)
    {
        string images = _folder.File(gzip ? "w-images.gz" : "w-images");
        string labels = _folder.File(gzip ? "w-labels.gz" : "w-labels");
        Idx.WriteImages(images, IdxBytes.Pixels(4, 6), 4, 2, 3);
        Idx.WriteLabels(labels, [0, 9, 2, 9]);

        Assert.Equal(gzip, File.ReadAllBytes(images)[0] == 0x1f);
        Assert.Equal(IdxBytes.Images(4, 2, 3), gzip ? Decompress(images) : File.ReadAllBytes(images));
        var data = Idx.ReadImages(images);
        Assert.Equal([4, 2, 3], data.Dimensions);
        Assert.Equal(IdxBytes.Pixels(4, 6), data.Data);
        Assert.Equal([0, 9, 2, 9], Idx.ReadLabels(labels));
    }

    [Fact]
    public void Writer_refuses_dimensions_that_do_not_match_the_data()
    {
        var ex = Assert.Throws<ArgumentException>(() => Idx.WriteImages(_folder.File("x"), new byte[10], 2, 2, 2));
        Assert.Contains("describe 8 bytes but the data has 10", ex.Message);
    }

    [Fact]
    public void ReadDataset_scales_pixels_to_unit_range_and_keeps_labels()
    {
        string images = Save("i", IdxBytes.Images(3, 2, 2));
        string labels = Save("l", IdxBytes.Labels(7, 0, 9));

        var dataset = Idx.ReadDataset(images, labels);

        Assert.Equal(3, dataset.Count);
        Assert.Equal(4, dataset.FeatureCount);
        Assert.Equal(10, dataset.ClassCount);
        Assert.Equal([7, 0, 9], dataset.Labels!);
        // Image 2, pixel 3 is (2·7 + 3) mod 256 = 17.
        Expect.Close(17 / 255.0, dataset.Row(2)[3]);
        Assert.All(dataset.Features, x => Assert.InRange(x, 0f, 1f));
    }

    // ---- bad files: each message names the file and the problem ----

    void AssertRefused(string name, byte[] bytes, Func<string, object> read, params string[] problem)
    {
        string path = Save(name, bytes);
        var ex = Assert.Throws<InvalidDataException>(() => read(path));
        Assert.Contains($"IDX file '{path}'", ex.Message);
        foreach (string part in problem)
        {
            Assert.Contains(part, ex.Message);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Wrong_magic_is_refused(bool gzip)
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
        AssertRefused("picture.png", gzip ? IdxBytes.Gzip(png) : png, Idx.ReadImages,
            "wrong magic number 0x89504E47", "not an IDX file");
    }

    [Fact]
    public void Wrong_data_type_code_is_refused()
    {
        byte[] floats = IdxBytes.File(IdxBytes.Header(0x0D, 1, 2, 2), new byte[16]);
        AssertRefused("floats-idx3", floats, Idx.ReadImages, "0x00000D03", "data type code 0x0D (32-bit float) is not supported");
    }

    [Fact]
    public void A_label_file_read_as_images_is_refused()
    {
        AssertRefused("train-labels-idx1-ubyte", IdxBytes.Labels(1, 2, 3), Idx.ReadImages,
            "expected an image file (3 dimensions, magic 0x00000803)", "declares 1 dimension", "looks like a label file");
    }

    [Fact]
    public void An_image_file_read_as_labels_is_refused()
    {
        AssertRefused("train-images-idx3-ubyte", IdxBytes.Images(1, 2, 2), Idx.ReadLabels,
            "expected a label file (1 dimension, magic 0x00000801)", "declares 3 dimensions", "looks like an image file");
    }

    [Fact]
    public void A_file_shorter_than_the_magic_number_is_refused()
    {
        AssertRefused("stub", [0, 0, 8], Idx.Read, "truncated", "only 3 bytes");
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        AssertRefused("empty", [], Idx.Read, "truncated", "only 0 bytes");
    }

    [Fact]
    public void A_file_truncated_inside_the_header_is_refused()
    {
        AssertRefused("cut-header", IdxBytes.Images(2, 2, 2)[..9], Idx.ReadImages,
            "truncated inside the header", "need 12 bytes", "only 5");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_data_is_refused(bool gzip)
    {
        byte[] raw = IdxBytes.Images(10, 2, 2)[..^7];
        AssertRefused("cut-data", gzip ? IdxBytes.Gzip(raw) : raw, Idx.ReadImages,
            "truncated", "10 × 2 × 2", "40 data bytes", "33");
    }

    [Fact]
    public void A_gzip_file_cut_in_the_middle_is_refused()
    {
        byte[] gz = IdxBytes.Gzip(IdxBytes.Images(200, 28, 28));
        string path = Save("cut.gz", gz[..(gz.Length / 2)]);
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Contains($"IDX file '{path}'", ex.Message);
        Assert.True(ex.Message.Contains("truncated") || ex.Message.Contains("corrupt"), ex.Message);
    }

    [Fact]
    public void Corrupt_gzip_data_is_refused()
    {
        byte[] gz = IdxBytes.Gzip(IdxBytes.Images(20, 28, 28));
        for (int i = 20; i < gz.Length - 8; i += 3)
        {
            gz[i] ^= 0x5A;
        }
        string path = Save("scrambled.gz", gz);
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Contains($"IDX file '{path}'", ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Data_longer_than_declared_is_refused(bool gzip)
    {
        byte[] raw = [.. IdxBytes.Images(2, 2, 2), 1, 2, 3];
        AssertRefused("too-long", gzip ? IdxBytes.Gzip(raw) : raw, Idx.ReadImages,
            "its length and its dimensions disagree", "2 × 2 × 2", "8 data bytes");
    }

    [Fact]
    public void A_zero_dimension_is_refused()
    {
        AssertRefused("zero", IdxBytes.File(IdxBytes.Header(0x08, 5, 0, 28), []), Idx.ReadImages,
            "dimension 2 of 3 has size 0", "5 × 0 × 28");
    }

    [Fact]
    public void A_dimension_above_int_max_is_refused()
    {
        AssertRefused("huge-dim", IdxBytes.File(IdxBytes.Header(0x08, 0xFFFFFFF0u), [1, 2]), Idx.ReadLabels,
            "absurd size 4294967280");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_huge_declared_size_in_a_tiny_file_is_refused_without_allocating_it(bool gzip)
    {
        // 100000 × 100000 × 100000 bytes cannot exist in one array at all.
        byte[] raw = IdxBytes.File(IdxBytes.Header(0x08, 100000, 100000, 100000), new byte[32]);
        AssertRefused("absurd", gzip ? IdxBytes.Gzip(raw) : raw, Idx.ReadImages,
            "100000 × 100000 × 100000", "more than", "single array");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_large_declared_size_in_a_tiny_file_is_refused_before_allocating_it(bool gzip)
    {
        // 2,000,000 × 28 × 28 = 1.5 GB declared, 32 bytes present: must fail as truncated, allocating little.
        byte[] raw = IdxBytes.File(IdxBytes.Header(0x08, 2_000_000, 28, 28), new byte[32]);
        string path = Save("liar", gzip ? IdxBytes.Gzip(raw) : raw);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains($"IDX file '{path}'", ex.Message);
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("1,568,000,000 data bytes", ex.Message);
        Assert.True(allocated < 16 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Images_and_labels_with_different_counts_are_refused_naming_both_files()
    {
        string images = Save("imgs", IdxBytes.Images(3, 2, 2));
        string labels = Save("lbls", IdxBytes.Labels(1, 2));
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadDataset(images, labels));
        Assert.Contains($"'{images}'", ex.Message);
        Assert.Contains($"'{labels}'", ex.Message);
        Assert.Contains("3 images", ex.Message);
        Assert.Contains("2 labels", ex.Message);
    }

    [Fact]
    public void A_label_outside_the_classes_is_refused()
    {
        string images = Save("imgs", IdxBytes.Images(3, 2, 2));
        string labels = Save("lbls", IdxBytes.Labels(1, 12, 2));
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadDataset(images, labels));
        Assert.Contains($"IDX file '{labels}'", ex.Message);
        Assert.Contains("label 12 at index 1 is outside 0..9", ex.Message);
    }

    static byte[] Decompress(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
        public override long Length => throw new NotSupportedException();
    }
}
