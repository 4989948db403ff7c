using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using SymbolicGrad.Samples.Digits;

namespace SymbolicGrad.SamplesTests;

[Collection(DigitsAppCollection.Name)]
public sealed partial class DigitsAppTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [GeneratedRegex(@"^test accuracy: (\d{1,3}\.\d{2})%$")]
    private static partial Regex AccuracyLine();

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

    [Fact]
    public void A_short_run_on_the_embedded_digits_learns_and_ends_with_the_accuracy_line()
    {
        var (code, output, error) = Run("--epochs", "1", "--hidden", "32");

        Assert.Equal(DigitsApp.Success, code);
        Assert.Equal("", error);
        Assert.Contains("data: embedded MNIST subset, 5,000 training and 1,000 test images", output);
        Assert.Contains("model: DigitNet 784-32-10", output);
        Assert.Contains("epoch 1/1", output);
        // One epoch of momentum SGD on 5,000 digits gets far beyond the 10% of guessing.
        Assert.InRange(AccuracyOf(output), 80, 100);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("4")]
    public void A_small_batch_learns_with_the_default_learning_rate(string batch)
    {
        // With momentum's batch-64 rate of 0.05 these runs got 7.90% (batch 1) and 40.90% (batch 4): the rate now
        // shrinks with the batch.
        var (code, output, error) = Run("--epochs", "1", "--hidden", "32", "--batch", batch);

        Assert.Equal(DigitsApp.Success, code);
        Assert.Equal("", error);
        Assert.Contains($"batches of {batch} per epoch", output);
        Assert.InRange(AccuracyOf(output), 80, 100);
    }

    [Fact]
    public void Several_hidden_layers_train_the_net_written_as_a_loop_over_its_layers()
    {
        var (code, output, error) = Run("--epochs", "1", "--hidden", "48,24");

        Assert.Equal(DigitsApp.Success, code);
        Assert.Equal("", error);
        Assert.Contains("model: LayeredDigitNet 784-48-24-10, ReLU, softmax cross-entropy, 39,106 parameters", output);
        Assert.Contains("epoch 1/1", output);
        Assert.InRange(AccuracyOf(output), 80, 100);
    }

    [Fact]
    public void Runs_are_deterministic_for_a_seed_and_differ_between_seeds()
    {
        string a = Lines(Run("--epochs", "1", "--hidden", "16", "--seed", "3").Output)[^2];
        string b = Lines(Run("--epochs", "1", "--hidden", "16", "--seed", "3").Output)[^2];
        string c = Lines(Run("--epochs", "1", "--hidden", "16", "--seed", "4").Output)[^2];

        Assert.StartsWith("test loss: ", a);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void The_thread_count_changes_no_result_and_is_put_back()
    {
        int before = Parallelism.MaxThreads;
        string one = Lines(Run("--epochs", "2", "--hidden", "64", "--threads", "1").Output)[^2];
        string three = Lines(Run("--epochs", "2", "--hidden", "64", "--threads", "3").Output)[^2];

        Assert.StartsWith("test loss: ", one);
        Assert.Equal(one, three);
        Assert.Equal(before, Parallelism.MaxThreads);
    }

    [Fact]
    public void Timings_go_to_the_error_stream_as_a_table_of_phases_and_change_no_result()
    {
        var plain = Run("--epochs", "1", "--hidden", "16");
        var (code, output, error) = Run("--epochs", "1", "--hidden", "16", "--timings");

        Assert.Equal(DigitsApp.Success, code);
        // The same training: the test loss and accuracy lines are identical; only the stderr table is new.
        Assert.Equal(Lines(plain.Output)[^2..], Lines(output)[^2..]);
        string[] table = Lines(error);
        Assert.StartsWith("phase ", table[0]);
        string[] phases = ["start, reading options", "reading the data", "building the model", "training", "evaluating", "total"];
        // With more than one kernel thread the run also waits for the warm-up that compiled its step on another core.
        Assert.Equal(phases, table[1..].Select(line => PhaseName(line)).Where(p => p != "waiting for the warm-up"));
        foreach (string line in table[1..])
        {
            // wall s, CPU s, JIT s: non-negative seconds; methods: a count.
            string[] numbers = line[PhaseName(line).Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(4, numbers.Length);
            Assert.All(numbers[..3], n => Assert.InRange(double.Parse(n, CultureInfo.InvariantCulture), 0, 3600));
            Assert.True(long.Parse(numbers[3], CultureInfo.InvariantCulture) >= 0, line);
        }

        // The training phase holds the epoch; the total is at least any phase.
        double Wall(string phase) => double.Parse(table.Single(l => PhaseName(l) == phase)[phase.Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        Assert.True(Wall("training") > 0, error);
        Assert.All(phases[..^1], p => Assert.True(Wall(p) <= Wall("total"), error));
    }

    // The phase's name: the text before the first of its four numbers.
    private static string PhaseName(string line) => Regex.Match(line, @"^(.*?)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+\d+$").Groups[1].Value;

    [Fact]
    public void Help_goes_to_the_output_with_exit_code_zero()
    {
        var (code, output, error) = Run("--help");

        Assert.Equal(DigitsApp.Success, code);
        Assert.Equal("", error);
        Assert.Contains("usage: Digits [options]", output);
        foreach (string option in new[] { "--data", "--epochs", "--hidden", "--batch", "--lr", "--momentum", "--optimizer", "--seed", "--checkpoint", "--resume", "--plot", "--augment", "--pca", "--search", "--trials", "--graph", "--timings", "--help" })
        {
            Assert.Contains(option, output);
        }
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--epochs", "0")]
    [InlineData("--optimizer", "lbfgs")]
    [InlineData("--resume")]
    [InlineData("--trials", "3")]
    [InlineData("--augment", "--pca", "10")]
    public void A_bad_command_line_prints_the_problem_and_the_usage_on_stderr_and_exits_with_2(params string[] args)
    {
        var (code, output, error) = Run(args);

        Assert.Equal(DigitsApp.UsageError, code);
        Assert.Equal("", output);
        Assert.StartsWith("Digits: ", error);
        Assert.Contains("usage: Digits [options]", error);
    }

    [Fact]
    public void A_missing_data_folder_is_a_usage_error()
    {
        string missing = _folder.File("no-such-folder");

        var (code, output, error) = Run("--data", missing);

        Assert.Equal(DigitsApp.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains($"--data: the folder '{missing}' does not exist.", error);
    }

    [Fact]
    public void A_data_folder_without_one_of_the_four_files_is_a_usage_error_naming_it()
    {
        WriteEmbeddedFiles(_folder.Path, gzipped: true);
        File.Delete(_folder.File("t10k-labels-idx1-ubyte.gz"));

        var (code, _, error) = Run("--data", _folder.Path);

        Assert.Equal(DigitsApp.UsageError, code);
        Assert.Contains("has neither t10k-labels-idx1-ubyte nor t10k-labels-idx1-ubyte.gz", error);
    }

    [Fact]
    public void The_data_folder_may_mix_raw_and_gzipped_files()
    {
        WriteEmbeddedFiles(_folder.Path, gzipped: true);
        Decompress(_folder.File("train-images-idx3-ubyte.gz"));
        Decompress(_folder.File("t10k-labels-idx1-ubyte.gz"));

        var (code, output, error) = Run("--data", _folder.Path, "--epochs", "1", "--hidden", "16");

        Assert.Equal(DigitsApp.Success, code);
        Assert.Equal("", error);
        Assert.Contains($"data: MNIST files in {_folder.Path}, 5,000 training and 1,000 test images", output);
        // The same digits as the embedded ones give the same result.
        Assert.Equal(Lines(Run("--epochs", "1", "--hidden", "16").Output)[^1], Lines(output)[^1]);
    }

    [Fact]
    public void A_corrupt_data_file_fails_with_exit_code_1_and_the_reader_s_message()
    {
        WriteEmbeddedFiles(_folder.Path, gzipped: true);
        File.WriteAllBytes(_folder.File("train-labels-idx1-ubyte.gz"), [0, 0, 8, 1, 0, 0]);

        var (code, output, error) = Run("--data", _folder.Path);

        Assert.Equal(DigitsApp.Failure, code);
        Assert.Equal("", output);
        Assert.StartsWith("Digits: ", error);
        Assert.Contains("train-labels-idx1-ubyte.gz", error);
        Assert.DoesNotContain("usage:", error);
    }

    [Fact]
    public void Resume_without_a_checkpoint_file_is_a_usage_error()
    {
        string checkpoint = _folder.File("none.ckpt");

        var (code, _, error) = Run("--checkpoint", checkpoint, "--resume");

        Assert.Equal(DigitsApp.UsageError, code);
        Assert.Contains($"--resume: there is no checkpoint at '{checkpoint}'", error);
    }

    [Fact]
    public void A_checkpoint_saves_the_trained_model_and_resume_starts_from_it()
    {
        string checkpoint = _folder.File("digits.ckpt");
        var trained = Run("--epochs", "2", "--hidden", "16", "--checkpoint", checkpoint);
        Assert.Equal(DigitsApp.Success, trained.Code);
        Assert.Contains($"checkpoint: {checkpoint} (after epoch 2)", trained.Output);
        Assert.Equal(2, Checkpoint.Inspect(checkpoint).CompletedEpochs);

        // Zero more epochs evaluates the saved model: the same test loss and accuracy.
        var evaluated = Run("--epochs", "0", "--hidden", "16", "--checkpoint", checkpoint, "--resume");
        Assert.Equal(DigitsApp.Success, evaluated.Code);
        Assert.Contains($"resumed from {checkpoint} after epoch 2", evaluated.Output);
        Assert.Equal(Lines(trained.Output)[^2..], Lines(evaluated.Output)[^2..]);

        // One epoch after resuming equals three uninterrupted epochs.
        var resumed = Run("--epochs", "1", "--hidden", "16", "--checkpoint", checkpoint, "--resume");
        var straight = Run("--epochs", "3", "--hidden", "16");
        Assert.Contains("epoch 3/3", resumed.Output);
        Assert.Equal(Lines(straight.Output)[^2..], Lines(resumed.Output)[^2..]);
        Assert.Equal(3, Checkpoint.Inspect(checkpoint).CompletedEpochs);
    }

    [Fact]
    public void Epochs_with_resume_trains_that_many_more_epochs()
    {
        string checkpoint = _folder.File("digits.ckpt");
        Assert.Equal(DigitsApp.Success, Run("--epochs", "1", "--hidden", "16", "--checkpoint", checkpoint).Code);

        var resumed = Run("--epochs", "2", "--hidden", "16", "--checkpoint", checkpoint, "--resume");

        Assert.Equal(DigitsApp.Success, resumed.Code);
        Assert.Contains("resumed from " + checkpoint + " after epoch 1", resumed.Output);
        Assert.Contains("epochs 2–3", resumed.Output);
        Assert.Contains("epoch 3/3", resumed.Output);
        Assert.DoesNotContain("epoch 4/", resumed.Output);
        Assert.Equal(3, Checkpoint.Inspect(checkpoint).CompletedEpochs);
        // 1 + 2 epochs are 3 uninterrupted ones.
        Assert.Equal(Lines(Run("--epochs", "3", "--hidden", "16").Output)[^2..], Lines(resumed.Output)[^2..]);
    }

    [Fact]
    public void A_checkpoint_in_a_missing_folder_is_refused_before_training()
    {
        string checkpoint = Path.Combine(_folder.File("no-such-folder"), "digits.ckpt");

        var (code, output, error) = Run("--epochs", "1", "--hidden", "16", "--checkpoint", checkpoint);

        Assert.Equal(DigitsApp.UsageError, code);
        Assert.Equal("", output); // nothing loaded, nothing trained
        Assert.Contains($"--checkpoint: the folder '{_folder.File("no-such-folder")}' of '{checkpoint}' does not exist.", error);
    }

    [Fact]
    public void A_checkpoint_path_that_is_a_folder_is_refused_before_training()
    {
        string folder = _folder.File("checkpoints");
        Directory.CreateDirectory(folder);

        var existing = Run("--epochs", "1", "--checkpoint", folder);
        var slash = Run("--epochs", "1", "--checkpoint", _folder.File("new") + Path.DirectorySeparatorChar);
        var resume = Run("--epochs", "1", "--checkpoint", folder, "--resume");

        Assert.Equal(DigitsApp.UsageError, existing.Code);
        Assert.Equal("", existing.Output);
        Assert.Contains($"--checkpoint: '{folder}' is a folder; give a file name in it, e.g. '{Path.Combine(folder, "digits.ckpt")}'.", existing.Error);
        Assert.Equal(DigitsApp.UsageError, slash.Code);
        Assert.Contains("is a folder; give a file name in it", slash.Error);
        Assert.Equal(DigitsApp.UsageError, resume.Code);
        Assert.Contains($"--resume: '{folder}' is a folder, not a checkpoint.", resume.Error);
    }

    [Fact]
    public void A_checkpoint_where_no_file_can_be_created_is_refused_before_training()
    {
        string folder = UnwritableFolder();
        string checkpoint = Path.Combine(folder, "digits.ckpt");

        var (code, output, error) = Run("--epochs", "1", "--hidden", "16", "--checkpoint", checkpoint);

        Assert.Equal(DigitsApp.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains($"--checkpoint: cannot write '{checkpoint}': creating a file in '{folder}' failed (", error);
        Assert.Empty(Directory.GetFiles(folder, "*.probe"));
    }

    [Fact]
    public void A_writable_checkpoint_path_leaves_no_probe_behind_and_evaluating_a_checkpoint_writes_nothing()
    {
        string checkpoint = _folder.File("digits.ckpt");
        Assert.Equal(DigitsApp.Success, Run("--epochs", "1", "--hidden", "16", "--checkpoint", checkpoint).Code);
        Assert.Equal([checkpoint], Directory.GetFiles(_folder.Path));

        // --epochs 0 only evaluates: a checkpoint in a folder that cannot be written is fine then.
        File.SetAttributes(checkpoint, FileAttributes.ReadOnly);
        var evaluated = Run("--epochs", "0", "--hidden", "16", "--checkpoint", checkpoint, "--resume");
        Assert.Equal(DigitsApp.Success, evaluated.Code);
        Assert.Equal([checkpoint], Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void A_plot_in_a_missing_folder_is_refused_before_training()
    {
        string plot = Path.Combine(_folder.File("no-such-folder"), "curves.png");

        var (code, output, error) = Run("--epochs", "1", "--hidden", "16", "--plot", plot);

        Assert.Equal(DigitsApp.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains($"--plot: the folder '{_folder.File("no-such-folder")}' of '{plot}' does not exist.", error);
    }

    [Fact]
    public void Graph_writes_the_DigitNet_diagram_as_Markdown_and_the_run_still_ends_with_the_accuracy()
    {
        string graph = _folder.File("digitnet.md");

        var (code, output, error) = Run("--epochs", "1", "--hidden", "16", "--graph", graph);

        Assert.Equal(DigitsApp.Success, code);
        Assert.Equal("", error);
        Assert.Contains($"graph: {graph}", output);
        Assert.InRange(AccuracyOf(output), 50, 100);
        string markdown = File.ReadAllText(graph);
        Assert.StartsWith("## DigitNet.Loss\n\n```mermaid\nflowchart TD\n", markdown, StringComparison.Ordinal);
        Assert.EndsWith("\n```\n", markdown, StringComparison.Ordinal);
        Assert.Contains(DigitNet.LossGraph.TrimEnd('\n'), markdown, StringComparison.Ordinal);
        // The picture is of this network: its layers, what the backward pass keeps, and the four gradients.
        Assert.Contains("t1 = W1·x", markdown, StringComparison.Ordinal);
        Assert.Contains("t2 = max(t1 + b1, 0)<br/>overwrites t1, not read again<br/>stored for the backward pass", markdown, StringComparison.Ordinal);
        Assert.Contains("∂L/∂W2 += Σ ∂L/∂t4·t2ᵀ", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void The_README_shows_the_graph_DigitNet_generates()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryFolder(), "README.md")).Replace("\r\n", "\n");
        int start = readme.IndexOf("```mermaid\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README has no mermaid block");
        start += "```mermaid\n".Length;
        string shown = readme[start..(readme.IndexOf("```", start, StringComparison.Ordinal))];

        Assert.Equal(DigitNet.LossGraph, shown);
    }

    private static string RepositoryFolder([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));

    [Fact]
    public void A_graph_in_a_missing_folder_is_refused_before_training()
    {
        string graph = Path.Combine(_folder.File("no-such-folder"), "net.md");

        var (code, output, error) = Run("--epochs", "1", "--hidden", "16", "--graph", graph);

        Assert.Equal(DigitsApp.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains($"--graph: the folder '{_folder.File("no-such-folder")}' of '{graph}' does not exist.", error);
    }

    // A folder this process cannot create files in. Permissions do not stop root, so as root (CI containers) use
    // /proc, where nobody can create a file; on Windows the system folder (unless elevated).
    private string UnwritableFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            return Environment.SystemDirectory;
        }

        string folder = _folder.File("read-only");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            File.Create(Path.Combine(folder, "test")).Dispose();
        }
        catch (UnauthorizedAccessException)
        {
            return folder;
        }

        File.Delete(Path.Combine(folder, "test"));
        return "/proc";
    }

    [Fact]
    public void A_checkpoint_of_another_shape_is_refused_with_exit_code_1()
    {
        string checkpoint = _folder.File("digits.ckpt");
        Assert.Equal(DigitsApp.Success, Run("--epochs", "1", "--hidden", "16", "--checkpoint", checkpoint).Code);
        byte[] before = File.ReadAllBytes(checkpoint);

        var (code, _, error) = Run("--epochs", "1", "--hidden", "32", "--checkpoint", checkpoint, "--resume");

        Assert.Equal(DigitsApp.Failure, code);
        Assert.Contains("shape mismatch", error);
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
    }

    [Theory]
    [InlineData("curves.png", new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' })]
    [InlineData("curves.svg", new byte[] { (byte)'<' })]
    public void Plot_writes_the_picture_and_a_csv_with_one_row_per_epoch(string name, byte[] magic)
    {
        string plot = _folder.File(name);

        var (code, output, _) = Run("--epochs", "2", "--hidden", "16", "--plot", plot);

        Assert.Equal(DigitsApp.Success, code);
        Assert.Equal(magic, File.ReadAllBytes(plot)[..magic.Length]);
        string csv = Path.ChangeExtension(plot, ".csv");
        Assert.Contains($"learning curves: {plot}, {csv}", output);
        string[] rows = File.ReadAllLines(csv);
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("epoch,train_loss,train_accuracy,", rows[0]);
        Assert.StartsWith("1,", rows[1]);
        Assert.StartsWith("2,", rows[2]);
        // --plot measures the training accuracy for the accuracy panel.
        Assert.NotEqual("", rows[2].Split(',')[2]);
    }

    [Fact]
    public void The_embedded_data_are_the_committed_files()
    {
        var data = DigitData.LoadEmbedded();

        Assert.Equal(5000, data.Train.Count);
        Assert.Equal(1000, data.Test.Count);
        Assert.Equal(784, data.Train.FeatureCount);
        Assert.Equal(10, data.Train.ClassCount);
        // The class counts the data README lists.
        Assert.Equal([498, 579, 487, 521, 511, 420, 485, 544, 486, 469], data.Train.ClassCounts());
        Assert.Equal([107, 129, 97, 110, 92, 83, 79, 96, 102, 105], data.Test.ClassCounts());
    }

    private static void WriteEmbeddedFiles(string directory, bool gzipped)
    {
        var assembly = typeof(DigitData).Assembly;
        foreach (string name in DigitData.FileNames)
        {
            using var resource = assembly.GetManifestResourceStream(name + ".gz")!;
            using var file = File.Create(Path.Combine(directory, name + (gzipped ? ".gz" : "")));
            if (gzipped)
            {
                resource.CopyTo(file);
            }
            else
            {
                using var gzip = new GZipStream(resource, CompressionMode.Decompress);
                gzip.CopyTo(file);
            }
        }
    }

    private static void Decompress(string gzPath)
    {
        using (var source = new GZipStream(File.OpenRead(gzPath), CompressionMode.Decompress))
        using (var target = File.Create(gzPath[..^3]))
        {
            source.CopyTo(target);
        }

        File.Delete(gzPath);
    }
}
