namespace SymbolicGrad;

/// <summary>
/// Linear warm-up in front of another schedule: inner(0)·(t + 1)/W for t &lt; W, then inner(t − W).
/// The first step already gets a non-zero rate.
/// </summary>
public sealed class WarmupSchedule : LearningRateSchedule
{
    /// <summary>Creates a warm-up followed by <paramref name="after"/>.</summary>
    /// <param name="warmupSteps">Length W of the warm-up; at least 1.</param>
    /// <param name="after">The schedule that runs after the warm-up, from its own step 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="warmupSteps"/> is less than 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="after"/> is null.</exception>
    public WarmupSchedule(long warmupSteps, LearningRateSchedule after)
    {
        if (warmupSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "The warm-up must last at least 1 step.");
        }
        ArgumentNullException.ThrowIfNull(after);
        WarmupSteps = warmupSteps;
        After = after;
    }

    /// <summary>Length W of the warm-up.</summary>
    public long WarmupSteps { get; }

    /// <summary>The schedule that follows the warm-up.</summary>
    public LearningRateSchedule After { get; }

    /// <inheritdoc />
    protected internal override double FactorAt(long step) => step < WarmupSteps
        ? After.FactorAt(0) * (step + 1) / WarmupSteps
        : After.FactorAt(step - WarmupSteps);

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"warm-up {WarmupSteps} steps, then {After}");
}
