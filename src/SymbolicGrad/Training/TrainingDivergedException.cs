namespace SymbolicGrad;

/// <summary>
/// Training produced a NaN or infinite loss or gradient. The step that would have used it was not applied: the
/// model keeps the parameters of the last good step.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="epoch">The epoch (from 1) of the bad batch.</param>
    /// <param name="batch">The batch (from 1) within the epoch.</param>
    /// <param name="loss">The batch's loss.</param>
    /// <param name="reason">What was not finite.</param>
    /// <param name="history">The epochs completed before the bad batch.</param>
    public TrainingDivergedException(int epoch, int batch, float loss, string reason, TrainingHistory history)
        : base($"Training diverged in epoch {epoch}, batch {batch}: {reason}. The step was not applied; the parameters are those of the last good step. " +
               "Try a smaller learning rate or gradient clipping (MaxGradientNorm).")
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
        Reason = reason;
        History = history;
    }

    /// <summary>The epoch (from 1) of the bad batch.</summary>
    public int Epoch { get; }

    /// <summary>The batch (from 1) within the epoch; 0 for a step taken with <see cref="Trainer.Step"/>.</summary>
    public int Batch { get; }

    /// <summary>The batch's loss (NaN or infinite when the loss was the problem).</summary>
    public float Loss { get; }

    /// <summary>What was not finite, e.g. <c>the loss is NaN</c> or <c>the gradient of W1[3, 7] is +∞</c>.</summary>
    public string Reason { get; }

    /// <summary>The epochs completed before the bad batch.</summary>
    public TrainingHistory History { get; }
}
