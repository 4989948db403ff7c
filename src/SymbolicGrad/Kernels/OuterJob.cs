namespace SymbolicGrad.CompilerServices;

/// <summary>
/// The rank-1 update <c>A += α·u·vᵀ</c> (or, with an update store, the optimizer step it is the gradient of) cut into
/// blocks of A's rows on the worker pool; rows are independent, so the cut changes no result.
/// </summary>
internal sealed unsafe class OuterJob<TStore> : ParallelJob
    where TStore : struct, ITileStore
{
    private static readonly OuterJob<TStore> Instance = new();

    private float* _a, _state, _u, _v;
    private int _rows, _cols, _parts;
    private float _alpha;
    private TStore _store;

    /// <summary>Row r of A (and of the state laid out like it) gets the store's α·u[r]·v.</summary>
    internal static void Run(ref float a, ref float state, int rows, int cols, float alpha, ref float u, ref float v, TStore store)
    {
        int parts = Math.Min(SmallSplit.PartsFor((long)rows * cols), rows / GemmJob<AddStore>.RowAlign);
        if (parts < 2 || !WorkerPool.TryEnter())
        {
            Kernels.OuterFma(ref a, ref state, rows, cols, alpha, ref u, ref v, store);
            return;
        }

        try
        {
            fixed (float* pa = &a, ps = &state, pu = &u, pv = &v)
            {
                var job = Instance;
                job._a = pa;
                job._state = ps;
                job._u = pu;
                job._v = pv;
                job._rows = rows;
                job._cols = cols;
                job._parts = parts;
                job._alpha = alpha;
                job._store = store;
                WorkerPool.Run(job, parts);
            }
        }
        finally
        {
            WorkerPool.Exit();
        }
    }

    internal override void Run(int part)
    {
        var (start, end) = WorkerPool.Range(_rows, _parts, GemmJob<AddStore>.RowAlign, part);
        nint at = (nint)start * _cols;
        Kernels.OuterFma(ref _a[at], ref _state[at], end - start, _cols, _alpha, ref _u[start], ref *_v, _store);
    }
}
