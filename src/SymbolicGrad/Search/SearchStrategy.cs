namespace SymbolicGrad;

/// <summary>How a <see cref="HyperparameterSearch"/> picks and trains its trials.</summary>
public enum SearchStrategy
{
    /// <summary>Every point of the grid (or a random subset of them), each trained to the full budget.</summary>
    Grid,

    /// <summary>Points drawn at random from the ranges, each trained to the full budget.</summary>
    Random,

    /// <summary>Many random points trained briefly; the best share continues with more epochs, rung after rung.</summary>
    SuccessiveHalving,
}
