namespace SymbolicGrad;

/// <summary>
/// The per-row bounds <c>max|u_r|·max|v_r|</c> of a fused step's pending terms (<see cref="FusedStep.Check"/>), rows cut
/// over the worker pool. Each row's bound is computed by one thread with the same arithmetic whatever the cut, and the
/// caller sums them in row order, so the check's outcome does not depend on the thread count.
/// </summary>
internal sealed class RowBoundJob : ParallelJob
{
    // Floats read per part: memory-bound, ~1.5 µs for 32 K floats from L2.
    private const long MinPerPart = 32 * 1024;

    private static readonly RowBoundJob Instance = new();

    private FusedStep.Term[] _terms = [];
    private int[] _entries = [];
    private int[] _firstRow = [];
    private double[] _bounds = [];
    private int _count, _rows, _parts;

    /// <summary>
    /// Writes into <paramref name="bounds"/>[<paramref name="firstRow"/>[i] + r] the bound of row r of term
    /// <paramref name="terms"/>[<paramref name="entries"/>[i]] for i &lt; <paramref name="count"/> (+∞ when a row holds
    /// NaN or ±∞); <paramref name="rows"/> rows in all, <paramref name="floats"/> floats read in all.
    /// </summary>
    internal static void Run(FusedStep.Term[] terms, int[] entries, int[] firstRow, int count, int rows, long floats, double[] bounds)
    {
        int parts = KernelSwitches.ParallelCheck ? Math.Min(WorkerPool.PartsFor(floats, MinPerPart), rows) : 1;
        if (parts < 2 || !WorkerPool.TryEnter())
        {
            Rows(terms, entries, firstRow, count, bounds, 0, rows);
            return;
        }

        var job = Instance;
        try
        {
            job._terms = terms;
            job._entries = entries;
            job._firstRow = firstRow;
            job._bounds = bounds;
            job._count = count;
            job._rows = rows;
            job._parts = parts;
            WorkerPool.Run(job, parts);
        }
        finally
        {
            job._terms = [];
            job._bounds = [];
            WorkerPool.Exit();
        }
    }

    internal override void Run(int part)
    {
        var (start, end) = WorkerPool.Range(_rows, _parts, 1, part);
        Rows(_terms, _entries, _firstRow, _count, _bounds, start, end);
    }

    // Rows [start, end) of the terms laid end to end.
    private static void Rows(FusedStep.Term[] terms, int[] entries, int[] firstRow, int count, double[] bounds, int start, int end)
    {
        for (int i = 0; i < count; i++)
        {
            var term = terms[entries[i]];
            int from = Math.Max(start, firstRow[i]), to = Math.Min(end, firstRow[i] + term.U.Rows);
            var u = term.U.Span;
            var v = term.V.Span;
            for (int g = from; g < to; g++)
            {
                int r = g - firstRow[i];
                float maxU = FiniteCheck.MaxMagnitude(u.Slice(r * term.U.Cols, term.U.Cols));
                float maxV = FiniteCheck.MaxMagnitude(v.Slice(r * term.V.Cols, term.V.Cols));
                bounds[g] = float.IsFinite(maxU) && float.IsFinite(maxV) ? (double)maxU * maxV : double.PositiveInfinity;
            }
        }
    }
}
