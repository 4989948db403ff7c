namespace SymbolicGrad;

/// <summary>
/// SGD with momentum in the heavy-ball form of the lectures: G ← βG + ∇, then W ← W − αG (G starts at zero).
/// </summary>
/// <remarks>A subnormal velocity is stored as zero (see <see cref="VelocityOptimizer"/>).</remarks>
public sealed class Momentum : VelocityOptimizer
{
    /// <summary>Creates momentum SGD.</summary>
    /// <param name="learningRate">The step size α; must be positive and finite.</param>
    /// <param name="momentum">The momentum β in [0, 1); 0.9 is the usual choice.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public Momentum(float learningRate, float momentum = 0.9f) : base(learningRate, momentum)
    {
    }

    private protected override UpdateKind? FusableKind => UpdateKind.Momentum;

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long step) =>
        UpdateRules.Apply(UpdateKind.Momentum, parameters, VelocityBuffer, gradients, learningRate, Beta);
}
