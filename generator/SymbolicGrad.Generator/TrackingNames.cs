namespace SymbolicGrad.Generator;

/// <summary>Names of the tracked pipeline steps, so incrementality tests can assert each one is cached.</summary>
public static class TrackingNames
{
    /// <summary>Semantic model → IR (one result per [Differentiable] method).</summary>
    public const string Lower = nameof(Lower);

    /// <summary>IR → forward and adjoint IR.</summary>
    public const string Transform = nameof(Transform);

    /// <summary>Adjoint IR → program plan (names, statements, storage).</summary>
    public const string Plan = nameof(Plan);

    /// <summary>Program plan → generated C# text.</summary>
    public const string Write = nameof(Write);

    /// <summary>Adjoint IR → the IR of the derived methods (Jvp, Hessian, Hvp).</summary>
    public const string Derive = nameof(Derive);

    /// <summary>The derived methods' IR → their program plans.</summary>
    public const string PlanDerived = nameof(PlanDerived);

    /// <summary>The derived methods' plans → generated C# text.</summary>
    public const string WriteDerived = nameof(WriteDerived);

    /// <summary>One file's diagnostics with its tree, to report there (only files that have diagnostics).</summary>
    public const string LocateDiagnostics = nameof(LocateDiagnostics);
}
