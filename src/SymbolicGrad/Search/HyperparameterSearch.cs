using System.Diagnostics;
using System.Globalization;

namespace SymbolicGrad;

/// <summary>
/// Hyper-parameter search: trains one model per point of a <see cref="SearchSpace"/> — every grid point
/// (<see cref="Grid"/>), random points (<see cref="Random"/>), or many random points briefly and the best longer
/// (<see cref="SuccessiveHalving"/>) — and ranks them by their accuracy on validation rows held out of the training set.
/// </summary>
/// <remarks>
/// <para>Only the training set is given to the search; <see cref="SearchOptions.ValidationFraction"/> of its rows
/// (chosen by the seed, the same for every trial) are held out to validate, the rest train. Test data never take part:
/// evaluate the retrained best model (<see cref="Retrain"/>) on them once, at the end.</para>
/// <para>Each trial gets a new model and optimizer from the trial factory, trains with early stopping
/// (<see cref="SearchOptions.Patience"/>) and is scored by the epoch whose parameters it keeps. A trial whose training
/// diverges is recorded as failed and ranked last; any other exception ends the search.</para>
/// <para>Trials run side by side, up to <see cref="SearchOptions.MaxConcurrency"/> at a time (default
/// <see cref="Parallelism.MaxThreads"/>); then each trial's kernels stay on its own thread, so the threads never
/// outnumber <see cref="Parallelism.MaxThreads"/>. A trial running alone (the last of successive halving) uses every
/// thread. Results do not depend on the scheduling: each trial's training is deterministic for the seed, whatever its
/// thread count, and the ranking is a total order, so the same seed gives the same <see cref="SearchResults.ToTable"/>.</para>
/// </remarks>
public sealed class HyperparameterSearch
{
    private readonly Func<TrialParameters, TrialSetup> _factory;
    private readonly object _reportLock = new();

