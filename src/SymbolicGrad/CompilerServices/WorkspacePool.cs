namespace SymbolicGrad.CompilerServices;

/// <summary>
/// The workspaces a model's generated convenience methods use, one per call in flight: a call rents one and returns
/// it, so calls on several threads never share one. Lock-free; once every thread that calls has returned a
/// workspace, renting allocates nothing (up to <see cref="Capacity"/> calls in flight at once).
/// </summary>
/// <typeparam name="T">The generated workspace class.</typeparam>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed class WorkspacePool<T>
    where T : class, new()
{
    private readonly T?[] _slots = new T?[Math.Max(8, 2 * Environment.ProcessorCount)];

    /// <summary>How many workspaces the pool keeps; a call beyond that many in flight gets a new one, dropped after.</summary>
    public int Capacity => _slots.Length;

    /// <summary>A workspace no other call holds: a kept one, or a new one when every kept one is in use.</summary>
    /// <returns>The workspace, to give back with <see cref="Return"/>.</returns>
    public T Rent()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (Volatile.Read(ref _slots[i]) is not null && Interlocked.Exchange(ref _slots[i], null) is { } workspace)
            {
                return workspace;
            }
        }

        return new T();
    }

    /// <summary>Gives back a workspace from <see cref="Rent"/>, for the next call to reuse.</summary>
    /// <param name="workspace">The workspace; the caller must not use it afterwards.</param>
    public void Return(T workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        for (int i = 0; i < _slots.Length; i++)
        {
            if (Volatile.Read(ref _slots[i]) is null && Interlocked.CompareExchange(ref _slots[i], workspace, null) is null)
            {
                return;
            }
        }
    }
}
