namespace SymbolicGrad.CompilerServices;

/// <summary>
/// A loop over independent rows (<see cref="IRowLoop"/>: generated element-wise passes, the row kernels) cut into ranges
/// of rows on the worker pool. One instance per loop type, used only while the pool is held, so concurrent callers
/// never share it (a caller that finds the pool busy runs its loop alone).
/// </summary>
internal sealed class RowJob<TLoop> : ParallelJob
    where TLoop : struct, IRowLoop
{
    // Elements per part: an element-wise pass costs a fraction of a nanosecond an element, and a dispatch a few
    // microseconds, so a part needs thousands of elements (a 256 × 512 layer gets two parts, 256 × 128 two, 64 × 128 one).
    private const long MinPerPart = 16 * 1024;

    private static readonly RowJob<TLoop> Instance = new();
    private static readonly string LoopName = "RowJob<" + typeof(TLoop).Name + ">";

    private TLoop _loop;
    private int _rows, _parts, _align;

    /// <summary>
    /// Runs <paramref name="loop"/> over rows [0, <paramref name="rows"/>) on the pool, each part's range starting at a
    /// multiple of <paramref name="align"/>; false (nothing run) when the work is too small to split or the pool is busy.
    /// </summary>
    internal static bool TryRun(ref TLoop loop, int rows, int rowLength, int align)
    {
        if (rows < 2 * align || !KernelSwitches.ParallelRows)
        {
            return false;
        }

        int parts = Math.Min(WorkerPool.PartsFor((long)rows * rowLength, MinPerPart), rows / align);
        if (parts < 2 || (long)rows * rowLength < KernelSwitches.MinSplitWork || !WorkerPool.TryEnter())
        {
            return false;
        }

        var job = Instance;
        try
        {
            job._loop = loop;
            job._rows = rows;
            job._parts = parts;
            job._align = align;
            RowLoop.Dispatches++;
            WorkerPool.Run(job, parts);
        }
        finally
        {
            job._loop = default; // let the buffers go
            WorkerPool.Exit();
        }

        return true;
    }

    internal override string Name => LoopName;

    internal override void Run(int part)
    {
        var (first, end) = WorkerPool.Range(_rows, _parts, _align, part);
        _loop.Run(first, end);
    }
}
