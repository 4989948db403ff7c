namespace SymbolicGrad;

/// <summary>Plain stochastic gradient descent: W ← W − α∇.</summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates plain SGD.</summary>
    /// <param name="learningRate">The step size α; must be positive and finite.</param>
    public Sgd(float learningRate) : base(learningRate)
    {
    }

    /// <inheritdoc />
    protected override void Initialize(int parameterCount)
    {
    }

    /// <inheritdoc />
    protected override void ResetState()
    {
    }

    private protected override UpdateKind? FusableKind => UpdateKind.Sgd;

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long step) =>
        UpdateRules.Apply(UpdateKind.Sgd, parameters, Span<float>.Empty, gradients, learningRate, 0f);

    /// <inheritdoc />
    public override string ToString() => Invariant($"SGD(lr {LearningRate}") + DescribeOptions() + ")";
}
