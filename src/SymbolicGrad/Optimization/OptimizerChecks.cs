namespace SymbolicGrad;

/// <summary>Argument checks shared by the optimizers and schedules, with messages that say what is allowed.</summary>
internal static class OptimizerChecks
{
    public static float Positive(float value, string name, string what)
    {
        if (!(value > 0f) || float.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{what} must be a positive finite number.");
        }
        return value;
    }

    public static float NonNegative(float value, string name, string what)
    {
        if (!(value >= 0f) || float.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{what} must be zero or a positive finite number.");
        }
        return value;
    }

    /// <summary>Decay rates (momentum, β₁, β₂, ρ) live in [0, 1).</summary>
    public static float DecayRate(float value, string name, string what)
    {
        if (!(value >= 0f && value < 1f))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{what} must be in [0, 1).");
        }
        return value;
    }
}
