namespace SymbolicGrad;

/// <summary>Factor γ^⌊t / stepSize⌋: drops by γ every <see cref="StepSize"/> steps.</summary>
public sealed class StepDecaySchedule : LearningRateSchedule
{
    /// <summary>Creates a step decay.</summary>
    /// <param name="stepSize">Steps between decays; at least 1.</param>
    /// <param name="gamma">The decay per drop, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public StepDecaySchedule(long stepSize, float gamma)
    {
        if (stepSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "The step size of a step-decay schedule must be at least 1.");
        }
        ScheduleChecks.DecayFactor(gamma, nameof(gamma));
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Steps between decays.</summary>
    public long StepSize { get; }

    /// <summary>The decay per drop.</summary>
    public float Gamma { get; }

    /// <inheritdoc />
    protected internal override double FactorAt(long step) => Math.Pow(Gamma, step / StepSize);

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"step decay ×{Gamma} every {StepSize} steps");
}
