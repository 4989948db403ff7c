namespace SymbolicGrad;

/// <summary>
/// Base class of the momentum optimizers (<see cref="Momentum"/>, <see cref="Nesterov"/>): the momentum β and one
/// velocity G per parameter, which checkpoints save and restore. Subclasses apply their own update rule.
/// </summary>
/// <remarks>
/// A velocity that becomes subnormal (0 &lt; |G| &lt; 2⁻¹²⁶, e.g. the row of a hidden unit that stays off, decaying as
/// βⁿ) is stored as zero of its sign: on Intel cores every operation on a subnormal costs a microcode assist, and .NET
/// cannot set the flush-to-zero flag. Unflushed, such a velocity never reaches zero (β·k·2⁻¹⁴⁹ rounds back to k·2⁻¹⁴⁹
/// for small k) and made a 784-128-10 step at batch 1 about 35× slower on an Intel Xeon. With a learning rate of at most 1 a subnormal
/// velocity moves no parameter of magnitude 2⁻¹⁰¹ or more, so results are unchanged in practice.
/// </remarks>
public abstract class VelocityOptimizer : Optimizer
{
    private float[] _velocity = [];

    /// <summary>Creates a momentum optimizer.</summary>
    /// <param name="learningRate">The step size α; must be positive and finite.</param>
    /// <param name="momentum">The momentum β in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    private protected VelocityOptimizer(float learningRate, float momentum) : base(learningRate)
    {
        Beta = OptimizerChecks.DecayRate(momentum, nameof(momentum), "The momentum");
    }

    /// <summary>The momentum β.</summary>
    public float Beta { get; }

    /// <summary>The velocity G, one entry per parameter (empty before the first step).</summary>
    public ReadOnlySpan<float> Velocity => _velocity;

    /// <summary>The velocity buffer the update rule reads and writes.</summary>
    private protected float[] VelocityBuffer => _velocity;

    private protected override float FusableBeta => Beta;

    private protected override float[] FusableVelocity => _velocity;

    /// <inheritdoc />
    protected override void Initialize(int parameterCount) => _velocity = AlignedBuffer.AllocateArray(parameterCount);

    /// <inheritdoc />
    protected override void ResetState() => _velocity = [];

    /// <inheritdoc />
    protected override IReadOnlyList<float[]> StateBuffers => [_velocity];

    /// <inheritdoc />
    public override string ToString() => Invariant($"{GetType().Name}(lr {LearningRate}, β {Beta}") + DescribeOptions() + ")";
}
