namespace SymbolicGrad;

/// <summary>Factor 1 at every step.</summary>
public sealed class ConstantSchedule : LearningRateSchedule
{
    internal static readonly ConstantSchedule Instance = new();

    /// <inheritdoc />
    protected internal override double FactorAt(long step) => 1.0;

    /// <inheritdoc />
    public override string ToString() => "constant";
}
