using System.Diagnostics;
using System.Globalization;
using SymbolicGrad.Plotting;

namespace SymbolicGrad.Samples.Digits;

/// <summary>
/// <c>--search</c>: a <see cref="HyperparameterSearch"/> over the Digits settings the command line leaves open, on the
/// training images only; returns the best settings for the final run.
/// </summary>
public static class DigitsSearch
{
    /// <summary>Batch sizes searched when <c>--batch</c> is not given.</summary>
    public static readonly IReadOnlyList<int> BatchSizes = [32, 64, 128];

    /// <summary>Hidden layer sizes searched when <c>--hidden</c> is not given.</summary>
    public static readonly IReadOnlyList<int> HiddenSizes = [64, 128, 256];

    /// <summary>
    /// The learning rates searched when <c>--lr</c> is not given: log-uniform from a fifth to three times the
    /// optimizer's default for the batch (0.01 … 0.15 for momentum from batch 64 up), three points on a grid.
    /// </summary>
    /// <param name="optimizer">The optimizer searched with.</param>
    /// <param name="batchSize">The <c>--batch</c> given, or the default when the batch is searched too (its choices are all 32 or more).</param>
    public static (double Min, double Max) LearningRates(OptimizerKind optimizer, int batchSize = OptimizerChoice.DefaultRateBatch)
    {
        double rate = OptimizerChoice.DefaultLearningRate(optimizer, batchSize);
        return (rate / 5, rate * 3);
    }

    /// <summary>The search space: every setting among lr, batch and hidden that the command line did not fix.</summary>
    /// <param name="options">The command line.</param>
    public static SearchSpace Space(DigitsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var space = new SearchSpace();
        if (!options.GivenOptions.Contains("--lr"))
        {
            var (min, max) = LearningRates(options.Optimizer, options.GivenOptions.Contains("--batch") ? options.BatchSize : OptimizerChoice.DefaultRateBatch);
            space.LogUniform("lr", min, max, gridPoints: 3);
        }

        if (!options.GivenOptions.Contains("--batch"))
        {
            space.Choice("batch", BatchSizes.ToArray());
        }

        if (!options.GivenOptions.Contains("--hidden"))
        {
            space.Choice("hidden", HiddenSizes.ToArray());
        }

        return space;
    }

    /// <summary>The settings of one trial: the command line with the trial's values put in.</summary>
    /// <param name="options">The command line.</param>
    /// <param name="trial">The trial's values.</param>
    public static DigitsOptions Apply(DigitsOptions options, TrialParameters trial)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(trial);
        return options with
        {
            LearningRate = trial.Contains("lr") ? trial.Get<float>("lr") : options.LearningRate,
            BatchSize = trial.Contains("batch") ? trial.Get<int>("batch") : options.BatchSize,
            Hidden = trial.Contains("hidden") ? [trial.Get<int>("hidden")] : options.Hidden,
        };
    }

    /// <summary>
    /// Runs the search on <paramref name="train"/> (holding 20% of it out to validate), writes its progress and the
    /// ranked table to <paramref name="output"/> (and, with <c>--plot</c>, the picture and the table as CSV), and
    /// returns the best trial's settings with <see cref="DigitsOptions.Epochs"/> set to the epochs early stopping chose.
    /// </summary>
    /// <param name="options">The command line, with <see cref="DigitsOptions.Search"/> set.</param>
    /// <param name="train">The training images; the search never sees any other.</param>
    /// <param name="output">Where the progress and the table go.</param>
    /// <exception cref="TrainingDivergedException">Every trial diverged.</exception>
    public static DigitsOptions Run(DigitsOptions options, Dataset train, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(output);
        var strategy = options.Search ?? throw new ArgumentException("The options ask for no search.", nameof(options));
        var search = new HyperparameterSearch(Space(options), trial => CreateTrial(options, trial, train), new SearchOptions
        {
            Seed = options.Seed,
            Epochs = options.Epochs,
            Patience = 2,
            ValidationFraction = 0.2,
            Progress = new SearchTextProgress(output),
        });

        var cpuStart = Environment.CpuUsage.TotalTime;
        var results = strategy switch
        {
            SearchStrategy.Grid => search.Grid(train, options.Trials),
            SearchStrategy.Random => search.Random(train, options.Trials ?? DigitsOptions.DefaultRandomTrials),
            _ => search.SuccessiveHalving(train, options.Trials ?? DigitsOptions.DefaultHalvingTrials, minEpochs: 1, factor: 3),
        };
        double cpuSeconds = (Environment.CpuUsage.TotalTime - cpuStart).TotalSeconds;
        int epochs = results.Trials.Sum(t => t.Epochs);
        output.WriteLine(Invariant($"search time: {results.Duration.TotalSeconds:F2} s, CPU {cpuSeconds:F2} s, {results.Trials.Count} trials, {epochs} epochs in all"));
        if (options.PlotPath is string plot)
        {
            SearchPlot.Save(results, plot, title: Invariant($"Digits: {Name(strategy)} search"));
            results.WriteCsv(options.CsvPath!);
            output.WriteLine($"search results: {plot}, {options.CsvPath}");
        }

        TrialResult best;
        try
        {
            best = results.Best;
        }
        catch (InvalidOperationException e)
        {
            throw new TrainingDivergedException(0, 0, float.NaN, e.Message, new TrainingHistory());
        }

        var chosen = Apply(options, best.Parameters) with { Epochs = best.BestEpoch };
        output.WriteLine(Invariant(
            $"best: trial #{best.Trial}, validation accuracy {100 * best.ValidationAccuracy!.Value:F2}% after epoch {best.BestEpoch}; the same as the command line --lr {chosen.EffectiveLearningRate.ToString("R", CultureInfo.InvariantCulture)} --batch {chosen.BatchSize} --hidden {string.Join(",", chosen.Hidden)} --epochs {chosen.Epochs}"));
        output.WriteLine(Invariant($"retraining it on all {train.Count:N0} training images"));
        return chosen;
    }

    private static TrialSetup CreateTrial(DigitsOptions options, TrialParameters trial, Dataset train)
    {
        var settings = Apply(options, trial);
        return new TrialSetup(DigitsApp.CreateModel(settings, train.FeatureCount, train.ClassCount, trial.Seed).Net, settings.CreateOptimizer(), settings.BatchSize)
        {
            Options = DigitsApp.TrainerOptionsFor(settings, train.FeatureCount),
        };
    }

    private static string Name(SearchStrategy strategy) => strategy switch
    {
        SearchStrategy.Grid => "grid",
        SearchStrategy.Random => "random",
        _ => "successive halving",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
