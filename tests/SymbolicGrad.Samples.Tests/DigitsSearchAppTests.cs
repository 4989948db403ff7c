using System.Globalization;
using System.Text.RegularExpressions;
using SymbolicGrad.Samples.Digits;

namespace SymbolicGrad.SamplesTests;

/// <summary>Digits with --augment, --pca and --search, run end to end on the embedded digits.</summary>
[Collection(DigitsAppCollection.Name)]
public sealed partial class DigitsSearchAppTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [GeneratedRegex(@"^test accuracy: (\d{1,3}\.\d{2})%$")]
    private static partial Regex AccuracyLine();

    [GeneratedRegex(@"the same as the command line (--lr \S+ --batch \d+ --hidden \d+ --epochs \d+)$")]
    private static partial Regex BestLine();

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = DigitsApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static double AccuracyOf(string output)
    {
        var match = AccuracyLine().Match(Lines(output)[^1]);
        Assert.True(match.Success, $"The last line is not 'test accuracy: NN.NN%':\n{output}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The results table: from its header to the line before "search time".</summary>
    private static string[] Table(string output)
    {
        var lines = Lines(output);
        int start = Array.FindIndex(lines, l => l.StartsWith("rank", StringComparison.Ordinal));
        int end = Array.FindIndex(lines, l => l.StartsWith("search time:", StringComparison.Ordinal));
        Assert.True(start >= 0 && end > start, $"no results table in:\n{output}");
        return lines[start..end];
    }

    [Fact]
    public void Augmented_training_still_learns_and_is_deterministic()
    {
        var (code, output, error) = Run("--augment", "--epochs", "2", "--hidden", "64");
        string again = Run("--augment", "--epochs", "2", "--hidden", "64").Output;
        string plain = Run("--epochs", "2", "--hidden", "64").Output;

        Assert.Equal(DigitsApp.Success, code);
        Assert.Equal("", error);
        Assert.Contains("augmentation: each epoch every training image shifts by up to 2 pixels each way (seed 0)", output);
        // Two epochs of shifted digits: still far above chance (plain training reaches about 91% here).
        Assert.InRange(AccuracyOf(output), 85, 100);
        Assert.Equal(Lines(output)[^2], Lines(again)[^2]);
        Assert.NotEqual(Lines(output)[^2], Lines(plain)[^2]);
    }

    [Theory]
    [InlineData("--epochs", "1")]
    [InlineData("--search", "random", "--trials", "2", "--epochs", "1")]
    public void Augmenting_images_that_are_not_square_is_a_usage_error_before_any_training(params string[] args)
    {
        // 6 × 4 images: 24 pixels, no square side to shift them on.
        string data = _folder.File("oblong");
        Directory.CreateDirectory(data);
        var pixels = new byte[10 * 24];
        var labels = Enumerable.Range(0, 10).Select(i => (byte)i).ToArray();
        Idx.WriteImages(Path.Combine(data, "train-images-idx3-ubyte"), pixels, 10, 6, 4);
        Idx.WriteLabels(Path.Combine(data, "train-labels-idx1-ubyte"), labels);
        Idx.WriteImages(Path.Combine(data, "t10k-images-idx3-ubyte"), pixels, 10, 6, 4);
        Idx.WriteLabels(Path.Combine(data, "t10k-labels-idx1-ubyte"), labels);

        var (code, output, error) = Run(["--data", data, "--augment", .. args]);

        Assert.Equal(DigitsApp.UsageError, code);
        Assert.Contains("Digits: --augment needs square images, but the images have 24 pixels.", error);
        Assert.DoesNotContain("trial", output);
        Assert.DoesNotContain("epoch", output);
    }

    [Fact]
    public void Pca_trains_on_the_components_of_the_pixels()
    {
        var (code, output, _) = Run("--pca", "40", "--epochs", "2", "--hidden", "32");

        Assert.Equal(DigitsApp.Success, code);
        Assert.Matches(@"pca: 40 components of 784 pixels keep \d\d\.\d% of the training images' variance", output);
        Assert.Contains("model: DigitNet 40-32-10", output);
        Assert.InRange(AccuracyOf(output), 80, 100);

        var (tooMany, _, error) = Run("--pca", "900", "--epochs", "1");
        Assert.Equal(DigitsApp.UsageError, tooMany);
        Assert.Contains("--pca 900: the images have only 784 pixels", error);
    }

    [Fact]
    public void A_random_search_prints_its_table_retrains_the_best_and_tests_it_last()
    {
        var (code, output, error) = Run("--search", "random", "--trials", "3", "--epochs", "2", "--hidden", "32");

        Assert.Equal(DigitsApp.Success, code);
        Assert.Equal("", error);
        // Validation rows come out of the 5,000 training images: the 1,000 test images take no part until the end.
        Assert.Contains("random search: 3 points, up to 2 epochs each", output);
        Assert.Contains("training on 4,000 rows, validating on 1,000 held out of the training set", output);
        var table = Table(output);
        Assert.Matches(@"^rank\s+trial\s+lr\s+batch\s+epochs\s+best\s+val loss\s+val acc$", table[0]); // --hidden is fixed
        Assert.Equal(4, table.Length);
        Assert.Contains("retraining it on all 5,000 training images", output);
        Assert.Contains("model: DigitNet 784-32-10", output);
        Assert.InRange(AccuracyOf(output), 80, 100);
    }

    [Fact]
    public void The_search_table_does_not_depend_on_the_thread_count_and_the_final_run_is_the_printed_command()
    {
        string[] args = ["--search", "random", "--trials", "4", "--epochs", "2", "--hidden", "32", "--seed", "3"];
        var (code, one, _) = Run([.. args, "--threads", "1"]);
        string two = Run([.. args, "--threads", "2"]).Output;

        Assert.Equal(DigitsApp.Success, code);
        Assert.Equal(Table(one), Table(two));
        Assert.Equal(Lines(one)[^2..], Lines(two)[^2..]);
        Assert.Contains("up to 2 trials at a time, one thread each", two);
        Assert.Contains("one trial at a time", one);

        // The retrained model is exactly what a plain run with the best settings trains.
        var best = BestLine().Match(Lines(one).Single(l => l.StartsWith("best: ", StringComparison.Ordinal)));
        Assert.True(best.Success);
        var plain = Run([.. best.Groups[1].Value.Split(' '), "--seed", "3"]).Output;
        Assert.Equal(Lines(one)[^2..], Lines(plain)[^2..]);
    }

    [Fact]
    public void Successive_halving_ranks_by_rung_and_grid_search_can_run_part_of_its_grid()
    {
        var (code, output, _) = Run("--search", "halving", "--trials", "6", "--epochs", "3", "--hidden", "32", "--batch", "128");

        Assert.Equal(DigitsApp.Success, code);
        Assert.Contains("rungs of 1, 3 epochs", output);
        var table = Table(output);
        Assert.Matches(@"^rank\s+trial\s+rung\s+lr\s+epochs", table[0]);
        Assert.Matches(@"^1\s+\d\s+1\s", table[1]); // the survivor, in the last rung
        Assert.InRange(AccuracyOf(output), 80, 100);

        var (gridCode, grid, _) = Run("--search", "grid", "--trials", "2", "--epochs", "1", "--hidden", "32", "--batch", "128");
        Assert.Equal(DigitsApp.Success, gridCode);
        Assert.Contains("grid search: 2 of the grid's 3 points (picked at random)", grid);
        Assert.Equal(3, Table(grid).Length);
    }

    [Fact]
    public void Plot_with_a_search_writes_its_picture_and_table()
    {
        string plot = _folder.File("search.svg");

        var (code, output, _) = Run("--search", "random", "--trials", "2", "--epochs", "1", "--hidden", "16", "--plot", plot);

        Assert.Equal(DigitsApp.Success, code);
        string csv = Path.ChangeExtension(plot, ".csv");
        Assert.Contains($"search results: {plot}, {csv}", output);
        Assert.StartsWith("<svg", File.ReadAllText(plot));
        var rows = File.ReadAllLines(csv);
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("rank,trial,rung,lr,batch,epochs,best_epoch,validation_loss,validation_accuracy,", rows[0]);
        Assert.DoesNotContain("learning curves:", output);
    }
}
