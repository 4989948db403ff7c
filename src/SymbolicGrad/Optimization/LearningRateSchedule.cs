namespace SymbolicGrad;

/// <summary>
/// Maps the 0-based step number t (the number of optimizer steps already taken) to a factor that multiplies the
/// optimizer's base learning rate. Schedules are immutable and allocation-free to evaluate.
/// </summary>
/// <remarks>Steps are optimizer steps (minibatches), not epochs: for a per-epoch schedule multiply by the batches per epoch.</remarks>
public abstract class LearningRateSchedule
{
    /// <summary>The factor for step <paramref name="step"/> (0-based).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public float Factor(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return (float)FactorAt(step);
    }

    /// <summary>Computes the factor for a non-negative step, in double precision.</summary>
    protected internal abstract double FactorAt(long step);

    /// <summary>Factor 1 at every step.</summary>
    public static LearningRateSchedule Constant() => ConstantSchedule.Instance;

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> steps: γ^⌊t / stepSize⌋.</summary>
    /// <param name="stepSize">Steps between decays; at least 1.</param>
    /// <param name="gamma">The decay per drop, in (0, 1].</param>
    public static LearningRateSchedule StepDecay(long stepSize, float gamma) => new StepDecaySchedule(stepSize, gamma);

    /// <summary>Smooth exponential decay γ^(t / decaySteps): the rate is multiplied by γ every <paramref name="decaySteps"/> steps.</summary>
    /// <param name="gamma">The decay per <paramref name="decaySteps"/>, in (0, 1].</param>
    /// <param name="decaySteps">Steps over which the factor drops by γ; at least 1.</param>
    public static LearningRateSchedule Exponential(float gamma, long decaySteps = 1) => new ExponentialSchedule(gamma, decaySteps);

    /// <summary>
    /// Cosine annealing from 1 down to <paramref name="minFactor"/> over <paramref name="totalSteps"/> steps:
    /// m + (1 − m)(1 + cos(πt/T))/2, and m after T.
    /// </summary>
    /// <param name="totalSteps">The length T of the decay; at least 1.</param>
    /// <param name="minFactor">The final factor m, in [0, 1].</param>
    public static LearningRateSchedule Cosine(long totalSteps, float minFactor = 0f) => new CosineSchedule(totalSteps, minFactor);

    /// <summary>Linear warm-up to the base rate over <paramref name="warmupSteps"/> steps, then constant.</summary>
    /// <param name="warmupSteps">Length W of the warm-up; at least 1.</param>
    public static LearningRateSchedule LinearWarmup(long warmupSteps) => new WarmupSchedule(warmupSteps, ConstantSchedule.Instance);

    /// <summary>
    /// Puts a linear warm-up of <paramref name="warmupSteps"/> steps in front of this schedule: for t &lt; W the
    /// factor is this schedule's first factor times (t + 1)/W; afterwards this schedule runs from its own step 0.
    /// </summary>
    /// <param name="warmupSteps">Length W of the warm-up; at least 1.</param>
    public LearningRateSchedule WithWarmup(long warmupSteps) => new WarmupSchedule(warmupSteps, this);
}
