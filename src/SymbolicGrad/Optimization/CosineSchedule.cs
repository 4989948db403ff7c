namespace SymbolicGrad;

/// <summary>Cosine annealing: m + (1 − m)(1 + cos(πt/T))/2 for t &lt; T, then m.</summary>
public sealed class CosineSchedule : LearningRateSchedule
{
    /// <summary>Creates a cosine annealing schedule.</summary>
    /// <param name="totalSteps">The length T of the decay; at least 1.</param>
    /// <param name="minFactor">The final factor m, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public CosineSchedule(long totalSteps, float minFactor = 0f)
    {
        if (totalSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "The total steps of a cosine schedule must be at least 1.");
        }
        if (!(minFactor >= 0f && minFactor <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(minFactor), minFactor, "The minimum factor of a cosine schedule must be in [0, 1].");
        }
        TotalSteps = totalSteps;
        MinFactor = minFactor;
    }

    /// <summary>The length T of the decay.</summary>
    public long TotalSteps { get; }

    /// <summary>The final factor m.</summary>
    public float MinFactor { get; }

    /// <inheritdoc />
    protected internal override double FactorAt(long step) => step >= TotalSteps
        ? MinFactor
        : MinFactor + (1.0 - MinFactor) * 0.5 * (1.0 + Math.Cos(Math.PI * step / TotalSteps));

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"cosine over {TotalSteps} steps to ×{MinFactor}");
}
