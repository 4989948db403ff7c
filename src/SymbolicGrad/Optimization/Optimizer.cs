using System.Globalization;

namespace SymbolicGrad;

/// <summary>
/// Base class of the built-in optimizers: validates the step, applies the learning-rate schedule,
/// gradient clipping by global norm and the L2/L1 penalties, then lets the subclass apply its update rule.
/// </summary>
/// <remarks>
/// <para>The order within a step is: (1) if <see cref="MaxGradientNorm"/> is set and the global L2 norm of the
/// raw gradient exceeds it, the gradient is scaled down to that norm; (2) the penalty gradients
/// <c>WeightDecay·w + L1·sign(w)</c> are added; (3) the update rule runs with the scheduled learning rate.</para>
/// <para>State buffers are allocated once, at the first step, sized to that step's parameter count; every later
/// step allocates nothing. One optimizer serves one parameter buffer.</para>
/// </remarks>
public abstract class Optimizer : IOptimizer
{
    float[]? _effectiveGradients;
    int _parameterCount = -1;
    // The parameters whose state this is, and their model: set by the first Trainer step, cleared by Reset and by a
    // checkpoint restore. Another model's Trainer stepping with it would mix two models' state silently.
    ParameterStore? _store;
    object? _storeModel;
    readonly float _weightDecay;
    readonly float _l1;
    readonly float _maxGradientNorm = float.PositiveInfinity;
    LearningRateSchedule _schedule = LearningRateSchedule.Constant();

    /// <summary>Creates an optimizer with the given base learning rate.</summary>
    /// <param name="learningRate">The base step size α; must be positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not positive and finite.</exception>
    protected Optimizer(float learningRate)
    {
        OptimizerChecks.Positive(learningRate, nameof(learningRate), "The learning rate");
        LearningRate = learningRate;
    }

    /// <summary>The base learning rate α; the rate actually used is α times <see cref="Schedule"/>'s factor.</summary>
    public float LearningRate { get; }

    /// <summary>How the learning rate changes with the step number. Defaults to constant.</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public LearningRateSchedule Schedule
    {
        get => _schedule;
        init => _schedule = value ?? throw new ArgumentNullException(nameof(Schedule), "The learning-rate schedule must not be null; use LearningRateSchedule.Constant() for none.");
    }

    /// <summary>
    /// L2 penalty strength λ₂ (coupled weight decay): adds λ₂·w to the gradient, the gradient of (λ₂/2)‖w‖².
    /// Zero (the default) turns it off. For Adam's decoupled decay use <see cref="AdamW"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not finite.</exception>
    public float WeightDecay
    {
        get => _weightDecay;
        init => _weightDecay = OptimizerChecks.NonNegative(value, nameof(WeightDecay), "The L2 weight decay");
    }

    /// <summary>L1 penalty strength λ₁: adds λ₁·sign(w) to the gradient (sign(0) = 0). Zero (the default) turns it off.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not finite.</exception>
    public float L1
    {
        get => _l1;
        init => _l1 = OptimizerChecks.NonNegative(value, nameof(L1), "The L1 penalty");
    }

    /// <summary>
    /// Largest allowed global L2 norm of the gradient; a larger gradient is scaled down to this norm before the
    /// penalties are added. <see cref="float.PositiveInfinity"/> (the default) turns clipping off.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive, or NaN.</exception>
    public float MaxGradientNorm
    {
        get => _maxGradientNorm;
        init
        {
            if (!(value > 0f))
            {
                throw new ArgumentOutOfRangeException(nameof(MaxGradientNorm), value,
                    "The maximum gradient norm must be positive (use float.PositiveInfinity to turn clipping off).");
            }
            _maxGradientNorm = value;
        }
    }

    /// <summary>Global L2 norm of the raw gradient at the last step; computed only when clipping is on, otherwise NaN.</summary>
    public float LastGradientNorm { get; private set; } = float.NaN;

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <inheritdoc />
    public float CurrentLearningRate => LearningRate * _schedule.Factor(StepCount);

