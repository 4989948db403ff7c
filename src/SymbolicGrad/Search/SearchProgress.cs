namespace SymbolicGrad;

/// <summary>What a <see cref="SearchProgress"/> report announces.</summary>
public enum SearchProgressKind
{
    /// <summary>The search begins; <see cref="SearchProgress.Message"/> describes it.</summary>
    SearchStarted,

    /// <summary>A trial finished training (for successive halving: a rung of it); <see cref="SearchProgress.Trial"/> holds its result.</summary>
    TrialCompleted,

    /// <summary>Successive halving ranked a rung; <see cref="SearchProgress.Message"/> says who continues.</summary>
    RungCompleted,

    /// <summary>The search is over; <see cref="SearchProgress.Results"/> holds the ranked trials (the last report).</summary>
    SearchEnded,
}

/// <summary>
/// One progress report of a <see cref="HyperparameterSearch"/>, sent to <see cref="SearchOptions.Progress"/>.
/// </summary>
/// <remarks>
/// Reports come one at a time (never two at once) but from the threads that train the trials, so trials finishing
/// at about the same time may be reported in either order; the final <see cref="SearchResults"/> do not depend on it.
/// </remarks>
public readonly record struct SearchProgress
{
    /// <summary>What happened.</summary>
    public SearchProgressKind Kind { get; init; }

    /// <summary>Trials finished so far in this round (all trials, or this rung's).</summary>
    public int Completed { get; init; }

    /// <summary>Trials in this round.</summary>
    public int Total { get; init; }

    /// <summary>The rung of successive halving (from 0), or 0.</summary>
    public int Rung { get; init; }

    /// <summary>The trial just finished (TrialCompleted).</summary>
    public TrialResult? Trial { get; init; }

    /// <summary>The description (SearchStarted) or the rung's outcome (RungCompleted).</summary>
    public string? Message { get; init; }

    /// <summary>The results (SearchEnded).</summary>
    public SearchResults? Results { get; init; }

    /// <summary>A reporter that ignores every report.</summary>
    public static IProgress<SearchProgress> Silent { get; } = new SilentProgress();

    private sealed class SilentProgress : IProgress<SearchProgress>
    {
        public void Report(SearchProgress value)
        {
        }
    }
}
