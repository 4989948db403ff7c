namespace SymbolicGrad;

/// <summary>Settings of a <see cref="Trainer"/>; every property has a sensible default.</summary>
public sealed record TrainerOptions
{
    private readonly double _validationFraction;
    private readonly int? _patience;
    private readonly double _minDelta;
    private readonly int _evaluationBatchSize;

    /// <summary>Seed of the minibatch shuffle and of the validation split; the same seed gives bit-identical training.</summary>
    public int Seed { get; init; }

    /// <summary>Whether to shuffle the training rows every epoch (default true); false keeps the dataset's order.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// Share of the training rows held out for validation when <see cref="Trainer.Fit"/> gets no validation set,
    /// in [0, 1); 0 (the default) holds out nothing. The split is random but fixed by <see cref="Seed"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1).</exception>
    public double ValidationFraction
    {
        get => _validationFraction;
        init => _validationFraction = value is >= 0 and < 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ValidationFraction), value, "The validation fraction must be in [0, 1).");
    }

    /// <summary>
    /// Early stopping: stop after this many epochs in a row without a new lowest validation loss. Null (the default)
    /// turns early stopping off. Needs validation data (a validation set or <see cref="ValidationFraction"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int? Patience
    {
        get => _patience;
        init => _patience = value is null or >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Patience), value, "The patience must be at least 1 epoch (or null for no early stopping).");
    }

    /// <summary>The validation loss must fall by more than this to count as an improvement (default 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not finite.</exception>
    public double MinDelta
    {
        get => _minDelta;
        init => _minDelta = value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MinDelta), value, "The minimum improvement must be zero or positive and finite.");
    }

    /// <summary>
    /// With early stopping on: when training ends, put back the parameters of the epoch with the lowest validation
    /// loss (default true).
    /// </summary>
    public bool RestoreBestParameters { get; init; } = true;

    /// <summary>
    /// Whether to count correct classifications of each training batch (one more forward pass per batch) for the
    /// training accuracy (default true; ignored for models that are not classifiers).
    /// </summary>
    public bool MeasureTrainingAccuracy { get; init; } = true;

    /// <summary>Rows per forward pass when evaluating validation data; 0 (the default) uses the training batch size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int EvaluationBatchSize
    {
        get => _evaluationBatchSize;
        init => _evaluationBatchSize = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(EvaluationBatchSize), value, "The evaluation batch size must be positive (or 0 for the training batch size).");
    }

    /// <summary>
    /// Whether a step may apply the optimizer's update inside the backward pass (default true): each weight matrix is
    /// updated by the kernel that computes its gradient, which is then never written to memory, and no gradient is
    /// zeroed before the step. Used when it gives the same parameters: with <see cref="Sgd"/>, <see cref="Momentum"/> or
    /// <see cref="Nesterov"/> without gradient clipping, weight decay or L1, and a model that supports it
    /// (<see cref="ITrainable.SupportsFusedUpdate"/>, every generated model); the result is bit-identical to the unfused
    /// step. Set false to read the gradients of each batch (e.g. in <see cref="Trainer.BatchCompleted"/>): with a fused
    /// update <see cref="ParameterStore.Gradients"/> does not hold them.
    /// </summary>
    public bool FusedUpdate { get; init; } = true;

    /// <summary>
    /// Receives the trainer's progress reports (see <see cref="TrainingProgress"/> for what arrives and when). Null (the
    /// default) writes the fit's description and one line per epoch to the console, as <see cref="TextProgress"/> over
    /// <see cref="Console.Out"/>; <see cref="TrainingProgress.Silent"/> shows nothing. A live progress bar per epoch is
    /// in the SymbolicGrad.Console package (<c>ConsoleProgress.Auto()</c>), learning-curve pictures in SymbolicGrad.Plotting.
    /// </summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>
    /// When set, a checkpoint (parameters, optimizer state, epoch count) is written atomically to this path after
    /// every epoch, and again after early stopping restores the best parameters.
    /// </summary>
    public string? CheckpointPath { get; init; }
}
