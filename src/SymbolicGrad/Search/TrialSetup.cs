namespace SymbolicGrad;

/// <summary>
/// What a trial factory returns for one trial of a <see cref="HyperparameterSearch"/>: a new model, its optimizer and
/// the batch size, all built from the trial's <see cref="TrialParameters"/>.
/// </summary>
/// <remarks>
/// The factory runs on the trial's thread, possibly beside other trials: it must create a new model and optimizer
/// every time and share nothing mutable between trials.
/// </remarks>
public sealed record TrialSetup
{
    /// <summary>Creates a trial's setup.</summary>
    /// <param name="model">A new model, used by this trial only.</param>
    /// <param name="optimizer">A new optimizer for it.</param>
    /// <param name="batchSize">Rows per minibatch; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">The batch size is below 1.</exception>
    public TrialSetup(ITrainable model, IOptimizer optimizer, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Model = model;
        Optimizer = optimizer;
        BatchSize = batchSize;
    }

    /// <summary>The model to train.</summary>
    public ITrainable Model { get; }

    /// <summary>Its optimizer.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>Rows per minibatch.</summary>
    public int BatchSize { get; }

    /// <summary>
    /// Trainer settings for the trial (augmentation, fused update, training accuracy…), or null for the defaults with
    /// <see cref="TrainerOptions.MeasureTrainingAccuracy"/> off. The search sets the seed (<see cref="TrialParameters.Seed"/>),
    /// early stopping (<see cref="SearchOptions.Patience"/>, restoring the best parameters), silent progress and no
    /// checkpoints, and gives the validation rows itself.
    /// </summary>
    public TrainerOptions? Options { get; init; }
}
