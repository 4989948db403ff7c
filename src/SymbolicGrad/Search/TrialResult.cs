namespace SymbolicGrad;

/// <summary>How one trial of a <see cref="HyperparameterSearch"/> did on the validation rows.</summary>
public sealed record TrialResult
{
    /// <summary>The trial's number, from 1.</summary>
    public required int Trial { get; init; }

    /// <summary>Its parameters.</summary>
    public required TrialParameters Parameters { get; init; }

    /// <summary>The last rung of successive halving it trained in (from 0); 0 for grid and random search.</summary>
    public int Rung { get; init; }

    /// <summary>Epochs trained.</summary>
    public required int Epochs { get; init; }

    /// <summary>
    /// The epoch whose parameters were kept and scored: the lowest validation loss with early stopping, else the last
    /// epoch. Retraining on all the training rows runs this many epochs.
    /// </summary>
    public required int BestEpoch { get; init; }

    /// <summary>Validation loss of <see cref="BestEpoch"/> (NaN when the trial failed).</summary>
    public required double ValidationLoss { get; init; }

    /// <summary>Validation accuracy of <see cref="BestEpoch"/>, or null for a model that is not a classifier or a failed trial.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>Mean training loss of <see cref="BestEpoch"/> (NaN when the trial failed).</summary>
    public required double TrainLoss { get; init; }

    /// <summary>Whether early stopping ended the trial before its epoch budget.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>Why the trial failed (its training diverged: a NaN or infinite loss or gradient), or null.</summary>
    public string? Failure { get; init; }

    /// <summary>The metrics of every epoch the trial trained.</summary>
    public required IReadOnlyList<EpochMetrics> History { get; init; }

    /// <summary>Wall time spent training the trial (not part of the deterministic results).</summary>
    public TimeSpan Duration { get; init; }
}
