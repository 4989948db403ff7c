using System.Globalization;
using System.Text.RegularExpressions;
using SymbolicGrad.Samples.Digits;

namespace SymbolicGrad.SamplesTests;

/// <summary>Digits' convolutional net: <c>--model cnn</c>, <c>--dropout P</c>, <c>--batchnorm</c>.</summary>
[Collection(DigitsAppCollection.Name)]
public class DigitsCnnTests
{
    [Fact]
    public void The_perceptron_is_the_default()
    {
        var options = DigitsOptions.Parse([]);
        Assert.Equal(ModelKind.Mlp, options.Model);
        Assert.Equal(0f, options.Dropout);
        Assert.False(options.BatchNorm);
    }

    [Fact]
    public void The_cnn_options_are_read()
    {
        var options = DigitsOptions.Parse(["--model", "cnn", "--dropout=0.3", "--batchnorm"]);
        Assert.Equal(ModelKind.Cnn, options.Model);
        Assert.Equal(0.3f, options.Dropout);
        Assert.True(options.BatchNorm);
    }

    [Theory]
    [InlineData("--model must be mlp or cnn; got 'lenet'", "--model", "lenet")]
    [InlineData("--dropout must be in [0, 1), got 1", "--model", "cnn", "--dropout", "1")]
    [InlineData("--dropout expects a finite number, got 'NaN'", "--model", "cnn", "--dropout", "NaN")]
    [InlineData("--dropout and --batchnorm apply to --model cnn", "--dropout", "0.5")]
    [InlineData("--dropout and --batchnorm apply to --model cnn", "--model", "mlp", "--batchnorm")]
    [InlineData("--batchnorm takes no value", "--model", "cnn", "--batchnorm=yes")]
    public void Bad_cnn_options_are_refused(string message, params string[] args)
    {
        var error = Assert.Throws<CommandLineException>(() => DigitsOptions.Parse(args));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void One_epoch_of_the_cnn_with_batch_norm_and_dropout_learns()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = DigitsApp.Run(["--model", "cnn", "--batchnorm", "--dropout", "0.2", "--epochs", "1", "--hidden", "32", "--threads", "1"], output, error);

        Assert.Equal(DigitsApp.Success, code);
        Assert.Equal("", error.ToString());
        Assert.Contains("model: DigitCnnBatchNorm (conv 5×5 16, pool 2, conv 5×5 32, pool 2, dense 32, ReLU, batch norm, dropout 0.2)", output.ToString());
        var match = Regex.Match(output.ToString(), @"test accuracy: (\d+\.\d\d)%\s*$");
        Assert.True(match.Success, output.ToString());
        // One epoch on 5,000 digits: far beyond the 10% of guessing (the MLP's test asks 80%).
        Assert.InRange(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), 90, 100);
    }
}
