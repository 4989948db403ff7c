namespace SymbolicGrad.CompilerServices;

/// <summary>
/// The body of a loop over the rows of a batch whose rows are independent: row r reads anything but writes only row r
/// of its outputs, so any cut of the rows into ranges gives the same bits. Generated code declares one struct per
/// element-wise pass and hands it to <see cref="RowLoop.Run{TLoop}(TLoop, int, int)"/>.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface IRowLoop
{
    /// <summary>Runs the loop's body for rows <paramref name="first"/> … <paramref name="end"/> − 1.</summary>
    /// <param name="first">The first row.</param>
    /// <param name="end">One past the last row.</param>
    void Run(int first, int end);
}

/// <summary>
/// Runs an <see cref="IRowLoop"/> over a batch: on the calling thread alone below a size threshold (a batch of one, the
/// small batches) or when the worker pool is busy, otherwise cut into ranges of rows on the pool
/// (<see cref="Parallelism.MaxThreads"/>). Allocation-free; the result does not depend on the cut.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class RowLoop
{
    // Per calling thread: tests running in parallel each see only the loops they ran themselves.
    [System.ThreadStatic]
    private static long t_dispatches;

    /// <summary>
    /// Row loops and row kernels that the calling thread ran split on the worker pool so far (for tests and benchmarks).
    /// Counted per thread, so a test reading it is not disturbed by other tests running row loops at the same time.
    /// </summary>
    internal static long Dispatches
    {
        get => t_dispatches;
        set => t_dispatches = value;
    }

    /// <summary>Runs <paramref name="loop"/> for rows 0 … <paramref name="rows"/> − 1.</summary>
    /// <typeparam name="TLoop">The generated loop body.</typeparam>
    /// <param name="loop">The loop body, holding the buffers it reads and writes.</param>
    /// <param name="rows">The batch size.</param>
    /// <param name="rowLength">The elements of one row it computes (the threshold weighs rows × rowLength).</param>
    public static void Run<TLoop>(TLoop loop, int rows, int rowLength)
        where TLoop : struct, IRowLoop
    {
        if (!RowJob<TLoop>.TryRun(ref loop, rows, rowLength, align: 1))
        {
            loop.Run(0, rows);
        }
    }
}