    /// <summary>Parameter count fixed by the first step, or -1 before it.</summary>
    public int ParameterCount => _parameterCount;

    /// <inheritdoc />
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException(
                $"The parameters span has {parameters.Length} elements but the gradients span has {gradients.Length}; they must have the same length.",
                nameof(gradients));
        }
        if (_parameterCount < 0)
        {
            Initialize(parameters.Length);
            if (NeedsPreprocessing)
            {
                _effectiveGradients = AlignedBuffer.AllocateArray(parameters.Length);
            }
            _parameterCount = parameters.Length;
        }
        else if (parameters.Length != _parameterCount)
        {
            throw new ArgumentException(
                $"This optimizer was first used with {_parameterCount} parameters but is now given {parameters.Length}; use one optimizer per parameter buffer, or call Reset() first.",
                nameof(parameters));
        }

        float learningRate = CurrentLearningRate;
        ReadOnlySpan<float> effective = gradients;
        if (_effectiveGradients is not null)
        {
            float scale = 1f;
            if (!float.IsPositiveInfinity(_maxGradientNorm))
            {
                float norm = OptimizerKernels.Norm(gradients);
                LastGradientNorm = norm;
                if (norm > _maxGradientNorm)
                {
                    scale = _maxGradientNorm / norm;
                }
            }
            OptimizerKernels.ScaleAndPenalize(gradients, parameters, scale, _weightDecay, _l1, _effectiveGradients);
            effective = _effectiveGradients;
        }

        Update(parameters, effective, learningRate, StepCount + 1);
        StepCount++;
    }

    /// <summary>
    /// The rule a step may apply inside the backward pass instead of <see cref="Step"/> (a fused update), or null
    /// when this optimizer's step needs the whole gradient first: clipping, penalties, or a rule other than SGD,
    /// momentum and Nesterov.
    /// </summary>
    private protected virtual UpdateKind? FusableKind => null;

    /// <summary>The momentum β of a fusable rule (0 for SGD).</summary>
    private protected virtual float FusableBeta => 0f;

    /// <summary>The velocity of a fusable momentum rule; empty for SGD.</summary>
    private protected virtual float[] FusableVelocity => [];

    /// <summary>True when the next step can be applied inside the backward pass (see <see cref="BeginFusedStep"/>).</summary>
    internal bool CanFuse => FusableKind is not null && !NeedsPreprocessing;

    /// <summary>
    /// Starts a step that the backward pass applies as it computes the gradient: checks the parameter count and sets
    /// up the state as <see cref="Step"/> would, and returns the rule with this step's learning rate. The caller
    /// applies it with exactly <see cref="Step"/>'s arithmetic, then calls <see cref="EndFusedStep"/>.
    /// </summary>
    internal FusedUpdate BeginFusedStep(int parameterCount)
    {
        if (!CanFuse)
        {
            throw new InvalidOperationException($"{this} cannot apply its step inside the backward pass.");
        }

        if (_parameterCount < 0)
        {
            Initialize(parameterCount);
            _parameterCount = parameterCount;
        }
        else if (parameterCount != _parameterCount)
        {
            throw new ArgumentException(
                $"This optimizer was first used with {_parameterCount} parameters but is now given {parameterCount}; use one optimizer per parameter buffer, or call Reset() first.",
                nameof(parameterCount));
        }

        return new FusedUpdate(FusableKind!.Value, CurrentLearningRate, FusableBeta, FusableVelocity);
    }

    /// <summary>
    /// Makes <paramref name="store"/> the parameters this optimizer's state belongs to, at a <see cref="Trainer"/>
    /// step of <paramref name="model"/>; refuses the step when the state is another store's.
    /// </summary>
    /// <exception cref="InvalidOperationException">The optimizer already holds the state of another model's parameters.</exception>
    internal void Claim(ParameterStore store, object model)
    {
        var owner = Volatile.Read(ref _store);
        if (owner is null)
        {
            owner = Interlocked.CompareExchange(ref _store, store, null) ?? store;
            if (ReferenceEquals(owner, store))
            {
                _storeModel = model;
            }
        }

        if (!ReferenceEquals(owner, store))
        {
            string other = _storeModel?.GetType().Name ?? "another model";
            throw new InvalidOperationException(
                $"Trainer.Step: the optimizer {this} already holds the state of another model's parameters ({other}); stepping {model.GetType().Name} with it would mix the two models' state (velocities, moments, step count) silently. Give each model's Trainer an optimizer of its own, or call Reset() on this one to start it afresh for {model.GetType().Name}. Nothing was changed.");
        }
    }

    /// <summary>Counts the step started by <see cref="BeginFusedStep"/> once it has been applied.</summary>
    internal void EndFusedStep() => StepCount++;

    /// <inheritdoc />
    public void Reset()
    {
        Volatile.Write(ref _store, null);
        StepCount = 0;
        _parameterCount = -1;
        _effectiveGradients = null;
        LastGradientNorm = float.NaN;
        ResetState();
    }

    /// <summary>
    /// The per-parameter state buffers (velocities, moment estimates) allocated by <see cref="Initialize"/>, in a fixed
    /// order, each as long as the parameters; empty for stateless optimizers. Read only after the first step (or a
    /// restore). Checkpoints save and restore them, so an optimizer with state overrides this to resume exactly.
    /// </summary>
    protected virtual IReadOnlyList<float[]> StateBuffers => [];

    /// <summary>The state buffers, for <see cref="Checkpoint"/>.</summary>
    internal IReadOnlyList<float[]> CheckpointState => StateBuffers;

    /// <summary>The clipped and penalized gradient of the last step (null without clipping or penalties), for placement tests.</summary>
    internal float[]? EffectiveGradients => _effectiveGradients;

    /// <summary>
    /// Makes the optimizer ready to receive saved state for <paramref name="parameterCount"/> parameters (allocating
    /// its state as a first step would) and sets the step count; used by <see cref="Checkpoint"/>.
    /// </summary>
    internal void PrepareForRestore(int parameterCount, long stepCount)
    {
        Volatile.Write(ref _store, null); // the restored state is the state of whichever model steps next

        if (_parameterCount != parameterCount)
        {
            Reset();
            Initialize(parameterCount);
            if (NeedsPreprocessing)
            {
                _effectiveGradients = AlignedBuffer.AllocateArray(parameterCount);
            }
            _parameterCount = parameterCount;
        }
        StepCount = stepCount;
    }

    /// <summary>Allocates the optimizer's state for <paramref name="parameterCount"/> parameters (called once, at the first step).</summary>
    protected abstract void Initialize(int parameterCount);

    /// <summary>Drops the state allocated by <see cref="Initialize"/>.</summary>
    protected abstract void ResetState();

    /// <summary>Applies the update rule in place.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="gradients">The gradient after clipping and penalties.</param>
    /// <param name="learningRate">The scheduled learning rate for this step.</param>
    /// <param name="step">1-based number of this step (Adam's bias correction uses it).</param>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long step);

    /// <summary>Describes the shared options, for <see cref="object.ToString"/> overrides.</summary>
    protected string DescribeOptions()
    {
        var parts = new List<string>();
        if (_weightDecay != 0f) parts.Add(Invariant($"L2 {_weightDecay}"));
        if (_l1 != 0f) parts.Add(Invariant($"L1 {_l1}"));
        if (!float.IsPositiveInfinity(_maxGradientNorm)) parts.Add(Invariant($"clip {_maxGradientNorm}"));
        if (_schedule is not ConstantSchedule) parts.Add(_schedule.ToString() ?? "");
        return parts.Count == 0 ? "" : ", " + string.Join(", ", parts);
    }

    /// <summary>Formats with the invariant culture.</summary>
    protected static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    bool NeedsPreprocessing => _weightDecay != 0f || _l1 != 0f || !float.IsPositiveInfinity(_maxGradientNorm);
}
