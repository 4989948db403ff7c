namespace SymbolicGrad.Samples.Digits;

/// <summary>The training and test digits, and where they came from.</summary>
/// <param name="Train">The training images (28 × 28 = 784 features in [0, 1]) and labels 0–9.</param>
/// <param name="Test">The test images and labels.</param>
/// <param name="Source">A description for the output, e.g. "embedded MNIST subset".</param>
public sealed record DigitData(Dataset Train, Dataset Test, string Source)
{
    /// <summary>The four file names of the MNIST distribution: training images and labels, test images and labels.</summary>
    public static readonly IReadOnlyList<string> FileNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>The 5,000 training and 1,000 test digits embedded in this assembly (gzipped IDX resources).</summary>
    public static DigitData LoadEmbedded()
    {
        var assembly = typeof(DigitData).Assembly;
        var streams = FileNames.Select(name => assembly.GetManifestResourceStream(name + ".gz")
            ?? throw new InvalidOperationException($"The embedded resource '{name}.gz' is missing from {assembly.GetName().Name}."))
            .ToArray();
        try
        {
            var train = Idx.ReadDataset(streams[0], FileNames[0] + ".gz (embedded)", streams[1], FileNames[1] + ".gz (embedded)");
            var test = Idx.ReadDataset(streams[2], FileNames[2] + ".gz (embedded)", streams[3], FileNames[3] + ".gz (embedded)");
            return new DigitData(train, test, "embedded MNIST subset");
        }
        finally
        {
            foreach (var stream in streams)
            {
                stream.Dispose();
            }
        }
    }

    /// <summary>Reads the four MNIST files from <paramref name="directory"/>.</summary>
    /// <param name="directory">The folder holding the files, each raw or gzipped.</param>
    /// <exception cref="CommandLineException">The folder or one of the files does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not valid IDX, or images and labels disagree.</exception>
    public static DigitData LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CommandLineException($"--data: the folder '{directory}' does not exist.");
        }

        string[] paths = FileNames.Select(name => Locate(directory, name)).ToArray();
        var train = Idx.ReadDataset(paths[0], paths[1]);
        var test = Idx.ReadDataset(paths[2], paths[3]);
        if (test.FeatureCount != train.FeatureCount)
        {
            throw new InvalidDataException(
                $"The test images have {test.FeatureCount} pixels each but the training images have {train.FeatureCount}.");
        }

        return new DigitData(train, test, $"MNIST files in {directory}");
    }

    /// <summary>The path of <paramref name="name"/> in <paramref name="directory"/>: the raw file if present, else the <c>.gz</c> one.</summary>
    /// <exception cref="CommandLineException">Neither exists.</exception>
    public static string Locate(string directory, string name)
    {
        string raw = Path.Combine(directory, name);
        if (File.Exists(raw))
        {
            return raw;
        }

        string gzipped = raw + ".gz";
        return File.Exists(gzipped)
            ? gzipped
            : throw new CommandLineException($"--data: '{directory}' has neither {name} nor {name}.gz.");
    }
}
