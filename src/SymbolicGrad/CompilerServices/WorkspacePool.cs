namespace SymbolicGrad.CompilerServices;

/// <summary>
/// The workspaces a model's generated convenience methods use, one per call in flight: a call rents one and returns
/// it, so calls on several threads never share one. Lock-free. Once as many workspaces exist as calls are ever in
/// flight at once (up to <see cref="Capacity"/>), renting allocates nothing. The workspace returned last waits in a slot
/// of its own, so a model called from one thread at a time (a training loop) takes and returns it with one interlocked
/// operation each.
/// </summary>
/// <typeparam name="T">The generated workspace class.</typeparam>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed class WorkspacePool<T> : IDeferredReturn
    where T : class, new()
{
    private readonly T?[] _slots = new T?[Math.Max(8, 2 * Environment.ProcessorCount)];

    // The workspace returned last, outside the count below; the other kept ones are in the slots.
    private T? _recent;

    // Workspaces in the slots that no Rent has claimed yet. A Rent claims one before it looks for it, so it never
    // creates a workspace while one it could have is on its way back, and never misses one a scan went past.
    private int _unclaimed;

    /// <summary>How many workspaces the pool keeps; a call beyond that many in flight gets a new one, dropped after.</summary>
    public int Capacity => _slots.Length + 1;

    /// <summary>A workspace no other call holds: a kept one, or a new one when every kept one is in use.</summary>
    /// <returns>The workspace, to give back with <see cref="Return(T)"/>.</returns>
    public T Rent()
    {
        if (Interlocked.Exchange(ref _recent, null) is { } recent)
        {
            return recent;
        }

        if (Interlocked.Decrement(ref _unclaimed) < 0)
        {
            Interlocked.Increment(ref _unclaimed);
            return new T();
        }

        // One of the slots holds a workspace for this call; another claimer may take the one seen first, but then it
        // leaves the one claimed for it.
        while (true)
        {
            for (int i = 0; i < _slots.Length; i++)
            {
                if (Volatile.Read(ref _slots[i]) is not null && Interlocked.Exchange(ref _slots[i], null) is { } workspace)
                {
                    return workspace;
                }
            }
        }
    }

    /// <summary>
    /// Gives back a workspace from <see cref="Rent"/> after a gradient pass that added its terms into
    /// <paramref name="store"/>: during a fused training step on this thread those terms may still read its buffers, so
    /// it returns to the pool only when the step ends; otherwise at once.
    /// </summary>
    /// <param name="workspace">The workspace; the caller must not use it afterwards.</param>
    /// <param name="store">The store the pass added its gradient terms to.</param>
    public void Return(T workspace, ParameterStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.HoldsWorkspaces)
        {
            ArgumentNullException.ThrowIfNull(workspace);
            store.Defer(this, workspace);
            return;
        }

        Return(workspace);
    }

    /// <inheritdoc/>
    void IDeferredReturn.ReturnDeferred(object workspace) => Return((T)workspace);

    /// <summary>Gives back a workspace from <see cref="Rent"/>, for the next call to reuse.</summary>
    /// <param name="workspace">The workspace; the caller must not use it afterwards.</param>
    public void Return(T workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (Interlocked.CompareExchange(ref _recent, workspace, null) is null)
        {
            return;
        }

        for (int i = 0; i < _slots.Length; i++)
        {
            if (Volatile.Read(ref _slots[i]) is null && Interlocked.CompareExchange(ref _slots[i], workspace, null) is null)
            {
                Interlocked.Increment(ref _unclaimed);
                return;
            }
        }
    }
}

/// <summary>A pool a workspace goes back to when the fused training step that held it ends.</summary>
internal interface IDeferredReturn
{
    /// <summary>Gives back a workspace the step held.</summary>
    void ReturnDeferred(object workspace);
}
