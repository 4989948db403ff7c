namespace SymbolicGrad.CompilerServices;

/// <summary>Buffers of generated code: grown to the largest size asked for, then reused, so steady-state calls allocate nothing.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class Workspace
{
    /// <summary>Returns <paramref name="buffer"/> when it holds at least <paramref name="length"/> elements, else a new array of that length.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="buffer">The current buffer.</param>
    /// <param name="length">The number of elements needed.</param>
    /// <returns>A buffer of at least <paramref name="length"/> elements; its contents are unspecified.</returns>
    public static T[] Grow<T>(T[] buffer, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return buffer.Length >= length ? buffer : new T[length];
    }

    /// <summary>
    /// Throws unless a workspace's last forward pass was of a batch of <paramref name="rows"/> rows: a backward pass reads
    /// the values its forward pass kept, so without that pass it would read stale or missing buffers.
    /// </summary>
    /// <param name="forwardRows">The rows of the workspace's last forward pass; −1 if it has had none.</param>
    /// <param name="rows">The rows of the batch given to the backward pass.</param>
    /// <param name="method">The [Differentiable] method, for the message.</param>
    /// <exception cref="InvalidOperationException">The workspace holds no forward pass of a batch of that many rows.</exception>
    public static void CheckForward(int forwardRows, int rows, string method)
    {
        if (forwardRows == rows) return;
        throw new InvalidOperationException(forwardRows < 0
            ? $"{method}BackwardBatch: the workspace has had no forward pass; call {method}ForwardBatch with the same arguments first (nothing was computed)."
            : $"{method}BackwardBatch: the workspace's last forward pass was of {forwardRows} rows, not the {rows} given; call {method}ForwardBatch with the same arguments first (nothing was computed).");
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
