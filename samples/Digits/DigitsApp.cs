using System.Diagnostics;
using System.Globalization;
using SymbolicGrad.Plotting;

namespace SymbolicGrad.Samples.Digits;

/// <summary>The program: reads the options, loads the digits, trains <see cref="DigitNet"/> and reports the test accuracy.</summary>
public static class DigitsApp
{
    /// <summary>Exit code of a run that trained and evaluated.</summary>
    public const int Success = 0;

    /// <summary>Exit code when reading data or a checkpoint, training or writing results failed.</summary>
    public const int Failure = 1;

    /// <summary>Exit code of a bad command line.</summary>
    public const int UsageError = 2;

    /// <summary>Runs the sample; the last line written to <paramref name="output"/> is <c>test accuracy: NN.NN%</c>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Normal output (the trainer's progress goes here as plain lines unless it is the console).</param>
    /// <param name="error">Error messages and, for a bad command line, the usage.</param>
    /// <returns><see cref="Success"/>, <see cref="Failure"/> or <see cref="UsageError"/>.</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        try
        {
            var options = DigitsOptions.Parse(args);
            if (options.ShowHelp)
            {
                output.WriteLine(DigitsOptions.Usage);
                return Success;
            }

            CheckFiles(options);
            var data = options.DataDirectory is string directory ? DigitData.LoadDirectory(directory) : DigitData.LoadEmbedded();
            Train(options, data, output);
            return Success;
        }
        catch (CommandLineException e)
        {
            error.WriteLine($"Digits: {e.Message}");
            error.WriteLine();
            error.WriteLine(DigitsOptions.Usage);
            return UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or TrainingDivergedException)
        {
            error.WriteLine($"Digits: {e.Message}");
            return Failure;
        }
    }

    // Everything a path can get wrong is found before the data are read and the training starts.
    private static void CheckFiles(DigitsOptions options)
    {
        if (options.Resume && !File.Exists(options.CheckpointPath))
        {
            throw new CommandLineException(Directory.Exists(options.CheckpointPath)
                ? $"--resume: '{options.CheckpointPath}' is a folder, not a checkpoint."
                : $"--resume: there is no checkpoint at '{options.CheckpointPath}'.");
        }

        // Training saves after every epoch; with --epochs 0 (evaluate a checkpoint) nothing is written.
        if (options.CheckpointPath is string checkpoint && options.Epochs > 0)
        {
            OutputFile.CheckWritable("--checkpoint", checkpoint);
        }

        if (options.PlotPath is string plot && options.Epochs > 0)
        {
            OutputFile.CheckWritable("--plot", plot);
            OutputFile.CheckWritable("--plot", options.CsvPath!);
        }
    }

    private static void Train(DigitsOptions options, DigitData data, TextWriter output)
    {
        // The process-wide thread count, put back afterwards for callers that run the app more than once (tests).
        int defaultThreads = Parallelism.MaxThreads;
        Parallelism.MaxThreads = options.Threads ?? defaultThreads;
        try
        {
            Train(options, data.Source, data.Train, data.Test, output);
        }
        finally
        {
            Parallelism.MaxThreads = defaultThreads;
        }
    }

    private static void Train(DigitsOptions options, string source, Dataset train, Dataset test, TextWriter output)
    {
        var (net, description) = CreateModel(options, train.FeatureCount, train.ClassCount);
        var optimizer = options.CreateOptimizer();
        var trainer = new Trainer(net, optimizer, new TrainerOptions
        {
            Seed = options.Seed,
            CheckpointPath = options.CheckpointPath,
            // A live progress bar when the output is an interactive terminal; plain lines into a caller's writer or a log.
            Progress = ConsoleProgress.Auto(output),
            // Training accuracy costs one more forward pass per batch; only the plot's accuracy panel needs it.
            MeasureTrainingAccuracy = options.PlotPath is not null,
        });

        output.WriteLine(Invariant(
            $"data: {source}, {train.Count:N0} training and {test.Count:N0} test images"));
        output.WriteLine(Invariant(
            $"model: {description}, {net.Parameters.Count:N0} parameters, seed {options.Seed}"));

        if (options.Resume)
        {
            var info = trainer.ResumeFrom(options.CheckpointPath!);
            output.WriteLine(Invariant($"resumed from {options.CheckpointPath} after epoch {info.CompletedEpochs}"));
        }

        if (options.Epochs > 0)
        {
            // CPU time as well as wall time: on a busy machine the wall time also counts other processes' turns.
            var process = Process.GetCurrentProcess();
            var cpuStart = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            var history = trainer.Fit(train, options.Epochs, options.BatchSize);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            process.Refresh();
            double cpuSeconds = (process.TotalProcessorTime - cpuStart).TotalSeconds;
            long samples = history.Epochs.Sum(e => (long)e.Samples);
            output.WriteLine(Invariant($"training time: {seconds:F2} s ({samples / seconds:N0} samples/s), CPU {cpuSeconds:F2} s"));
            if (options.PlotPath is string plot)
            {
                LearningCurvePlot.Save(history, plot, title: description);
                history.WriteCsv(options.CsvPath!);
                output.WriteLine($"learning curves: {plot}, {options.CsvPath}");
            }

            if (options.CheckpointPath is string checkpoint)
            {
                output.WriteLine(Invariant($"checkpoint: {checkpoint} (after epoch {trainer.CompletedEpochs})"));
            }
        }

        var evaluation = trainer.Evaluate(test);
        output.WriteLine(Invariant($"test loss: {evaluation.Loss:F4}"));
        output.WriteLine(Invariant($"test accuracy: {100 * evaluation.Accuracy!.Value:F2}%"));
    }

    /// <summary>The network <c>--model</c> names, and its description for the output.</summary>
    private static (ITrainable Net, string Description) CreateModel(DigitsOptions options, int features, int classes)
    {
        if (options.Model == ModelKind.Mlp)
        {
            return (new DigitNet(features, options.Hidden, classes, options.Seed),
                Invariant($"DigitNet {features}-{options.Hidden}-{classes}, ReLU, softmax cross-entropy"));
        }

        string layers = Invariant($"conv 5×5 {DigitCnn.Channels1}, pool 2, conv 5×5 {DigitCnn.Channels2}, pool 2, dense {options.Hidden}, ReLU{(options.BatchNorm ? ", batch norm" : "")}{(options.Dropout > 0 ? $", dropout {options.Dropout}" : "")}");
        ITrainable net = options.BatchNorm
            ? new DigitCnnBatchNorm(options.Hidden, classes, options.Dropout, options.Seed)
            : new DigitCnn(options.Hidden, classes, options.Dropout, options.Seed);
        return (net, $"{(options.BatchNorm ? nameof(DigitCnnBatchNorm) : nameof(DigitCnn))} ({layers}), softmax cross-entropy");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
