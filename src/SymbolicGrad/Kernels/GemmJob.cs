using System.Runtime.CompilerServices;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// A matrix product <c>C (+)= α·op(A)·op(B)</c> cut into blocks of C's rows or of C's columns, one block per part, so
/// the threads of <see cref="WorkerPool"/> compute it together. k is never split: every element's sum runs in the same
/// order whatever the number of parts, so the result does not depend on it.
/// </summary>
/// <remarks>
/// Rows are cut at multiples of <see cref="RowAlign"/> (the matrix–vector kernels cut a weight matrix's rows the same
/// way, so a thread keeps meeting the same rows of a layer and they stay in its cache). Columns are cut at multiples of
/// the packed kernel's panel width. Operands are pinned by the caller, which waits for every part.
/// </remarks>
internal sealed unsafe class GemmJob<TStore> : ParallelJob
    where TStore : struct, ITileStore
{
    // About 2 µs of FMAs on one core: less than that per thread costs more to hand over than it saves.
    private const long MinWorkPerPart = 96 * 1024;

    private static readonly GemmJob<TStore> Instance = new();

    private float* _a, _b, _c, _state;
    private nint _aRow, _aCol, _bRow, _bCol, _ldc;
    private int _m, _n, _k, _parts;
    private float _alpha;
    private bool _dot, _splitRows;
    private TStore _store;

    /// <summary>
    /// The packed product (or, with <paramref name="dot"/>, the dot-product A·Bᵀ kernel, plain adds only), on as many
    /// threads as its size is worth; the operands' layouts are those of <see cref="PackedGemm.Run{TStore}"/>.
    /// </summary>
    internal static void Run(
        bool dot, ref float a, nint aRow, nint aCol, ref float b, nint bRow, nint bCol,
        ref float c, ref float state, nint ldc, int m, int n, int k, float alpha, TStore store)
    {
        int parts = WorkerPool.PartsFor((long)m * n * k, MinWorkPerPart);
        bool splitRows = SplitRows(dot, m, n, k);
        parts = Math.Min(parts, splitRows ? m / RowAlign : (n + PackedGemm.NR - 1) / PackedGemm.NR);
        if (parts < 2 || !WorkerPool.TryEnter())
        {
            Serial(dot, ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, ldc, m, n, k, alpha, store);
            return;
        }

        try
        {
            fixed (float* pa = &a, pb = &b, pc = &c, ps = &state)
            {
                var job = Instance;
                job._a = pa;
                job._b = pb;
                job._c = pc;
                job._state = ps;
                job._aRow = aRow;
                job._aCol = aCol;
                job._bRow = bRow;
                job._bCol = bCol;
                job._ldc = ldc;
                job._m = m;
                job._n = n;
                job._k = k;
                job._parts = parts;
                job._alpha = alpha;
                job._dot = dot;
                job._splitRows = splitRows;
                job._store = store;
                WorkerPool.Run(job, parts);
            }
        }
        finally
        {
            WorkerPool.Exit();
        }
    }

    /// <summary>Rows of C cut at multiples of this.</summary>
    internal const int RowAlign = 4;

    internal override void Run(int part) =>
        Part(_dot, _splitRows, _parts, part, ref *_a, _aRow, _aCol, ref *_b, _bRow, _bCol, ref *_c, ref *_state, _ldc, _m, _n, _k, _alpha, _store);

    /// <summary>
    /// What one thread computes when the product is cut into <paramref name="parts"/> parts: part
    /// <paramref name="part"/>, on the calling thread (benchmarks time the parts of a dispatch one by one with it).
    /// </summary>
    internal static void RunPart(
        int parts, int part, bool dot, ref float a, nint aRow, nint aCol, ref float b, nint bRow, nint bCol,
        ref float c, ref float state, nint ldc, int m, int n, int k, float alpha, TStore store) =>
        Part(dot, SplitRows(dot, m, n, k), parts, part, ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, ldc, m, n, k, alpha, store);

    private static void Part(
        bool dot, bool splitRows, int parts, int part, ref float a, nint aRow, nint aCol, ref float b, nint bRow, nint bCol,
        ref float c, ref float state, nint ldc, int m, int n, int k, float alpha, TStore store)
    {
        var (start, end) = WorkerPool.Range(splitRows ? m : n, parts, splitRows ? RowAlign : PackedGemm.NR, part);
        if (start >= end)
        {
            return;
        }

        if (splitRows)
        {
            nint at = start * ldc;
            Serial(dot, ref Unsafe.Add(ref a, start * aRow), aRow, aCol, ref b, bRow, bCol, ref Unsafe.Add(ref c, at), ref Unsafe.Add(ref state, at), ldc, end - start, n, k, alpha, store);
        }
        else
        {
            // Room for every column, not only this part's: the same product may later run on this thread alone.
            Serial(dot, ref a, aRow, aCol, ref Unsafe.Add(ref b, start * bCol), bRow, bCol, ref Unsafe.Add(ref c, start), ref Unsafe.Add(ref state, start), ldc, m, end - start, k, alpha, store, n);
        }
    }

    // Which way to cut. The packed kernel packs both operands: cutting columns repeats the packing of op(A) (m × k) in
    // every part, cutting rows repeats that of op(B) (k × n), so cut the larger of m and n. A short k (small batches)
    // cuts rows, for the cache affinity above. The dot kernel reads rows of both in place and cuts columns.
    private static bool SplitRows(bool dot, int m, int n, int k)
    {
        if (n < 2 * PackedGemm.NR)
        {
            return m >= 2 * RowAlign;
        }

        if (dot)
        {
            return false;
        }

        return (k <= 32 || m > n) && m >= 2 * RowAlign;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Serial(
        bool dot, ref float a, nint aRow, nint aCol, ref float b, nint bRow, nint bCol,
        ref float c, ref float state, nint ldc, int m, int n, int k, float alpha, TStore store, int reserveColumns = 0)
    {
        if (dot)
        {
            DotGemm.Run(ref a, aRow, ref b, bCol, ref c, ldc, m, n, k, alpha);
        }
        else
        {
            PackedGemm.Run(ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, ldc, m, n, k, alpha, store, reserveColumns);
        }
    }
}
