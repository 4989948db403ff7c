namespace SymbolicGrad.CompilerServices;

/// <summary>
/// The matrix–vector kernels and column sums on the worker pool: <c>y (+)= A·x</c> cut into blocks of A's rows,
/// <c>y (+)= Aᵀ·x</c> and column sums cut into blocks of columns. Each output element is computed by one part, with the
/// same arithmetic as on one thread. Below a size threshold they run on the calling thread.
/// </summary>
internal sealed unsafe class VectorJob : ParallelJob
{
    private static readonly VectorJob Instance = new();

    private enum Kind
    {
        MatVec,
        MatTVec,
        ColumnSums,
    }

    private Kind _kind;
    private float* _a, _x, _y;
    private int _rows, _cols, _parts;
    private float _alpha;
    private bool _overwrite;

    /// <summary><c>y += A·x</c>, or <c>y = A·x</c> with <paramref name="overwrite"/>, A rows × cols.</summary>
    internal static void MatVec(ref float a, int rows, int cols, ref float x, ref float y, bool overwrite = false)
    {
        int parts = Math.Min(SmallSplit.PartsFor((long)rows * cols), rows / GemmJob<AddStore>.RowAlign);
        if (!Dispatch(Kind.MatVec, parts, ref a, rows, cols, ref x, ref y, 1f, overwrite))
        {
            Kernels.MatVecFma(ref a, rows, cols, ref x, ref y, overwrite);
        }
    }

    /// <summary><c>y += Aᵀ·x</c>, or <c>y = Aᵀ·x</c> with <paramref name="overwrite"/>, A rows × cols.</summary>
    internal static void MatTVec(ref float a, int rows, int cols, ref float x, ref float y, bool overwrite = false)
    {
        int parts = Math.Min(SmallSplit.PartsFor((long)rows * cols), cols / 8);
        if (!Dispatch(Kind.MatTVec, parts, ref a, rows, cols, ref x, ref y, 1f, overwrite))
        {
            Kernels.MatTVecFma(ref a, cols, rows, cols, ref x, ref y, overwrite);
        }
    }

    /// <summary><c>sums += α·Σᵣ m[r, :]</c>, m rows × cols.</summary>
    internal static void ColumnSums(ref float m, int rows, int cols, ref float sums, float alpha)
    {
        int parts = Math.Min(SmallSplit.PartsFor((long)rows * cols), cols / 8);
        if (!Dispatch(Kind.ColumnSums, parts, ref m, rows, cols, ref sums, ref sums, alpha, false))
        {
            Kernels.ColumnSumsFma(ref m, cols, rows, cols, ref sums, alpha);
        }
    }

    private static bool Dispatch(Kind kind, int parts, ref float a, int rows, int cols, ref float x, ref float y, float alpha, bool overwrite)
    {
        if (parts < 2 || (long)rows * cols < KernelSwitches.MinSplitWork || !WorkerPool.TryEnter())
        {
            return false;
        }

        try
        {
            fixed (float* pa = &a, px = &x, py = &y)
            {
                var job = Instance;
                job._kind = kind;
                job._a = pa;
                job._x = px;
                job._y = py;
                job._rows = rows;
                job._cols = cols;
                job._parts = parts;
                job._alpha = alpha;
                job._overwrite = overwrite;
                WorkerPool.Run(job, parts);
            }
        }
        finally
        {
            WorkerPool.Exit();
        }

        return true;
    }

    internal override void Run(int part)
    {
        if (_kind == Kind.MatVec)
        {
            var (start, end) = WorkerPool.Range(_rows, _parts, GemmJob<AddStore>.RowAlign, part);
            Kernels.MatVecFma(ref _a[(nint)start * _cols], end - start, _cols, ref *_x, ref _y[start], _overwrite);
            return;
        }

        var (first, last) = WorkerPool.Range(_cols, _parts, 8, part);
        if (_kind == Kind.MatTVec)
        {
            Kernels.MatTVecFma(ref _a[first], _cols, _rows, last - first, ref *_x, ref _y[first], _overwrite);
        }
        else
        {
            Kernels.ColumnSumsFma(ref _a[first], _cols, _rows, last - first, ref _y[first], _alpha);
        }
    }
}