    /// <summary>Creates a search.</summary>
    /// <param name="space">The ranges to explore.</param>
    /// <param name="factory">Builds a trial's model, optimizer and batch size from its parameters; see <see cref="TrialSetup"/>.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public HyperparameterSearch(SearchSpace space, Func<TrialParameters, TrialSetup> factory, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(factory);
        Space = space;
        _factory = factory;
        Options = options ?? new SearchOptions();
    }

    /// <summary>The ranges explored.</summary>
    public SearchSpace Space { get; }

    /// <summary>The settings.</summary>
    public SearchOptions Options { get; }

    /// <summary>
    /// Grid search: trains every point of the grid (<see cref="SearchSpace.GridSize"/>; see
    /// <see cref="SearchParameter.GridPoints"/>), or, when the grid has more than <paramref name="maxTrials"/> points,
    /// that many of them picked at random (by the seed). Trials are numbered in grid order, the first parameter varying slowest.
    /// </summary>
    /// <param name="train">The training set; the validation rows are held out of it.</param>
    /// <param name="maxTrials">The most trials to run; null runs the whole grid.</param>
    /// <exception cref="ArgumentException">The training set has fewer than 2 rows, or the grid is too large to run whole.</exception>
    public SearchResults Grid(Dataset train, int? maxTrials = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (maxTrials is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTrials), maxTrials, "A grid search needs at least 1 trial.");
        }

        long size = Space.GridSize;
        if (maxTrials is null && size > 100_000)
        {
            throw new ArgumentException($"The grid has {size:N0} points, too many to train them all; give maxTrials or fewer grid points.", nameof(maxTrials));
        }

        var grid = Space.Parameters.Select(p => p.GridValues()).ToArray();
        var points = maxTrials is int most && most < size ? PickPoints(size, most) : LongRange(size);
        var runs = points.Select((point, i) => NewRun(i + 1, Space.GridPoint(point, grid))).ToArray();
        return RunFullBudget(SearchStrategy.Grid, train, runs,
            runs.Length < size ? $"grid search: {runs.Length} of the grid's {size} points (picked at random)" : $"grid search: all {size} points of the grid");
    }

    /// <summary>Random search: <paramref name="trials"/> points drawn from the ranges (by the seed), each trained to the full budget.</summary>
    /// <param name="train">The training set; the validation rows are held out of it.</param>
    /// <param name="trials">Points to draw; at least 1.</param>
    public SearchResults Random(Dataset train, int trials)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        return RunFullBudget(SearchStrategy.Random, train, DrawRuns(trials), $"random search: {trials} points");
    }

    /// <summary>
    /// Successive halving: <paramref name="trials"/> random points (drawn as <see cref="Random"/> draws them) train a
    /// few epochs; the best 1/<paramref name="factor"/> of them continue their training to <paramref name="factor"/>
    /// times as many epochs, and so on. The epoch budgets of the rungs are <see cref="SearchOptions.Epochs"/> divided
    /// by the factor as often as the result stays at least <paramref name="minEpochs"/>, rounded, in increasing order
    /// (10 epochs, factor 3: 1, 3, 10); once a single trial is left it trains to <see cref="SearchOptions.Epochs"/>.
    /// A trial that stopped early trains no more but keeps its rank.
    /// </summary>
    /// <param name="train">The training set; the validation rows are held out of it.</param>
    /// <param name="trials">Points to start with; at least 1.</param>
    /// <param name="minEpochs">The least epochs of the first rung, in [1, <see cref="SearchOptions.Epochs"/>].</param>
    /// <param name="factor">The reduction factor η ≥ 2: 1/η of a rung continues with η times the epochs.</param>
    public SearchResults SuccessiveHalving(Dataset train, int trials, int minEpochs = 1, int factor = 3)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 2);
        if (minEpochs < 1 || minEpochs > Options.Epochs)
        {
            throw new ArgumentOutOfRangeException(nameof(minEpochs), minEpochs, $"The first rung's epochs must be between 1 and the budget of {Options.Epochs}.");
        }

        var (context, progress, concurrency) = Begin(train);
        var runs = DrawRuns(trials);
        var budgets = Budgets(Options.Epochs, minEpochs, factor);
        long start = Stopwatch.GetTimestamp();
        Report(progress, new SearchProgress
        {
            Kind = SearchProgressKind.SearchStarted,
            Total = trials,
            Message = Describe($"successive halving: {trials} points, the best 1/{factor} of each rung continuing, rungs of {string.Join(", ", budgets)} epochs", context, concurrency),
        });

        var alive = runs.ToList();
        int budget = budgets[0];
        for (int rung = 0; ; rung++)
        {
            Train(alive, budget, rung, context, progress, concurrency);
            alive.Sort((a, b) => SearchResults.Compare(a.Result!, b.Result!));
            if (alive.Count == 1 || budget >= Options.Epochs)
            {
                break;
            }

            int keep = Math.Max(1, alive.Count / factor);
            foreach (var dropped in alive.Skip(keep))
            {
                dropped.Release();
            }

            alive.RemoveRange(keep, alive.Count - keep);
            int next = keep == 1 ? Options.Epochs : budgets[rung + 1];
            Report(progress, new SearchProgress
            {
                Kind = SearchProgressKind.RungCompleted,
                Rung = rung,
                Completed = keep,
                Total = runs.Length,
                Message = string.Create(CultureInfo.InvariantCulture,
                    $"rung {rung}: {(keep == 1 ? "trial" : "trials")} {string.Join(", ", alive.Select(r => "#" + r.Parameters.Trial.ToString(CultureInfo.InvariantCulture)))} {(keep == 1 ? "continues" : "continue")} to {next} epoch{(next == 1 ? "" : "s")}"),
            });
            budget = next;
        }

        return End(SearchStrategy.SuccessiveHalving, runs, context, progress, start);
    }

    /// <summary>
    /// Trains a new model with <paramref name="trial"/>'s parameters on all of <paramref name="train"/> (the validation
    /// rows included) for <paramref name="epochs"/> epochs — by default the trial's <see cref="TrialResult.BestEpoch"/>,
    /// the length early stopping chose — with the trial's seed and trainer settings.
    /// </summary>
    /// <param name="trial">A trial of this search, typically <see cref="SearchResults.Best"/>.</param>
    /// <param name="train">The whole training set.</param>
    /// <param name="epochs">Epochs to train; null for the trial's best epoch.</param>
    /// <param name="progress">Where the training's progress goes; null for the setup's <see cref="TrainerOptions.Progress"/>.</param>
    /// <returns>The trainer (its <see cref="Trainer.Model"/> is the retrained model) and the learning curves.</returns>
    public (Trainer Trainer, TrainingHistory History) Retrain(TrialResult trial, Dataset train, int? epochs = null, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(train);
        int count = epochs ?? trial.BestEpoch;
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), count, trial.Failure is null
                ? "Retraining needs at least 1 epoch."
                : $"Trial {trial.Trial} failed ({trial.Failure}); give the epochs to retrain it.");
        }

        var setup = _factory(trial.Parameters) ?? throw new InvalidOperationException($"The trial factory returned null for trial {trial.Trial}.");
        var baseOptions = setup.Options ?? new TrainerOptions { MeasureTrainingAccuracy = false };
        var trainer = new Trainer(setup.Model, setup.Optimizer, baseOptions with
        {
            Seed = trial.Parameters.Seed,
            ValidationFraction = 0,
            Patience = null,
            Progress = progress ?? baseOptions.Progress,
        });
        return (trainer, trainer.Fit(train, count, setup.BatchSize));
    }

    // R, R/η, R/η², … while at least minEpochs, rounded, smallest first: the rungs end exactly at the full budget.
    private static int[] Budgets(int epochs, int minEpochs, int factor)
    {
        var budgets = new List<int> { epochs };
        for (double next = (double)epochs / factor; Math.Round(next) >= minEpochs && (int)Math.Round(next) < budgets[^1]; next /= factor)
        {
            budgets.Add((int)Math.Round(next));
        }

        budgets.Reverse();
        return budgets.ToArray();
    }

    private SearchResults RunFullBudget(SearchStrategy strategy, Dataset train, TrialRun[] runs, string what)
    {
        var (context, progress, concurrency) = Begin(train);
        long start = Stopwatch.GetTimestamp();
        Report(progress, new SearchProgress { Kind = SearchProgressKind.SearchStarted, Total = runs.Length, Message = Describe(what, context, concurrency) });
        Train(runs, Options.Epochs, 0, context, progress, concurrency);
        return End(strategy, runs, context, progress, start);
    }

    private (TrialContext Context, IProgress<SearchProgress> Progress, int Concurrency) Begin(Dataset train)
    {
        if (train.Count < 2)
        {
            throw new ArgumentException($"The training set has {train.Count} row{(train.Count == 1 ? "" : "s")}; a search needs at least 2 to hold validation rows out.", nameof(train));
        }

        var (fit, validation) = train.Split(Options.ValidationFraction, Options.Seed);
        var context = new TrialContext(_factory, fit, validation, Options);
        var progress = Options.Progress ?? new SearchTextProgress(Console.Out);
        return (context, progress, Options.MaxConcurrency ?? Parallelism.MaxThreads);
    }

    private SearchResults End(SearchStrategy strategy, TrialRun[] runs, TrialContext context, IProgress<SearchProgress> progress, long start)
    {
        var results = new SearchResults(strategy, Space.Parameters.Select(p => p.Name).ToArray(), runs.Select(r => r.Result!),
            context.Train.Count, context.Validation.Count, Options.Epochs, Stopwatch.GetElapsedTime(start));
        Report(progress, new SearchProgress { Kind = SearchProgressKind.SearchEnded, Completed = runs.Length, Total = runs.Length, Results = results });
        return results;
    }

    private string Describe(string what, TrialContext context, int concurrency)
    {
        string stopping = Options.Patience is int patience
            ? $"early stopping after {patience} epoch{(patience == 1 ? "" : "s")} without a lower validation loss"
            : "no early stopping";
        string threads = concurrency == 1 ? "one trial at a time" : $"up to {concurrency} trials at a time, one thread each";
        return string.Create(CultureInfo.InvariantCulture,
            $"{what}, up to {Options.Epochs} epoch{(Options.Epochs == 1 ? "" : "s")} each, {stopping}; training on {context.Train.Count:N0} rows, validating on {context.Validation.Count:N0} held out of the training set; {threads}, seed {Options.Seed}");
    }

    // Every run trains to `epochs`, up to `concurrency` at once. Each worker takes the next untrained run, so the
    // order runs start in is the trials' order; which thread trains a run changes nothing in its result.
    private void Train(IReadOnlyList<TrialRun> runs, int epochs, int rung, TrialContext context, IProgress<SearchProgress> progress, int concurrency)
    {
        int workers = Math.Min(concurrency, runs.Count);
        var errors = new Exception?[runs.Count];
        int next = -1;
        int completed = 0;
        void Work()
        {
            bool alone = Parallelism.CallingThreadOnly;
            Parallelism.CallingThreadOnly = alone || workers > 1;
            try
            {
                for (int i = Interlocked.Increment(ref next); i < runs.Count; i = Interlocked.Increment(ref next))
                {
                    try
                    {
                        runs[i].TrainTo(epochs, rung, context);
                        Report(progress, new SearchProgress
                        {
                            Kind = SearchProgressKind.TrialCompleted,
                            Rung = rung,
                            Completed = Interlocked.Increment(ref completed),
                            Total = runs.Count,
                            Trial = runs[i].Result,
                        });
                    }
                    catch (Exception e)
                    {
                        errors[i] = e;
                    }
                }
            }
            finally
            {
                Parallelism.CallingThreadOnly = alone;
            }
        }

        var threads = new Thread[workers - 1];
        for (int t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(Work) { IsBackground = true, Name = $"SymbolicGrad search worker {t + 1}" };
            threads[t].Start();
        }

        Work();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        for (int i = 0; i < errors.Length; i++)
        {
            if (errors[i] is Exception error)
            {
                var parameters = runs[i].Parameters;
                throw new InvalidOperationException($"Hyperparameter search: trial {parameters.Trial} ({parameters}) failed: {error.Message}", error);
            }
        }
    }

    private void Report(IProgress<SearchProgress> progress, SearchProgress report)
    {
        lock (_reportLock)
        {
            progress.Report(report);
        }
    }

    private TrialRun[] DrawRuns(int trials)
    {
        var random = new SplitMix64(Options.Seed);
        var runs = new TrialRun[trials];
        for (int i = 0; i < trials; i++)
        {
            runs[i] = NewRun(i + 1, Space.Sample(random));
        }

        return runs;
    }

    private TrialRun NewRun(int trial, object[] values) =>
        new(new TrialParameters(trial, Options.Seed, Space.Parameters.Select(p => p.Name).ToArray(), values));

    // `count` distinct points of [0, size) by Floyd's sampling, in increasing order.
    private long[] PickPoints(long size, int count)
    {
        var random = new SplitMix64(Options.Seed);
        var chosen = new HashSet<long>();
        for (long j = size - count; j < size; j++)
        {
            long t = (long)(random.NextDouble() * (j + 1));
            if (!chosen.Add(t))
            {
                chosen.Add(j);
            }
        }

        var points = chosen.ToArray();
        Array.Sort(points);
        return points;
    }

    private static long[] LongRange(long size)
    {
        var points = new long[size];
        for (long i = 0; i < size; i++)
        {
            points[i] = i;
        }

        return points;
    }
}
