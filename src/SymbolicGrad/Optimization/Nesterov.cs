namespace SymbolicGrad;

/// <summary>
/// Nesterov accelerated gradient, in the form that keeps the stored parameters at the look-ahead point:
/// G ← βG + ∇, then W ← W − α(∇ + βG). It equals "jump along the old velocity, then correct with the
/// gradient measured there" from the lectures, written so the gradient is taken at the stored parameters.
/// </summary>
/// <remarks>A subnormal velocity is stored as zero (see <see cref="VelocityOptimizer"/>).</remarks>
public sealed class Nesterov : VelocityOptimizer
{
    /// <summary>Creates Nesterov momentum SGD.</summary>
    /// <param name="learningRate">The step size α; must be positive and finite.</param>
    /// <param name="momentum">The momentum β in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public Nesterov(float learningRate, float momentum = 0.9f) : base(learningRate, momentum)
    {
    }

    private protected override UpdateKind? FusableKind => UpdateKind.Nesterov;

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long step) =>
        UpdateRules.Apply(UpdateKind.Nesterov, parameters, VelocityBuffer, gradients, learningRate, Beta);
}
