namespace SymbolicGrad;

public sealed partial class ParameterStore
{
    private FusedStep? _fusedStep;
    private bool _fusing;

    /// <summary>The parameters in allocation order (increasing offsets), without naming them.</summary>
    internal List<ParameterInfo> Entries => _layout;

    /// <summary>
    /// Adds <c>α·Σ_r u[r]·v[r]ᵀ</c> to the gradient of <paramref name="parameter"/>: the weight gradient of a layer
    /// <c>y = W·x</c> over a batch, with <paramref name="u"/> = ∂L/∂y and <paramref name="v"/> = x, one sample per row.
    /// </summary>
    /// <remarks>
    /// Generated backward passes add every gradient term through this method, <see cref="AddColumnSums"/> and
    /// <see cref="GradientToAdd(Vec)"/>. By default the term is added into <see cref="Gradients"/> at once. During a
    /// <see cref="Trainer"/> step with a fused update (<see cref="TrainerOptions.FusedUpdate"/>) it may instead be kept
    /// and applied as the optimizer's update inside the product, after the backward pass: then
    /// <paramref name="u"/> and <paramref name="v"/> must keep their values until the pass returns.
    /// </remarks>
    /// <param name="parameter">A matrix parameter of this store.</param>
    /// <param name="u">batch × parameter.Rows.</param>
    /// <param name="v">batch × parameter.Cols.</param>
    /// <param name="alpha">Scale factor α.</param>
    /// <exception cref="ArgumentException">The parameter is not this store's, or the shapes do not fit.</exception>
    public void AddOuterProducts(Mat parameter, Mat u, Mat v, float alpha = 1f)
    {
        if (!Contains(parameter))
        {
            ThrowNotOwned("AddOuterProducts", parameter.StorageObject, parameter.Offset, parameter.ToString());
        }

        if (u.Cols != parameter.Rows || v.Cols != parameter.Cols || u.Rows != v.Rows)
        {
            throw new ArgumentException(
                $"AddOuterProducts: the parameter is {parameter}, so u must be Mat[batch×{parameter.Rows}] and v Mat[batch×{parameter.Cols}] with the same batch; u is {u} and v is {v}.");
        }

        if (_fusing)
        {
            _fusedStep!.AddOuterProducts(parameter, u, v, alpha);
            return;
        }

        AddOuterProductsTo(GradientOf(parameter).Span, parameter.Rows, parameter.Cols, u, v, alpha);
    }

    /// <summary>
    /// Adds <c>α·Σ_r m[r]</c> (the column sums of <paramref name="m"/>) to the gradient of <paramref name="parameter"/>:
    /// the bias gradient of a layer over a batch, with <paramref name="m"/> = ∂L/∂y, one sample per row.
    /// </summary>
    /// <param name="parameter">A vector parameter of this store.</param>
    /// <param name="m">batch × parameter.Length.</param>
    /// <param name="alpha">Scale factor α.</param>
    /// <exception cref="ArgumentException">The parameter is not this store's, or the shapes do not fit.</exception>
    public void AddColumnSums(Vec parameter, Mat m, float alpha = 1f)
    {
        if (!Contains(parameter))
        {
            ThrowNotOwned("AddColumnSums", parameter.StorageObject, parameter.Offset, parameter.ToString());
        }

        if (m.Cols != parameter.Length)
        {
            throw new ArgumentException($"AddColumnSums: the parameter is {parameter}, so m must be Mat[batch×{parameter.Length}]; it is {m}.", nameof(m));
        }

        Kernels.ColumnSumsAdd(m.Span, m.Rows, m.Cols, GradientToAdd(parameter), alpha);
    }

    /// <summary>
    /// The gradient of <paramref name="parameter"/>, to add a term into (element by element). Outside a fused training
    /// step this is <c>GradientOf(parameter).Span</c>; during one, it is zeroed on first use and the optimizer's rule
    /// is applied to it after the backward pass.
    /// </summary>
    /// <param name="parameter">A vector parameter of this store (or a slice of one).</param>
    /// <exception cref="ArgumentException">The parameter is not this store's.</exception>
    public Span<float> GradientToAdd(Vec parameter)
    {
        var gradient = GradientOf(parameter);
        if (_fusing)
        {
            _fusedStep!.Materialize(parameter.Offset, parameter.Length);
        }

        return gradient.Span;
    }

    /// <summary>The gradient of a matrix parameter, to add a term into; see <see cref="GradientToAdd(Vec)"/>.</summary>
    /// <param name="parameter">A matrix parameter of this store (or a slice of one).</param>
    /// <exception cref="ArgumentException">The parameter is not this store's.</exception>
    public Span<float> GradientToAdd(Mat parameter)
    {
        var gradient = GradientOf(parameter);
        if (_fusing)
        {
            _fusedStep!.Materialize(parameter.Offset, parameter.Length);
        }

        return gradient.Span;
    }

    /// <summary>Starts a fused step: gradient terms are collected for <paramref name="update"/> until <see cref="EndFusedStep"/>.</summary>
    internal void BeginFusedStep(FusedUpdate update)
    {
        _fusedStep ??= new FusedStep(this);
        _fusedStep.Begin(update);
        _fusing = true;
    }

    /// <summary>See <see cref="FusedStep.Check"/>.</summary>
    internal int CheckFusedStep() => _fusedStep!.Check();

    /// <summary>See <see cref="FusedStep.Apply"/>.</summary>
    internal void ApplyFusedStep() => _fusedStep!.Apply();

    /// <summary>Back to adding terms into <see cref="Gradients"/>; forgets what the step kept.</summary>
    internal void EndFusedStep()
    {
        _fusing = false;
        _fusedStep?.End();
    }

    /// <summary>gradient += α·Σ_r u[r]·v[r]ᵀ: the outer product at batch 1, the Aᵀ·B product above.</summary>
    internal static void AddOuterProductsTo(Span<float> gradient, int rows, int cols, Mat u, Mat v, float alpha)
    {
        if (u.Rows == 1)
        {
            Kernels.OuterAdd(gradient, rows, cols, alpha, u.Span, v.Span);
        }
        else
        {
            Kernels.MatMulAddAtB(u.Span, v.Span, gradient, rows, cols, u.Rows, alpha);
        }
    }
}
