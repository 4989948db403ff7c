namespace SymbolicGrad.Generator.Pipeline;

/// <summary>A method SymbolicGrad derives from a [Differentiable] method besides its gradient.</summary>
internal enum DerivedKind
{
    /// <summary><c>NameJvp</c>: the value and ∇f·t, one forward sweep.</summary>
    Jvp,
    /// <summary><c>NameHessian</c>: the value, the gradient and the full Hessian of a function of scalars.</summary>
    Hessian,
    /// <summary><c>NameHvp</c>: the value, the gradient and H·t.</summary>
    Hvp,
}

/// <summary>
/// A derived method's IR, as a <see cref="GradientModel"/> the planner schedules like any other (its method named as the
/// generated method, its outputs extra roots), and what its writer needs besides.
/// </summary>
/// <param name="Original">The user's method.</param>
/// <param name="Outputs">
/// Jvp: the tangent. Hessian: the n gradient entries, then the entries (i, j) for i ≤ j row by row. Hvp: (H·t)ᵢ for each
/// differentiable scalar parameter, in order (an array's H·t is added into its buffer by effects).
/// </param>
internal sealed record DerivedModel(DerivedKind Kind, MethodModel Original, GradientModel Model, EquatableArray<int> Outputs);

/// <summary>The derived methods of one [Differentiable] method, and the diagnostics of deriving them.</summary>
internal sealed record DerivedTransformResult(EquatableArray<DerivedModel> Models, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public static readonly DerivedTransformResult None = new(EquatableArray<DerivedModel>.Empty, EquatableArray<DiagnosticInfo>.Empty);
}
