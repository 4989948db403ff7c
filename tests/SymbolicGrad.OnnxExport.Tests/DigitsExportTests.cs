using System.Globalization;
using SymbolicGrad.Samples.Digits;
using static SymbolicGrad.OnnxExport.Tests.OnnxRunner;

namespace SymbolicGrad.OnnxExport.Tests;

/// <summary>
/// Digits <c>--export</c>: the file ONNX Runtime serves classifies the test digits as the run reported, for the
/// perceptron, the layered perceptron (a loop over layers) and the CNN with batch norm and dropout.
/// </summary>
public sealed class DigitsExportTests
{
    [Theory]
    [InlineData("--hidden", "16")]
    [InlineData("--hidden", "64,32")]
    [InlineData("--model", "cnn", "--batchnorm", "--dropout", "0.2", "--hidden", "32")]
    public void TheExportedNetworkHasTheReportedTestAccuracy(params string[] model)
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "digits.onnx");
        var output = new StringWriter();
        var error = new StringWriter();

        int code = DigitsApp.Run(["--epochs", "1", .. model, "--export", path], output, error);

        Assert.True(code == DigitsApp.Success, error.ToString());
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("test accuracy: ", lines[^1]); // still the last line
        Assert.Contains(lines, l => l.StartsWith($"onnx model: {path}", StringComparison.Ordinal));
        double reported = double.Parse(lines[^1]["test accuracy: ".Length..^1], CultureInfo.InvariantCulture);

        var test = DigitData.LoadEmbedded().Test;
        var (logits, shape) = Run(File.ReadAllBytes(path), "x", test.Features, test.Count, "logits");

        Assert.Equal(new long[] { test.Count, test.ClassCount }, shape);
        int correct = 0;
        for (int r = 0; r < test.Count; r++)
        {
            var row = logits.AsSpan(r * test.ClassCount, test.ClassCount);
            int best = 0;
            for (int k = 1; k < row.Length; k++) if (row[k] > row[best]) best = k;
            if (best == test.Labels![r]) correct++;
        }
        Assert.Equal(reported, Math.Round(100.0 * correct / test.Count, 2));
        Assert.True(reported > 50, $"one epoch should learn something; got {reported}%");
    }
}
