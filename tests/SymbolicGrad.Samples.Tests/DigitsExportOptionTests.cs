using SymbolicGrad.Samples.Digits;

namespace SymbolicGrad.SamplesTests;

/// <summary>Digits' <c>--export PATH.onnx</c>: read, checked before training, listed in the help.</summary>
[Collection(DigitsAppCollection.Name)]
public sealed class DigitsExportOptionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("--export", "out/digits.onnx")]
    [InlineData("--export=Digits.ONNX")]
    public void The_export_path_is_read(params string[] args)
    {
        var options = DigitsOptions.Parse(args);

        Assert.Equal(args.Length == 2 ? args[1] : "Digits.ONNX", options.ExportPath);
        Assert.Null(DigitsOptions.Parse([]).ExportPath);
    }

    [Theory]
    [InlineData("--export needs a .onnx file name, got 'digits.onx'", "--export", "digits.onx")]
    [InlineData("--export needs a value", "--export")]
    [InlineData("--export needs a non-empty value", "--export", " ")]
    [InlineData("--export is given more than once", "--export", "a.onnx", "--export", "b.onnx")]
    public void Bad_export_paths_are_refused(string expected, params string[] args)
    {
        var error = Assert.Throws<CommandLineException>(() => DigitsOptions.Parse(args));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_help_lists_export()
    {
        var output = new StringWriter();

        DigitsApp.Run(["--help"], output, new StringWriter());

        Assert.Contains("--export PATH", output.ToString());
    }

    [Fact]
    public void An_unwritable_export_path_fails_before_training()
    {
        string path = Path.Combine(_folder.Path, "missing", "digits.onnx");
        var output = new StringWriter();
        var error = new StringWriter();

        int code = DigitsApp.Run(["--epochs", "1", "--export", path], output, error);

        Assert.Equal(DigitsApp.UsageError, code);
        Assert.Contains("--export: the folder", error.ToString());
        Assert.DoesNotContain("training time", output.ToString());
    }
}
