namespace SymbolicGrad;

/// <summary>Factor γ^(t / decaySteps), a smooth exponential decay.</summary>
public sealed class ExponentialSchedule : LearningRateSchedule
{
    /// <summary>Creates an exponential decay.</summary>
    /// <param name="gamma">The decay per <paramref name="decaySteps"/> steps, in (0, 1].</param>
    /// <param name="decaySteps">Steps over which the factor drops by γ; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public ExponentialSchedule(float gamma, long decaySteps = 1)
    {
        ScheduleChecks.DecayFactor(gamma, nameof(gamma));
        if (decaySteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps, "The decay steps of an exponential schedule must be at least 1.");
        }
        Gamma = gamma;
        DecaySteps = decaySteps;
    }

    /// <summary>The decay per <see cref="DecaySteps"/> steps.</summary>
    public float Gamma { get; }

    /// <summary>Steps over which the factor drops by <see cref="Gamma"/>.</summary>
    public long DecaySteps { get; }

    /// <inheritdoc />
    protected internal override double FactorAt(long step) => Math.Pow(Gamma, (double)step / DecaySteps);

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"exponential ×{Gamma} per {DecaySteps} steps");
}
