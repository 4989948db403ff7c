using System.Runtime.CompilerServices;
using static SymbolicGrad.CompilerServices.PackedGemm;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// A matrix product <c>C (+)= α·op(A)·op(B)</c> cut into blocks of C's rows or of C's columns, one block per part, so
/// the threads of <see cref="WorkerPool"/> compute it together. k is never split: every element's sum runs in the same
/// order whatever the number of parts, so the result does not depend on it.
/// </summary>
/// <remarks>
/// <para>Rows are cut at multiples of <see cref="RowAlign"/> (the matrix–vector kernels cut a weight matrix's rows the
/// same way, so a thread keeps meeting the same rows of a layer and they stay in its cache). Columns are cut at
/// multiples of the packed kernel's panel width. Operands are pinned by the caller, which waits for every part.</para>
/// <para>A large packed product is cut into one block per thread and each block into chunks that halve in size, run
/// largest first, so a thread that finishes early (or whose partner was descheduled by other work on the machine)
/// takes the others' last, smallest chunks instead of waiting, and the threads end within a small chunk of each
/// other. Every chunk reads the operand the cut does not divide (all of op(A) for a cut of columns, all of op(B) for a
/// cut of rows): the threads first pack it together into one shared buffer, in a dispatch of its own, so it is packed
/// once, not once a chunk.</para>
/// </remarks>
internal sealed unsafe class GemmJob<TStore> : ParallelJob
    where TStore : struct, ITileStore
{
    // About 2 µs of FMAs on one core: less than that per thread costs more to hand over than it saves.
    private const long MinWorkPerPart = 96 * 1024;

    // About 50 µs of FMAs on one core: a product with at least twice this much per thread is cut into chunks (the
    // 784-128 layer from batch 256, not at 64, where a second dispatch would cost more), none smaller than this.
    private const long MinWorkPerChunk = 2 * 1024 * 1024;

    /// <summary>The most chunks one thread's block of a product is cut into.</summary>
    internal const int MaxPiecesPerThread = 6;

    // The largest shared packed operand (16 MB); a larger product's chunks each pack their own.
    private const long MaxShared = 4L << 20;

    private static readonly GemmJob<TStore> Instance = new();

    // The dot kernel has no store: it is told whether C is written over (SetStore) or added into.
    private static bool Overwrites => typeof(TStore) == typeof(SetStore);
    private static readonly string ProductName = $"GEMM {typeof(TStore).Name}";
    private static readonly string DotName = $"dot GEMM {typeof(TStore).Name}";
    private static readonly string PackName = $"packing for GEMM {typeof(TStore).Name}";

    private float* _a, _b, _c, _state, _shared;
    private nint _aRow, _aCol, _bRow, _bCol, _ldc;
    private int _m, _n, _k;
    private float _alpha;
    private bool _packing;
    private Plan _plan;
    private TStore _store;

    /// <summary>
    /// How a product is cut: which way, in how many chunks for how many threads, and which operand is shared. A chunked
    /// plan (<see cref="PiecesPerThread"/> &gt; 0) cuts <see cref="Units"/> units (one 6-row tile, or
    /// <see cref="ColumnUnit"/> columns; the last may be partial) into one block per thread and each block into pieces
    /// that halve (<see cref="ChunkUnits"/>).
    /// </summary>
    private readonly record struct Plan(bool Dot, bool SplitRows, int Threads, int Chunks, SharedOperand Shared, int Units = 0, int PiecesPerThread = 0, int RowUnit = ChunkRowAlign, int ColumnUnit = NR)
    {
        public int RowAlignment => Shared == SharedOperand.None ? RowAlign : RowUnit;
    }

    /// <summary>
    /// The packed product (or, with <paramref name="dot"/>, the dot-product A·Bᵀ kernel, plain products only), on as many
    /// threads as its size is worth; the operands' layouts are those of <see cref="PackedGemm.Run{TStore}"/>.
    /// </summary>
    internal static void Run(
        bool dot, ref float a, nint aRow, nint aCol, ref float b, nint bRow, nint bCol,
        ref float c, ref float state, nint ldc, int m, int n, int k, float alpha, TStore store)
    {
        long work = (long)m * n * k;
        var plan = PlanFor(dot, m, n, k, work < KernelSwitches.MinSplitWork ? 1 : WorkerPool.PartsFor(work, MinWorkPerPart), ReadsBInPlace(ref b, bRow, bCol, m, n));
        if (plan.Chunks < 2 || !WorkerPool.TryEnter())
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
                job._alpha = alpha;
                job._plan = plan;
                job._store = store;
                if (plan.Shared != SharedOperand.None)
                {
                    // The pool runs one dispatch at a time, so one (pinned) buffer serves every product.
                    job._shared = (float*)Unsafe.AsPointer(ref SharedBuffer.Rent(SharedLength(plan.Shared, m, n, k)));
                    job._packing = true;
                    WorkerPool.Run(job, plan.Threads);
                    job._packing = false;
                    WorkerPool.Run(job, plan.Chunks);
                }
                else
                {
                    job._shared = null;
                    job._packing = false;
                    WorkerPool.Run(job, plan.Chunks);
                }
            }
        }
        finally
        {
            Instance._shared = null;
            WorkerPool.Exit();
        }
    }

    /// <summary>Rows of C cut at multiples of this.</summary>
    internal const int RowAlign = 4;

    // Chunks of rows start at a panel of the packed A (MR = 6), so only the last chunk has a partial panel. The unit is
    // one panel, not two: a partial panel costs a whole tile, and with units of 12 rows and the rows left over added to
    // the last, the threads' shares of the 784-128 layer at batch 256 were 13–19 % apart (136 against 120 rows of the
    // forward product, 68 against 60 of the weight update); by panels they differ by at most one tile.
    private const int ChunkRowAlign = MR;

    internal override string Name => _packing ? PackName : _plan.Dot ? DotName : ProductName;

    internal override (int M, int N, int K) Shape => (_m, _n, _k);

    internal override void Run(int part)
    {
        if (_packing)
        {
            PackPart(_plan, part, ref *_a, _aRow, _aCol, ref *_b, _bRow, _bCol, _m, _n, _k, ref *_shared);
        }
        else
        {
            Chunk(_plan, part, ref *_a, _aRow, _aCol, ref *_b, _bRow, _bCol, ref *_c, ref *_state, _ldc, _m, _n, _k, _alpha, _store, ref *_shared);
        }
    }

    /// <summary>
    /// What thread <paramref name="thread"/> of <paramref name="threads"/> computes of the product when nothing is
    /// handed over late: its share of packing the shared operand, then its own chunks, on the calling thread
    /// (benchmarks time the threads' shares one by one with it; not while the pool runs a product). Returns the number
    /// of chunks the product is cut into.
    /// </summary>
    internal static int RunShare(
        int threads, int thread, bool dot, ref float a, nint aRow, nint aCol, ref float b, nint bRow, nint bCol,
        ref float c, ref float state, nint ldc, int m, int n, int k, float alpha, TStore store)
    {
        var plan = PlanFor(dot, m, n, k, threads, ReadsBInPlace(ref b, bRow, bCol, m, n));
        if (plan.Chunks < 2)
        {
            if (thread == 0)
            {
                Serial(dot, ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, ldc, m, n, k, alpha, store);
            }

            return 1;
        }

        ref float shared = ref Unsafe.NullRef<float>();
        if (plan.Shared != SharedOperand.None)
        {
            shared = ref SharedBuffer.Rent(SharedLength(plan.Shared, m, n, k));
            PackPart(plan, thread, ref a, aRow, aCol, ref b, bRow, bCol, m, n, k, ref shared);
        }

        var (first, last) = WorkerPool.OwnParts(plan.Chunks, plan.Threads, thread);
        for (int chunk = first; chunk < last; chunk++)
        {
            Chunk(plan, chunk, ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, ldc, m, n, k, alpha, store, ref shared);
        }

        return plan.Chunks;
    }

    private static Plan PlanFor(bool dot, int m, int n, int k, int threads, bool bInPlace)
    {
        if (threads < 2)
        {
            return new Plan(dot, false, 1, 1, SharedOperand.None);
        }

        // Columns are cut at the micro-kernel's width: a part of 16 columns on the 512-bit path would run the 256-bit
        // tiles, at half the speed (chunks of one 16-column unit cost the deep net's forward products 8 % more work
        // than one thread's).
        int columnUnit = !dot && UsesVector512 ? WideNR : NR;
        long work = (long)m * n * k;
        if (!dot && work >= 2L * threads * MinWorkPerChunk)
        {
            // Cut the larger of m and n, so the shared operand is the smaller one; an update cuts rows when it can, so
            // each thread reads and writes whole rows of the parameter and its velocity (no cache line written by two).
            bool rows = (!TileStore.IsPlain<TStore>() || m > n) && m >= threads * ChunkRowAlign;
            // A cut of rows shares op(B) packed, unless the micro-kernel reads it in place: then no packing dispatch.
            var shared = rows ? (bInPlace ? SharedOperand.None : SharedOperand.B) : SharedOperand.A;
            // (With the switch off, as before: units of two panels, the rows left over added to the last.)
            int rowUnit = KernelSwitches.PanelRowUnits ? ChunkRowAlign : 2 * ChunkRowAlign;
            int units = !rows ? (n + columnUnit - 1) / columnUnit : KernelSwitches.PanelRowUnits ? (m + rowUnit - 1) / rowUnit : m / rowUnit;
            int chunkThreads = Math.Min(threads, units);
            if (!KernelSwitches.HalvingChunks)
            {
                // What the halving chunks replaced (for benchmarks): up to four equal chunks a thread.
                int chunks = Math.Min(threads * (int)Math.Clamp(work / (threads * MinWorkPerChunk), 1, 4), units);
                if (chunks >= 2 && SharedLength(shared, m, n, k) <= MaxShared)
                {
                    return new Plan(false, rows, Math.Min(threads, chunks), chunks, shared, RowUnit: rowUnit, ColumnUnit: columnUnit);
                }
            }
            else
            {
                long minUnits = Math.Max(1, (MinWorkPerChunk * units + work - 1) / work);
                int pieces = PiecesFor(units / Math.Max(1, chunkThreads), minUnits, WorkerPool.MaxParts / Math.Max(1, chunkThreads));
                if (chunkThreads * pieces >= 2 && SharedLength(shared, m, n, k) <= MaxShared)
                {
                    return new Plan(false, rows, chunkThreads, chunkThreads * pieces, shared, units, pieces, rowUnit, columnUnit);
                }
            }
        }

        bool splitRows = SplitRows(dot, m, n, k);
        int parts = Math.Min(threads, splitRows ? m / RowAlign : (n + columnUnit - 1) / columnUnit);
        return new Plan(dot, splitRows, parts, parts, SharedOperand.None, ColumnUnit: columnUnit);
    }

    // Part `part` of the shared operand's packing: a range of op(A)'s row panels or op(B)'s column panels.
    private static void PackPart(Plan plan, int part, ref float a, nint aRow, nint aCol, ref float b, nint bRow, nint bCol, int m, int n, int k, ref float shared)
    {
        bool packA = plan.Shared == SharedOperand.A;
        var (start, end) = WorkerPool.Range(packA ? m : n, plan.Threads, packA ? MR : NR, part);
        if (start < end)
        {
            PackShared(plan.Shared, ref a, aRow, aCol, ref b, bRow, bCol, m, n, k, start, end, ref shared);
        }
    }

    /// <summary>
    /// The pieces each thread's block of about <paramref name="blockUnits"/> units is cut into: the first half, then
    /// half of the rest, and so on (<see cref="ChunkUnits"/>), as long as the last piece keeps at least
    /// <paramref name="minUnits"/> units; at most <see cref="MaxPiecesPerThread"/> and <paramref name="maxPieces"/>.
    /// </summary>
    internal static int PiecesFor(int blockUnits, long minUnits, int maxPieces)
    {
        int pieces = 1;
        while (pieces < Math.Min(MaxPiecesPerThread, maxPieces) && (blockUnits >> pieces) >= minUnits)
        {
            pieces++;
        }

        return pieces;
    }

    /// <summary>
    /// The units [Start, End) of chunk <paramref name="chunk"/> when <paramref name="units"/> units are cut into one
    /// block per thread (<see cref="WorkerPool.OwnParts"/>'s shares) and each block of B units into
    /// <paramref name="pieces"/> pieces of B/2, B/4, … units, the last two alike: a thread runs its large pieces first
    /// and the small ones last, and a thread that finishes early takes the others' last pieces (the smallest), so the
    /// threads end close together. Some pieces of a small block are empty.
    /// </summary>
    internal static (int Start, int End) ChunkUnits(int units, int threads, int pieces, int chunk)
    {
        int thread = chunk / pieces, piece = chunk % pieces;
        var (blockStart, blockEnd) = WorkerPool.OwnParts(units, threads, thread);
        int block = blockEnd - blockStart;
        int Boundary(int p) => p >= pieces ? block : block - (block >> p);
        return (blockStart + Boundary(piece), blockStart + Boundary(piece + 1));
    }

    /// <summary>
    /// The rows (<c>SplitRows</c>) or columns [Start, End) of C that chunk <paramref name="chunk"/> of a product computes
    /// when it is cut for <paramref name="threads"/> threads, and the number of chunks (for tests).
    /// </summary>
    internal static (bool SplitRows, int Start, int End, int Chunks) CutOf(int threads, int chunk, bool dot, int m, int n, int k, bool bInPlace)
    {
        var plan = PlanFor(dot, m, n, k, threads, bInPlace);
        var (start, end) = Cut(plan, chunk, m, n);
        return (plan.SplitRows, start, end, plan.Chunks);
    }

    private static (int Start, int End) Cut(Plan plan, int part, int m, int n)
    {
        if (plan.PiecesPerThread > 0)
        {
            // Units of one 6-row panel or of the micro-kernel's columns (the last may be partial).
            var (first, last) = ChunkUnits(plan.Units, plan.Threads, plan.PiecesPerThread, part);
            int align = plan.SplitRows ? plan.RowUnit : plan.ColumnUnit, count = plan.SplitRows ? m : n;
            return (first * align, last == plan.Units ? count : Math.Min(count, last * align));
        }

        return WorkerPool.Range(plan.SplitRows ? m : n, plan.Chunks, plan.SplitRows ? plan.RowAlignment : plan.ColumnUnit, part);
    }

    private static void Chunk(
        Plan plan, int part, ref float a, nint aRow, nint aCol, ref float b, nint bRow, nint bCol,
        ref float c, ref float state, nint ldc, int m, int n, int k, float alpha, TStore store, ref float shared)
    {
        bool splitRows = plan.SplitRows;
        var (start, end) = Cut(plan, part, m, n);
        if (start >= end)
        {
            return;
        }

        if (plan.Dot)
        {
            // The dot kernel cuts columns when n allows, else rows (SplitRows).
            if (splitRows)
            {
                DotGemm.Run(ref Unsafe.Add(ref a, start * aRow), aRow, ref b, bCol, ref Unsafe.Add(ref c, start * ldc), ldc, end - start, n, k, alpha, Overwrites);
            }
            else
            {
                DotGemm.Run(ref a, aRow, ref Unsafe.Add(ref b, start * bCol), bCol, ref Unsafe.Add(ref c, start), ldc, m, end - start, k, alpha, Overwrites);
            }

            return;
        }

        if (splitRows)
        {
            // The shared op(B) holds all n columns, whatever rows this chunk has.
            nint at = start * ldc;
            PackedGemm.RunShared(ref Unsafe.Add(ref a, start * aRow), aRow, aCol, ref b, bRow, bCol, ref Unsafe.Add(ref c, at), ref Unsafe.Add(ref state, at),
                ldc, end - start, n, k, alpha, store, 0, plan.Shared, ref shared);
        }
        else if (plan.Shared == SharedOperand.A)
        {
            // The shared op(A) holds all m rows; this chunk's columns of op(B) are packed here.
            PackedGemm.RunShared(ref a, aRow, aCol, ref Unsafe.Add(ref b, start * bCol), bRow, bCol, ref Unsafe.Add(ref c, start), ref Unsafe.Add(ref state, start),
                ldc, m, end - start, k, alpha, store, n, plan.Shared, ref shared);
        }
        else
        {
            // Room for every column, not only this part's: the same product may later run on this thread alone.
            PackedGemm.Run(ref a, aRow, aCol, ref Unsafe.Add(ref b, start * bCol), bRow, bCol, ref Unsafe.Add(ref c, start), ref Unsafe.Add(ref state, start),
                ldc, m, end - start, k, alpha, store, n);
        }
    }

    // Which way to cut a product that is not cut in chunks. The packed kernel packs both operands: cutting columns
    // repeats the packing of op(A) (m × k) in every part, cutting rows repeats that of op(B) (k × n), so cut the larger
    // of m and n. A short k (small batches) cuts rows, for the cache affinity above. The dot kernel reads rows of both
    // in place and cuts columns.
    private static bool SplitRows(bool dot, int m, int n, int k)
    {
        if (n < 2 * NR)
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
        ref float c, ref float state, nint ldc, int m, int n, int k, float alpha, TStore store)
    {
        if (dot)
        {
            DotGemm.Run(ref a, aRow, ref b, bCol, ref c, ldc, m, n, k, alpha, Overwrites);
        }
        else
        {
            PackedGemm.Run(ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, ldc, m, n, k, alpha, store);
        }
    }
}
