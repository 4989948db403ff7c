using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
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

            var timings = PhaseTimings.StartIf(options.Timings);
            // The process-wide thread count, put back afterwards for callers that run the app more than once (tests).
            int defaultThreads = Parallelism.MaxThreads;
            Parallelism.MaxThreads = options.Threads ?? defaultThreads;
            var warmUp = TrainingWarmUp.StartIf(options);
            try
            {
                CheckFiles(options);
                var data = options.DataDirectory is string directory ? DigitData.LoadDirectory(directory) : DigitData.LoadEmbedded();
                timings?.Mark("reading the data");
                if (warmUp is not null)
                {
                    warmUp.Join();
                    timings?.Mark("waiting for the warm-up");
                }

                Train(options, data.Source, data.Train, data.Test, output, timings);
            }
            finally
            {
                warmUp?.Join();
                Parallelism.MaxThreads = defaultThreads;
            }

            timings?.Write(error);
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

        if (options.GraphPath is string graph)
        {
            OutputFile.CheckWritable("--graph", graph);
        }

        if (options.PlotPath is string plot && options.Epochs > 0)
        {
            OutputFile.CheckWritable("--plot", plot);
            OutputFile.CheckWritable("--plot", options.CsvPath!);
        }

        if (options.ExportPath is string export)
        {
            OutputFile.CheckWritable("--export", export);
        }
    }

    private static void Train(DigitsOptions options, string source, Dataset train, Dataset test, TextWriter output, PhaseTimings? timings)
    {
        output.WriteLine(Invariant(
            $"data: {source}, {train.Count:N0} training and {test.Count:N0} test images"));
        if (options.PcaComponents is int components)
        {
            (train, test) = Project(components, train, test, output);
            timings?.Mark("PCA");
        }

        if (options.Augment)
        {
            // Images --augment cannot shift are refused now, not inside a search's first trial.
            Shift(train.FeatureCount, options.Seed);
        }

        if (options.Search is not null)
        {
            // The search sees the training images only; the best configuration is then trained as a plain run would.
            var best = DigitsSearch.Run(options, train, output);
            timings?.Mark("search");
            TrainOnce(best, train, test, output, timings);
        }
        else
        {
            TrainOnce(options, train, test, output, timings);
        }
    }

    /// <summary>
    /// The trainer settings of a run or a search trial: the seed, the shifts of <c>--augment</c> (images of
    /// <paramref name="features"/> pixels, square), and training accuracy only for a plot.
    /// </summary>
    internal static TrainerOptions TrainerOptionsFor(DigitsOptions options, int features) => new()
    {
        Seed = options.Seed,
        Augmentation = options.Augment ? Shift(features, options.Seed) : null,
        // Training accuracy costs one more forward pass per batch; only the plot's accuracy panel needs it.
        MeasureTrainingAccuracy = options.PlotPath is not null && options.Search is null,
    };

    private static RandomShift Shift(int features, int seed)
    {
        int side = (int)Math.Round(Math.Sqrt(features));
        return side * side == features
            ? new RandomShift(1, side, side, DigitsOptions.MaxShift, seed)
            : throw new CommandLineException($"--augment needs square images, but the images have {features:N0} pixels.");
    }

    // PCA fitted on the training images only, then applied to both sets.
    private static (Dataset Train, Dataset Test) Project(int components, Dataset train, Dataset test, TextWriter output)
    {
        if (components > train.FeatureCount)
        {
            throw new CommandLineException($"--pca {components}: the images have only {train.FeatureCount:N0} pixels.");
        }

        long start = Stopwatch.GetTimestamp();
        var pca = Pca.Fit(train, components);
        double kept = pca.ExplainedVarianceRatio().Sum();
        output.WriteLine(Invariant(
            $"pca: {components} components of {train.FeatureCount} pixels keep {100 * kept:F1}% of the training images' variance (fitted in {Stopwatch.GetElapsedTime(start).TotalSeconds:F2} s)"));
        return (pca.Transform(train), pca.Transform(test));
    }

    /// <summary>
    /// The network of <paramref name="options"/> and a line describing it: for <c>--model mlp</c> with one hidden layer
    /// today's <see cref="DigitNet"/>, written out; with several, a <see cref="LayeredDigitNet"/>, written as a loop over
    /// its layers; for <c>--model cnn</c> the LeNet-style <see cref="DigitCnn"/> (or <see cref="DigitCnnBatchNorm"/>).
    /// </summary>
    internal static (ITrainable Net, string Description) CreateModel(DigitsOptions options, int features, int classes, int seed)
    {
        if (options.Model == ModelKind.Mlp)
        {
            string shape = Invariant($"{features}-{string.Join("-", options.Hidden)}-{classes}");
            return options.Hidden.Count == 1
                ? (new DigitNet(features, options.Hidden[0], classes, seed), $"DigitNet {shape}, ReLU, softmax cross-entropy")
                : (new LayeredDigitNet(features, options.Hidden, classes, seed), $"LayeredDigitNet {shape}, ReLU, softmax cross-entropy");
        }

        int hidden = options.Hidden[0];
        string layers = Invariant($"conv 5×5 {DigitCnn.Channels1}, pool 2, conv 5×5 {DigitCnn.Channels2}, pool 2, dense {hidden}, ReLU{(options.BatchNorm ? ", batch norm" : "")}{(options.Dropout > 0 ? $", dropout {options.Dropout}" : "")}");
        ITrainable net = options.BatchNorm
            ? new DigitCnnBatchNorm(hidden, classes, options.Dropout, seed)
            : new DigitCnn(hidden, classes, options.Dropout, seed);
        return (net, $"{(options.BatchNorm ? nameof(DigitCnnBatchNorm) : nameof(DigitCnn))} ({layers}), softmax cross-entropy");
    }

    private static void TrainOnce(DigitsOptions options, Dataset train, Dataset test, TextWriter output, PhaseTimings? timings)
    {
        var (net, description) = CreateModel(options, train.FeatureCount, train.ClassCount, options.Seed);
        var optimizer = options.CreateOptimizer();
        var trainer = new Trainer(net, optimizer, TrainerOptionsFor(options, train.FeatureCount) with
        {
            CheckpointPath = options.CheckpointPath,
            // A live progress bar when the output is an interactive terminal; plain lines into a caller's writer or a log.
            Progress = ConsoleProgress.Auto(output),
        });

        output.WriteLine(Invariant(
            $"model: {description}, {net.Parameters.Count:N0} parameters, seed {options.Seed}"));

        if (options.Augment)
        {
            output.WriteLine(Invariant($"augmentation: each epoch every training image shifts by up to {DigitsOptions.MaxShift} pixels each way (seed {options.Seed})"));
        }

        if (options.GraphPath is string graph)
        {
            Graphs.WriteMarkdown(graph, ("DigitNet.Loss", DigitNet.LossGraph));
            output.WriteLine($"graph: {graph}");
        }

        if (options.Resume)
        {
            var info = trainer.ResumeFrom(options.CheckpointPath!);
            output.WriteLine(Invariant($"resumed from {options.CheckpointPath} after epoch {info.CompletedEpochs}"));
        }

        timings?.Mark("building the model");

        if (options.Epochs > 0)
        {
            // CPU time as well as wall time: on a busy machine the wall time also counts other processes' turns.
            var cpuStart = Environment.CpuUsage.TotalTime;
            long start = Stopwatch.GetTimestamp();
            var history = trainer.Fit(train, options.Epochs, options.BatchSize);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double cpuSeconds = (Environment.CpuUsage.TotalTime - cpuStart).TotalSeconds;
            long samples = history.Epochs.Sum(e => (long)e.Samples);
            output.WriteLine(Invariant($"training time: {seconds:F2} s ({samples / seconds:N0} samples/s), CPU {cpuSeconds:F2} s"));
            timings?.Mark("training");
            if (options.PlotPath is string plot && options.Search is null)
            {
                SavePlot(history, plot, description);
                history.WriteCsv(options.CsvPath!);
                output.WriteLine($"learning curves: {plot}, {options.CsvPath}");
            }

            if (options.CheckpointPath is string checkpoint)
            {
                output.WriteLine(Invariant($"checkpoint: {checkpoint} (after epoch {trainer.CompletedEpochs})"));
            }
        }

        if (options.ExportPath is string export)
        {
            ExportOnnx(net, export);
            output.WriteLine($"onnx model: {export} (input x: batch × {train.FeatureCount} pixels, output logits: batch × {train.ClassCount})");
        }

        if (options.PlotPath is not null || options.ExportPath is not null)
        {
            timings?.Mark("writing plot, ONNX");
        }

        var evaluation = trainer.Evaluate(test);
        output.WriteLine(Invariant($"test loss: {evaluation.Loss:F4}"));
        output.WriteLine(Invariant($"test accuracy: {100 * evaluation.Accuracy!.Value:F2}%"));
        timings?.Mark("evaluating");
    }

    // The plotting and ONNX assemblies load only when these run: a method that names them loads them when it is compiled.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SavePlot(TrainingHistory history, string path, string title) => LearningCurvePlot.Save(history, path, title: title);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ExportOnnx(ITrainable net, string path) => Onnx.Export((Model)net, path);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
