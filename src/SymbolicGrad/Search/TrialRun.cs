using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SymbolicGrad;

/// <summary>One trial while a search runs: its trainer (kept between rungs of successive halving) and its latest result.</summary>
internal sealed class TrialRun(TrialParameters parameters)
{
    private readonly List<EpochMetrics> _history = [];
    private Trainer? _trainer;
    private int _batchSize;
    private bool _stoppedEarly;
    private string? _failure;
    private EpochMetrics? _scored;
    private TimeSpan _duration;

    internal TrialParameters Parameters { get; } = parameters;

    /// <summary>The result after the last training round (null before the first).</summary>
    internal TrialResult? Result { get; private set; }

    /// <summary>
    /// Trains on (continuing the same model) until <paramref name="epochs"/> epochs are done, unless the trial already
    /// stopped early or failed, then records its result at <paramref name="rung"/>.
    /// </summary>
    internal void TrainTo(int epochs, int rung, TrialContext context)
    {
        if (_stoppedEarly || _failure is not null)
        {
            Result = Snapshot(rung);
            return;
        }

        long start = Stopwatch.GetTimestamp();
        if (_trainer is null)
        {
            var setup = context.Create(Parameters);
            _batchSize = setup.BatchSize;
            var options = (setup.Options ?? new TrainerOptions { MeasureTrainingAccuracy = false }) with
            {
                Seed = Parameters.Seed,
                ValidationFraction = 0,
                Patience = context.Options.Patience,
                RestoreBestParameters = true,
                Progress = TrainingProgress.Silent,
                CheckpointPath = null,
            };
            _trainer = new Trainer(setup.Model, setup.Optimizer, options);
        }

        int more = epochs - _trainer.CompletedEpochs;
        if (more > 0)
        {
            try
            {
                var history = _trainer.Fit(context.Train, more, _batchSize, context.Validation);
                _history.AddRange(history.Epochs);
                _stoppedEarly = history.StoppedEarly;
                int scored = history.RestoredEpoch ?? history.Last!.Epoch;
                _scored = history.Epochs.First(e => e.Epoch == scored);
            }
            catch (TrainingDivergedException e)
            {
                _history.AddRange(e.History.Epochs);
                _failure = e.Message;
                _trainer = null; // its parameters are of no further use
            }
        }

        _duration += Stopwatch.GetElapsedTime(start);
        Result = Snapshot(rung);
    }

    /// <summary>Lets the model go (a trial successive halving dropped).</summary>
    internal void Release() => _trainer = null;

    private TrialResult Snapshot(int rung) => new()
    {
        Trial = Parameters.Trial,
        Parameters = Parameters,
        Rung = rung,
        Epochs = _history.Count,
        BestEpoch = _scored?.Epoch ?? 0,
        ValidationLoss = _failure is null ? _scored?.ValidationLoss ?? double.NaN : double.NaN,
        ValidationAccuracy = _failure is null ? _scored?.ValidationAccuracy : null,
        TrainLoss = _failure is null ? _scored?.TrainLoss ?? double.NaN : double.NaN,
        StoppedEarly = _stoppedEarly,
        Failure = _failure,
        History = _history.ToArray(),
        Duration = _duration,
    };
}

/// <summary>What every trial of one search shares: the data, the options, the factory (with its reuse check).</summary>
internal sealed class TrialContext(Func<TrialParameters, TrialSetup> factory, Dataset train, Dataset validation, SearchOptions options)
{
    // Weak: a model successive halving dropped can be collected.
    private readonly ConditionalWeakTable<object, object> _owners = [];

    internal Dataset Train { get; } = train;

    internal Dataset Validation { get; } = validation;

    internal SearchOptions Options { get; } = options;

    internal TrialSetup Create(TrialParameters parameters)
    {
        var setup = factory(parameters)
            ?? throw new InvalidOperationException($"The trial factory returned null for trial {parameters.Trial} ({parameters}).");
        lock (_owners)
        {
            Claim(setup.Model, "model", parameters.Trial);
            Claim(setup.Optimizer, "optimizer", parameters.Trial);
        }

        return setup;
    }

    private void Claim(object item, string what, int trial)
    {
        if (_owners.TryGetValue(item, out object? owner))
        {
            throw new InvalidOperationException(
                $"The trial factory returned for trial {trial} the {what} it returned for trial {owner}; it must create a new {what} for every trial.");
        }

        _owners.Add(item, trial);
    }
}
