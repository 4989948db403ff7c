using SymbolicGrad.OnnxExport.Tests.Models;

namespace SymbolicGrad.OnnxExport.Tests;

/// <summary>What cannot be exported, or written, fails with an exception that says what and where.</summary>
public sealed class ErrorTests
{
    [Fact]
    public void APredictionReadingAFloatParameterNamesItAtExport()
    {
        var error = Assert.Throws<NotSupportedException>(() => Onnx.ToBytes(new TemperatureNet()));

        Assert.Contains("Loss", error.Message);
        Assert.Contains("'temperature'", error.Message);
    }

    [Fact]
    public void AModelWithoutAPredictionSaysHowToMarkOne()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Onnx.ToBytes(new TwoHeadNet()));

        Assert.Contains("'TwoHeadNet'", error.Message);
        Assert.Contains("[Differentiable, Prediction]", error.Message);
    }

    [Fact]
    public void AHandWrittenModelWithoutGeneratedCodeCannotBeExported()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Onnx.ToBytes(new NoGraphModel()));

        Assert.Contains("'NoGraphModel' has no generated ONNX prediction graph", error.Message);
    }

    [Theory]
    [InlineData(2, 1, "The loop over W runs 2 layers, but b has 1.")]
    [InlineData(0, 0, "The loop over W has no layer to export: W is empty.")]
    public void LayerArraysThatDoNotFitTogetherAreNamedAtExport(int layers, int biases, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Onnx.ToBytes(new UnevenLayersNet(layers, biases)));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void MoreBiasesThanLayersExportTheLayersThereAre()
    {
        var net = new UnevenLayersNet(layers: 2, biases: 3);
        float[] inputs = OnnxRunner.RandomInputs(5, 3, seed: 1);

        var (logits, shape) = OnnxRunner.Run(Onnx.ToBytes(net), "x", inputs, 5, "logits");

        Assert.Equal(new long[] { 5, 3 }, shape);
        for (int r = 0; r < 5; r++) OnnxRunner.AssertLossAgrees(k => net.Loss(new Vec(inputs, r * 3, 3), k), logits.AsSpan(r * 3, 3), $"sample {r}");
        Assert.DoesNotContain("b[2]", System.Text.Encoding.UTF8.GetString(Onnx.ToBytes(net)));
    }

    [Fact]
    public void AMissingFolderIsNamed()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "missing", "net.onnx");

        var error = Assert.Throws<DirectoryNotFoundException>(() => Onnx.Export(new ResidualNet(), path));

        Assert.Contains(Path.Combine(folder.Path, "missing"), error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void APathThatIsAFolderIsNamedAndTheFolderKept()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "taken.onnx");
        Directory.CreateDirectory(path);

        var error = Assert.ThrowsAny<Exception>(() => Onnx.Export(new ResidualNet(), path));

        Assert.True(error is IOException or UnauthorizedAccessException, error.GetType().Name + ": " + error.Message);
        Assert.Contains(path, error.Message);
        Assert.True(Directory.Exists(path));
        Assert.Single(Directory.EnumerateFileSystemEntries(folder.Path)); // no temporary file left behind
    }

    [Fact]
    public void AFailedExportLeavesTheOldFileAsItWas()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "net.onnx");
        File.WriteAllText(path, "old");

        Assert.Throws<NotSupportedException>(() => Onnx.Export(new TemperatureNet(), path));

        Assert.Equal("old", File.ReadAllText(path));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => Onnx.Export(null!, "net.onnx"));
        Assert.Throws<ArgumentNullException>(() => Onnx.Export(new ResidualNet(), (string)null!));
        Assert.Throws<ArgumentException>(() => Onnx.Export(new ResidualNet(), " "));
        Assert.Throws<ArgumentNullException>(() => Onnx.Export(new ResidualNet(), (Stream)null!));
        using var readOnly = new MemoryStream(new byte[8], writable: false);
        Assert.Throws<ArgumentException>(() => Onnx.Export(new ResidualNet(), readOnly));
    }

    [Fact]
    public void ExportsOnSeveralThreadsAtOnceAgree()
    {
        var net = new ResidualNet(seed: 3);
        byte[] expected = Onnx.ToBytes(net);

        var results = new byte[8][];
        Parallel.For(0, results.Length, i => results[i] = Onnx.ToBytes(net));

        Assert.All(results, bytes => Assert.Equal(expected, bytes));
    }

    private sealed class NoGraphModel : Model
    {
    }
}
