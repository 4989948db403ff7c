namespace SymbolicGrad;

public sealed partial class ParameterStore
{
    private FusedStep? _fusedStep;
    private bool _fusing;

    // The managed thread id of the thread in a training step on this store (0: none). Gradient terms added from any
    // other thread meanwhile would be mixed into that step's update (or zeroed by it): they are refused instead.
    private int _stepThread;

    // Workspaces a fused step's pending terms may still read, and their pools: given back when the step ends (a
    // workspace given back to its pool at once could be rented and overwritten by another thread before the update).
    private IDeferredReturn?[] _deferredPools = new IDeferredReturn?[2];
    private object?[] _deferredWorkspaces = new object?[2];
    private int _deferredCount;

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

        CheckNoOtherThreadsStep("AddOuterProducts");
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

        CheckNoOtherThreadsStep("AddColumnSums");
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
        CheckNoOtherThreadsStep("GradientToAdd");
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
        CheckNoOtherThreadsStep("GradientToAdd");
        var gradient = GradientOf(parameter);
        if (_fusing)
        {
            _fusedStep!.Materialize(parameter.Offset, parameter.Length);
        }

        return gradient.Span;
    }

    /// <summary>
    /// Marks the calling thread as the one in a training step (or an evaluation, a gradient check, a checkpoint) on this
    /// store, under <see cref="GradientLock"/> so that no gradient term of another thread is half added when the step
    /// starts; until <see cref="EndStep"/>, gradient terms, mode switches and other steps from other threads are refused.
    /// </summary>
    /// <param name="caller">Who steps, for the message.</param>
    /// <exception cref="InvalidOperationException">Another thread is in a step on this store.</exception>
    internal void BeginStep(string caller)
    {
        lock (GradientLock)
        {
            int owner = _stepThread;
            if (owner != 0)
            {
                throw new InvalidOperationException(
                    $"{caller}: the model's parameters are already in a training step or an evaluation on another thread (managed thread {owner}); a model trains, evaluates, is checked and is saved or loaded by one thread at a time, so call the Trainers, Evaluate, GradientCheck and Checkpoint of one model from one thread at a time. Nothing was changed.");
            }

            Volatile.Write(ref _stepThread, Environment.CurrentManagedThreadId);
        }
    }

    /// <summary>
    /// <see cref="BeginStep"/> unless the calling thread is already in a step of this store (an evaluation inside
    /// <c>Fit</c>, a checkpoint written between its steps); true when this call began one, so it must call
    /// <see cref="EndStep"/>.
    /// </summary>
    /// <param name="caller">Who steps, for the message.</param>
    /// <exception cref="InvalidOperationException">Another thread is in a step on this store.</exception>
    internal bool BeginStepUnlessHeld(string caller)
    {
        if (Volatile.Read(ref _stepThread) == Environment.CurrentManagedThreadId)
        {
            return false;
        }

        BeginStep(caller);
        return true;
    }

    /// <summary>
    /// The model's mode (<see cref="Model.Training"/>). Switching it is refused while another thread is in a step: its
    /// dropout and batch norm would change mode halfway through the batch, and an evaluation that saved the mode to
    /// restore it would restore the wrong one.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set while another thread is in a step of this store.</exception>
    internal bool Training
    {
        get => Volatile.Read(ref _training);
        set
        {
            lock (GradientLock)
            {
                int owner = _stepThread;
                if (owner != 0 && owner != Environment.CurrentManagedThreadId)
                {
                    throw new InvalidOperationException(
                        $"Model.Training: the model is in a training step or an evaluation on another thread (managed thread {owner}); switching its mode now would change dropout and batch norm halfway through that thread's batch. Switch the mode before or after, from the thread that trains. The mode was not changed.");
                }

                _training = value;
            }
        }
    }

    /// <summary>Ends the calling thread's training step (see <see cref="BeginStep"/>).</summary>
    internal void EndStep() => Volatile.Write(ref _stepThread, 0);

    /// <summary>
    /// Throws when a training step is running (on any thread): a parameter allocated or a buffer reallocated now would
    /// move the values and gradients under the step, whose kernels write through spans taken before. Called under
    /// <see cref="GradientLock"/>, so no step can begin before the change is done.
    /// </summary>
    private void CheckNoStep(string where)
    {
        int owner = Volatile.Read(ref _stepThread);
        if (owner != 0)
        {
            throw new InvalidOperationException(
                $"{where}: the model's parameters are in a training step (managed thread {owner}); adding parameters or trimming the buffers now would move them under the step's update. Build the model before training, or change it between steps. Nothing was changed.");
        }
    }

    /// <summary>Throws when another thread is in a training step: a gradient term added now would corrupt its update.</summary>
    private void CheckNoOtherThreadsStep(string method)
    {
        int owner = Volatile.Read(ref _stepThread);
        if (owner != 0 && owner != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException(
                $"ParameterStore.{method}: a training step is running on another thread (managed thread {owner}), and a gradient added now would be mixed into its update; compute gradients before or after the step (or on another model).");
        }
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

    /// <summary>Back to adding terms into <see cref="Gradients"/>; forgets what the step kept and gives back the workspaces it held.</summary>
    internal void EndFusedStep()
    {
        _fusing = false;
        _fusedStep?.End();
        for (int i = 0; i < _deferredCount; i++)
        {
            var pool = _deferredPools[i]!;
            object workspace = _deferredWorkspaces[i]!;
            _deferredPools[i] = null;
            _deferredWorkspaces[i] = null;
            pool.ReturnDeferred(workspace);
        }

        _deferredCount = 0;
    }

    /// <summary>Whether the calling thread is in a fused step, whose pending terms may read a workspace's buffers until it ends.</summary>
    internal bool HoldsWorkspaces => _fusing && Volatile.Read(ref _stepThread) == Environment.CurrentManagedThreadId;

    /// <summary>Keeps <paramref name="workspace"/> out of <paramref name="pool"/> until the fused step ends.</summary>
    internal void Defer(IDeferredReturn pool, object workspace)
    {
        if (_deferredCount == _deferredPools.Length)
        {
            Array.Resize(ref _deferredPools, 2 * _deferredCount);
            Array.Resize(ref _deferredWorkspaces, 2 * _deferredCount);
        }

        _deferredPools[_deferredCount] = pool;
        _deferredWorkspaces[_deferredCount++] = workspace;
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
