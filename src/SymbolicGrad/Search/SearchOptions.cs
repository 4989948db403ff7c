namespace SymbolicGrad;

/// <summary>Settings of a <see cref="HyperparameterSearch"/>; every property has a sensible default.</summary>
public sealed record SearchOptions
{
    private readonly int _epochs = 10;
    private readonly int? _patience = 2;
    private readonly double _validationFraction = 0.2;
    private readonly int? _maxConcurrency;

    /// <summary>
    /// Seed of the random search's draws, of the validation split, and of every trial (<see cref="TrialParameters.Seed"/>):
    /// the same seed gives the same results table, whatever the thread count.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>The most epochs a trial trains (default 10); successive halving's last rung trains this many.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int Epochs
    {
        get => _epochs;
        init => _epochs = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Epochs), value, "A trial must train at least 1 epoch.");
    }

    /// <summary>
    /// Early stopping of each trial: stop after this many epochs without a lower validation loss and keep the best
    /// epoch's parameters (default 2); null trains every epoch and scores the last.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int? Patience
    {
        get => _patience;
        init => _patience = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Patience), value, "The patience must be at least 1 epoch (or null for none).");
    }

    /// <summary>
    /// Share of the training rows held out (at random, fixed by <see cref="Seed"/>) to validate and rank the trials,
    /// in (0, 1); default 0.2. The search never sees any other data: the test set stays untouched.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in (0, 1).</exception>
    public double ValidationFraction
    {
        get => _validationFraction;
        init => _validationFraction = value is > 0 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(ValidationFraction), value, "The validation fraction must be strictly between 0 and 1.");
    }

    /// <summary>
    /// Trials trained at the same time; null (the default) is <see cref="Parallelism.MaxThreads"/>. When several run at
    /// once, each trial's kernels run on its own thread only, so the threads never outnumber
    /// <see cref="Parallelism.MaxThreads"/>; a trial running alone uses every thread for its kernels.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1 or more than <see cref="Parallelism.Limit"/>.</exception>
    public int? MaxConcurrency
    {
        get => _maxConcurrency;
        init => _maxConcurrency = value is null or (>= 1 and <= Parallelism.Limit)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), value, $"The number of trials at a time must be between 1 and {Parallelism.Limit} (or null for Parallelism.MaxThreads).");
    }

    /// <summary>
    /// Receives the search's progress (a line per finished trial and the results table at the end with
    /// <see cref="SearchTextProgress"/>); null (the default) writes those lines to the console; <see cref="SearchProgress.Silent"/> shows nothing.
    /// </summary>
    public IProgress<SearchProgress>? Progress { get; init; }
}
