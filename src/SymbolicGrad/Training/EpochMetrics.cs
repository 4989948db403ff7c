namespace SymbolicGrad;

/// <summary>The metrics of one training epoch: one point of the learning curves.</summary>
public sealed record EpochMetrics
{
    /// <summary>The epoch, numbered from 1 (continuing after a resumed checkpoint).</summary>
    public required int Epoch { get; init; }

    /// <summary>Mean training loss over the epoch's batches, each measured before its step.</summary>
    public required double TrainLoss { get; init; }

    /// <summary>Share of training rows classified correctly (before each batch's step), or null when not measured.</summary>
    public double? TrainAccuracy { get; init; }

    /// <summary>Mean loss on the validation data after the epoch, or null without validation data.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>Share of validation rows classified correctly after the epoch, or null.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>Training rows processed in the epoch.</summary>
    public required int Samples { get; init; }

    /// <summary>Optimizer steps in the epoch.</summary>
    public required int Batches { get; init; }

    /// <summary>Training throughput: rows per second of the training part of the epoch (validation excluded).</summary>
    public required double SamplesPerSecond { get; init; }

    /// <summary>Wall time of the whole epoch, validation included.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>The learning rate of the epoch's last step.</summary>
    public required float LearningRate { get; init; }
}
