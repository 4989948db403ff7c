namespace SymbolicGrad.Generator;

/// <summary>Names of the tracked pipeline steps, so incrementality tests can assert each one is cached.</summary>
public static class TrackingNames
{
    /// <summary>Semantic model → IR (one result per [Differentiable] method).</summary>
    public const string Parse = nameof(Parse);

    /// <summary>IR → forward and adjoint DAG.</summary>
    public const string Differentiate = nameof(Differentiate);

    /// <summary>DAG → generated C# text.</summary>
    public const string Emit = nameof(Emit);
}
