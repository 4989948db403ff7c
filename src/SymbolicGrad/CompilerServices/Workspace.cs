namespace SymbolicGrad.CompilerServices;

/// <summary>Buffers of generated code: grown to the largest size asked for, then reused, so steady-state calls allocate nothing.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class Workspace
{
    /// <summary>
    /// Returns <paramref name="buffer"/> when it holds at least <paramref name="length"/> elements, else a new array of
    /// that length (a float array starts on a 64-byte line, like the parameters the passes read with it).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="buffer">The current buffer.</param>
    /// <param name="length">The number of elements needed.</param>
    /// <returns>A buffer of at least <paramref name="length"/> elements; its contents are unspecified.</returns>
    public static T[] Grow<T>(T[] buffer, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (buffer.Length >= length)
        {
            return buffer;
        }

        return typeof(T) == typeof(float) ? (T[])(object)AlignedBuffer.AllocateArray(length) : new T[length];
    }

    /// <summary>
    /// Claims a workspace for one pass on the calling thread: two passes on one workspace at once (two threads sharing
    /// it) would write each other's buffers, so the second is refused before it does any work. A claim the calling
    /// thread left behind (a pass of its own that threw) is taken over.
    /// </summary>
    /// <param name="inUse">The workspace's claim: the managed thread id of the pass using it, 0 when none.</param>
    /// <param name="workspace">The workspace's type name, for the message.</param>
    /// <param name="method">The [Differentiable] method, for the message.</param>
    /// <exception cref="InvalidOperationException">A pass on another thread is using the workspace.</exception>
    public static void Enter(ref int inUse, string workspace, string method)
    {
        int self = Environment.CurrentManagedThreadId;
        int other = Interlocked.CompareExchange(ref inUse, self, 0);
        if (other == 0 || other == self) return;
        throw new InvalidOperationException(
            $"{workspace}: this workspace is in use by a pass on another thread (managed thread {other}); a workspace serves one thread at a time: give each thread its own (new {workspace}()), or call {method}GradientBatch or {method}Batch, which take one of their own from the model's pool (nothing was computed).");
    }

    /// <summary>
    /// Releases the calling thread's claim of <see cref="Enter"/> at the end of the pass; a claim another thread holds
    /// is left alone. A refused backward pass releases twice (<see cref="CheckForward"/>, then its <c>finally</c>), and
    /// between the two another thread may claim the workspace: clearing that claim let a third pass run beside it on the
    /// same buffers (a shared-workspace test once saw one call's gradient added twice).
    /// </summary>
    /// <param name="inUse">The workspace's claim.</param>
    public static void Exit(ref int inUse) => Interlocked.CompareExchange(ref inUse, 0, Environment.CurrentManagedThreadId);

    /// <summary>
    /// Throws, releasing the backward pass's claim, unless a workspace's last forward pass was of a batch of
    /// <paramref name="rows"/> rows and ran on the calling thread: a backward pass reads the values its forward pass
    /// kept, so without that pass, or after another thread's, it would read stale, missing or another call's buffers.
    /// </summary>
    /// <param name="inUse">The workspace's claim, released when this throws.</param>
    /// <param name="forwardRows">The rows of the workspace's last forward pass; −1 if it has had none.</param>
    /// <param name="forwardThread">The managed thread id of the thread that ran that forward pass.</param>
    /// <param name="rows">The rows of the batch given to the backward pass.</param>
    /// <param name="workspace">The workspace's type name, for the message.</param>
    /// <param name="method">The [Differentiable] method, for the message.</param>
    /// <exception cref="InvalidOperationException">The workspace holds no forward pass of a batch of that many rows from this thread.</exception>
    public static void CheckForward(ref int inUse, int forwardRows, int forwardThread, int rows, string workspace, string method)
    {
        if (forwardRows == rows && forwardThread == Environment.CurrentManagedThreadId) return;
        Exit(ref inUse);
        throw new InvalidOperationException(forwardRows < 0
            ? $"{method}BackwardBatch: the {workspace} has had no forward pass; call {method}ForwardBatch with the same arguments first (nothing was computed)."
            : forwardRows != rows
            ? $"{method}BackwardBatch: the {workspace}'s last forward pass was of {forwardRows} rows, not the {rows} given; call {method}ForwardBatch with the same arguments first (nothing was computed)."
            : $"{method}BackwardBatch: the {workspace}'s last forward pass ran on another thread (managed thread {forwardThread}), so its values may be another call's; a workspace serves one thread at a time: run {method}ForwardBatch and {method}BackwardBatch on one thread, with a workspace of that thread's own (nothing was computed).");
    }

    /// <summary>
    /// Returns <paramref name="items"/> when it holds at least <paramref name="count"/> items, else a longer array with
    /// the same items first and new ones after: one workspace per layer of a loop over layers.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The current items.</param>
    /// <param name="count">The number of items needed.</param>
    /// <returns>At least <paramref name="count"/> items, none null.</returns>
    public static T[] Fill<T>(T[] items, int count)
        where T : class, new()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (items.Length >= count)
        {
            return items;
        }

        var longer = new T[count];
        items.CopyTo(longer, 0);
        for (int k = items.Length; k < count; k++)
        {
            longer[k] = new T();
        }

        return longer;
    }

    /// <summary>A tape array with room for more iterations: twice as long (at least 16), holding <paramref name="buffer"/>'s values.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="buffer">The full tape array.</param>
    /// <returns>The longer array.</returns>
    public static T[] Expand<T>(T[] buffer)
    {
        var longer = new T[System.Math.Max(16, 2 * buffer.Length)];
        buffer.CopyTo(longer, 0);
        return longer;
    }
}
