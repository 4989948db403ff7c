namespace SymbolicGrad;

/// <summary>What a <see cref="TrainingProgress"/> report announces.</summary>
public enum TrainingProgressKind
{
    /// <summary>
    /// A <see cref="Trainer.Fit"/> begins: <see cref="TrainingProgress.Message"/> describes it (rows, batches, epochs,
    /// optimizer, validation); <see cref="TrainingProgress.Epoch"/> is its first epoch.
    /// </summary>
    FitStarted,

    /// <summary>An epoch begins; <see cref="TrainingProgress.BatchCount"/> batches follow.</summary>
    EpochStarted,

    /// <summary>An optimizer step is done; <see cref="TrainingProgress.Batch"/> tells which and how it went.</summary>
    BatchCompleted,

    /// <summary>An epoch is done, validation included; <see cref="TrainingProgress.Metrics"/> holds its metrics.</summary>
    EpochCompleted,

    /// <summary>A note in <see cref="TrainingProgress.Message"/>: early stopping, restored parameters, a stop on request.</summary>
    Message,

    /// <summary>The fit is over, normally or by an exception (the last report of every fit).</summary>
    FitEnded,
}

/// <summary>
/// One progress report of a <see cref="Trainer"/>, sent to <see cref="TrainerOptions.Progress"/>. A small struct:
/// reporting it allocates nothing, so a reporter that ignores <see cref="TrainingProgressKind.BatchCompleted"/> keeps
/// training steps allocation-free.
/// </summary>
/// <remarks>
/// <para>Reports arrive synchronously on the training thread, in order: <see cref="TrainingProgressKind.FitStarted"/>;
/// per epoch <see cref="TrainingProgressKind.EpochStarted"/>, one <see cref="TrainingProgressKind.BatchCompleted"/>
/// per step and <see cref="TrainingProgressKind.EpochCompleted"/>; <see cref="TrainingProgressKind.Message"/> notes in
/// between; and <see cref="TrainingProgressKind.FitEnded"/> last, also when training throws. Training waits while a
/// reporter works, so keep per-batch work short.</para>
/// <para>Implement <see cref="IProgress{T}"/> directly to handle reports in order as they happen (as
/// <see cref="TextProgress"/> and the SymbolicGrad.Console package's live bar do). <see cref="Progress{T}"/> instead
/// posts each report to the synchronization context captured when it was created (the thread pool in a console app),
/// where they may run late and out of order.</para>
/// </remarks>
public readonly record struct TrainingProgress
{
    /// <summary>What happened.</summary>
    public TrainingProgressKind Kind { get; init; }

    /// <summary>The epoch, numbered from 1 and continuing after a resumed checkpoint; for FitStarted the fit's first epoch.</summary>
    public int Epoch { get; init; }

    /// <summary>The last epoch the fit will run, unless early stopping or <see cref="Trainer.RequestStop"/> ends it sooner.</summary>
    public int LastEpoch { get; init; }

    /// <summary>Batches per epoch.</summary>
    public int BatchCount { get; init; }

    /// <summary>The step just done (BatchCompleted only).</summary>
    public BatchProgress Batch { get; init; }

    /// <summary>The epoch's metrics (EpochCompleted only).</summary>
    public EpochMetrics? Metrics { get; init; }

    /// <summary>The fit's description (FitStarted) or a note (Message).</summary>
    public string? Message { get; init; }

    /// <summary>A reporter that ignores every report: no progress at all.</summary>
    public static IProgress<TrainingProgress> Silent { get; } = new SilentProgress();

    private sealed class SilentProgress : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
        }
    }
}
