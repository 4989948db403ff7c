namespace SymbolicGrad;

/// <summary>What the <see cref="Trainer.BatchCompleted"/> event reports after each optimizer step.</summary>
/// <param name="Epoch">The epoch, numbered from 1 (continuing after a resumed checkpoint).</param>
/// <param name="Batch">The batch within the epoch, from 1.</param>
/// <param name="BatchCount">Batches in the epoch.</param>
/// <param name="Rows">Rows in this batch.</param>
/// <param name="Loss">Mean loss of this batch (before the step).</param>
/// <param name="EpochLoss">Mean loss over the epoch's batches so far.</param>
/// <param name="Step">The optimizer's step count after this step.</param>
/// <param name="SamplesPerSecond">Training throughput of the epoch so far.</param>
public readonly record struct BatchProgress(
    int Epoch, int Batch, int BatchCount, int Rows, float Loss, double EpochLoss, long Step, double SamplesPerSecond);
