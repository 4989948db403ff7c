using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// Blocked matrix product <c>C (+)= α·op(A)·op(B)</c> in the GotoBLAS/BLIS scheme: a kc × NC block of op(B) is packed
/// into contiguous 16-column panels, an MC × kc block of op(A) into contiguous 6-row panels, and a 6 × 16
/// register-blocked FMA micro-kernel (12 accumulators of 8 floats, 2 loads and 6 broadcasts per 12 FMAs) computes each
/// tile of C from one panel of each.
/// </summary>
/// <remarks>
/// Operands are given by strides: element (i, p) of op(A) is at <c>a[i·aRow + p·aCol]</c> and (p, j) of op(B) at
/// <c>b[p·bRow + j·bCol]</c>, so one driver serves A·B, Aᵀ·B and A·Bᵀ; only packing differs. Packing pads partial
/// panels with zeros so the micro-kernel always runs full tiles. k is cut into nearly equal blocks of at most
/// <see cref="KC"/> (a function of k alone, so every element's sum has the same order whatever part of C a thread
/// computes). Packing buffers are per thread, pinned, from a cache line (<see cref="AlignedBuffer"/>). Requires
/// <see cref="Kernels.IsAccelerated"/>.
/// <para>The loops are compiled fully optimized at their first call (AggressiveOptimization): tiered compilation would
/// run them as unoptimized or instrumented code until the JIT's background thread, which competes with the pool's
/// threads for the cores, gets round to them, and while it does a run's first second backs off and a process can stay
/// slow for long.</para>
/// </remarks>
internal static partial class PackedGemm
{
    /// <summary>Which operand, if any, a call of <see cref="RunShared{TStore}"/> finds packed ahead.</summary>
    internal enum SharedOperand
    {
        None,
        A,
        B,
    }

    internal const int MR = 6;
    internal const int NR = 16;

    // kc × NR floats of B (16 KB) stay in L1 while the micro-kernel walks down the MC rows;
    // the packed MC × kc block of A (72 KB) stays in L2.
    internal const int KC = 256;
    private const int MC = 72;
    private const int NC = 2048;

    // Columns an update walks along a row before the next rows: 128 columns of packed B (128 KB at kc = 256).
    private const int UpdateStrip = 128;

    [ThreadStatic]
    private static float[]? t_packA;

    [ThreadStatic]
    private static float[]? t_packB;

    internal static void Run(
        ref float a, nint aRow, nint aCol,
        ref float b, nint bRow, nint bCol,
        ref float c, nint ldc,
        int m, int n, int k, float alpha) =>
        Run(ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref c, ldc, m, n, k, alpha, default(AddStore));

    /// <summary>
    /// The product with a <paramref name="store"/> deciding what happens to each element's α·s: added into C, or
    /// applied as the gradient of the parameter in C (velocity in <paramref name="state"/>, laid out like C). An
    /// update store needs the whole sum at once, so k ≤ <see cref="KC"/> (one block of k). A part of a larger product
    /// passes the whole product's column count as <paramref name="reserveColumns"/>.
    /// </summary>
    internal static void Run<TStore>(
        ref float a, nint aRow, nint aCol,
        ref float b, nint bRow, nint bCol,
        ref float c, ref float state, nint ldc,
        int m, int n, int k, float alpha, TStore store, int reserveColumns = 0)
        where TStore : struct, ITileStore =>
        RunShared(ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, ldc, m, n, k, alpha, store, reserveColumns, SharedOperand.None, ref Unsafe.NullRef<float>());

    /// <summary>
    /// <see cref="Run{TStore}"/> where operand <paramref name="packed"/> (unless <see cref="SharedOperand.None"/>: all
    /// of op(A)'s rows or op(B)'s columns, every block of k, for the m × n of this call) was packed ahead into
    /// <paramref name="shared"/> by <see cref="PackShared"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RunShared<TStore>(
        ref float a, nint aRow, nint aCol,
        ref float b, nint bRow, nint bCol,
        ref float c, ref float state, nint ldc,
        int m, int n, int k, float alpha, TStore store, int reserveColumns,
        SharedOperand packed, ref float shared)
        where TStore : struct, ITileStore
    {
        System.Diagnostics.Debug.Assert(TileStore.IsPlain<TStore>() || k <= KC);
        int kBlock = BlockOfK(k);
        ref float packA = ref packed == SharedOperand.A ? ref Unsafe.NullRef<float>() : ref AlignedBuffer.Rent(ref t_packA, MC * kBlock);
        // A part of a product cut by columns reserves room for all the product's columns, so whichever part a thread
        // runs later, or the whole product when the pool runs it on this thread alone (a busy machine's back-off), its
        // buffer already fits: no allocation after the first step.
        bool inPlace = packed != SharedOperand.B && ReadsBInPlace(ref b, bRow, bCol, m, n);
        ref float packB = ref packed == SharedOperand.B || inPlace ? ref Unsafe.NullRef<float>() : ref AlignedBuffer.Rent(ref t_packB, RoundUp(Math.Min(NC, Math.Max(n, reserveColumns)), NR) * kBlock);
        int mPad = RoundUp(m, MR), nPad = RoundUp(n, NR);
        bool wide = UsesVector512;
        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc);
            for (int pc = 0; pc < k; pc += kBlock)
            {
                int kc = Math.Min(kBlock, k - pc);
                ref float bBlock = ref inPlace ? ref Unsafe.Add(ref b, pc * bRow + jc) : ref packed == SharedOperand.B ? ref Unsafe.Add(ref shared, pc * nPad + jc * kc) : ref packB;
                if (packed != SharedOperand.B && !inPlace)
                {
                    PackB(ref Unsafe.Add(ref b, pc * bRow + jc * bCol), bRow, bCol, kc, nc, ref bBlock);
                }

                for (int ic = 0; ic < m; ic += MC)
                {
                    int mc = Math.Min(MC, m - ic);
                    ref float aBlock = ref packed == SharedOperand.A ? ref Unsafe.Add(ref shared, pc * mPad + ic * kc) : ref packA;
                    if (packed != SharedOperand.A)
                    {
                        PackA(ref Unsafe.Add(ref a, ic * aRow + pc * aCol), aRow, aCol, mc, kc, ref aBlock);
                    }

                    nint at = ic * ldc + jc;
                    if (inPlace)
                    {
                        Macro<TStore, RowsOfB>(ref aBlock, ref bBlock, bRow, ref Unsafe.Add(ref c, at), ref Unsafe.Add(ref state, at), ldc, mc, nc, kc, alpha, store, pc, wide);
                    }
                    else
                    {
                        Macro<TStore, PackedPanels>(ref aBlock, ref bBlock, NR, ref Unsafe.Add(ref c, at), ref Unsafe.Add(ref state, at), ldc, mc, nc, kc, alpha, store, pc, wide);
                    }
                }
            }
        }
    }

    // An overwriting product writes its first block of k and adds the others.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Macro<TStore, TB>(ref float aBlock, ref float bBlock, nint ldb, ref float c, ref float state, nint ldc, int mc, int nc, int kc, float alpha, TStore store, int pc, bool wide)
        where TStore : struct, ITileStore
        where TB : struct
    {
        if (typeof(TStore) == typeof(SetStore) && pc > 0)
        {
            Macro<AddStore, TB>(ref aBlock, ref bBlock, ldb, ref c, ref state, ldc, mc, nc, kc, alpha, default, wide);
        }
        else
        {
            Macro<TStore, TB>(ref aBlock, ref bBlock, ldb, ref c, ref state, ldc, mc, nc, kc, alpha, store, wide);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Macro<TStore, TB>(ref float aBlock, ref float bBlock, nint ldb, ref float c, ref float state, nint ldc, int mc, int nc, int kc, float alpha, TStore store, bool wide)
        where TStore : struct, ITileStore
        where TB : struct
    {
        if (wide)
        {
            WideMacroKernel<TStore, TB>(ref aBlock, ref bBlock, ldb, ref c, ref state, ldc, mc, nc, kc, alpha, store);
        }
        else
        {
            MacroKernel<TStore, TB>(ref aBlock, ref bBlock, ldb, ref c, ref state, ldc, mc, nc, kc, alpha, store);
        }
    }

    /// <summary>
    /// Whether the micro-kernel reads op(B) where it is instead of packing it: op(B) is row-major, starts on a cache
    /// line and its rows are an odd number of cache lines apart, and every panel is full. Then each panel's 16 columns
    /// are one cache line at every step of k, and a panel's lines spread over every cache set. Otherwise (rows that
    /// straddle lines, or rows a multiple of 128 bytes apart, whose lines fall into a few sets and evict each other)
    /// packing is faster. And only for at most two blocks of A's rows (2·MC): each block walks all of B again, and a walk
    /// in place touches a page per row of B where a packed panel is one stream (the deep MLP's 512-row update was 2 %
    /// slower a step in place, the 128-row one faster). Only speed depends on it: both ways compute the same sums in
    /// the same order.
    /// </summary>
    internal static unsafe bool ReadsBInPlace(ref float b, nint bRow, nint bCol, int m, int n) =>
        KernelSwitches.RowsOfBInPlace && m <= 2 * MC && bCol == 1 && n % NR == 0 && bRow % (2 * NR) == NR
        && ((nint)Unsafe.AsPointer(ref b) & (AlignedBuffer.Alignment - 1)) == 0;

    /// <summary>The floats <see cref="PackShared"/> writes for the operand: every block of k of all of op(A)'s rows or op(B)'s columns.</summary>
    internal static long SharedLength(SharedOperand operand, int m, int n, int k) =>
        (long)(operand == SharedOperand.A ? RoundUp(m, MR) : RoundUp(n, NR)) * k;

    /// <summary>
    /// Packs rows [<paramref name="start"/>, <paramref name="end"/>) of op(A) (multiples of <see cref="MR"/>, or end = m),
    /// or columns of op(B) (multiples of <see cref="NR"/>, or end = n), for every block of k, into their places in
    /// <paramref name="shared"/>: several threads pack disjoint ranges, then every part of the product reads them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackShared(
        SharedOperand operand, ref float a, nint aRow, nint aCol, ref float b, nint bRow, nint bCol,
        int m, int n, int k, int start, int end, ref float shared)
    {
        int kBlock = BlockOfK(k);
        for (int pc = 0; pc < k; pc += kBlock)
        {
            int kc = Math.Min(kBlock, k - pc);
            if (operand == SharedOperand.A)
            {
                PackA(ref Unsafe.Add(ref a, start * aRow + pc * aCol), aRow, aCol, end - start, kc, ref Unsafe.Add(ref shared, pc * RoundUp(m, MR) + start * kc));
            }
            else
            {
                PackB(ref Unsafe.Add(ref b, pc * bRow + start * bCol), bRow, bCol, kc, end - start, ref Unsafe.Add(ref shared, pc * RoundUp(n, NR) + start * kc));
            }
        }
    }

    /// <summary>The length of the blocks k is cut into: the fewest blocks of at most <see cref="KC"/>, as equal as possible.</summary>
    internal static int BlockOfK(int k)
    {
        int blocks = (k + KC - 1) / KC;
        return Math.Max(1, (k + blocks - 1) / blocks);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel<TStore, TB>(ref float packA, ref float packB, nint ldb, ref float c, ref float state, nint ldc, int mc, int nc, int kc, float alpha, TStore store)
        where TStore : struct, ITileStore
        where TB : struct
    {
        if (TileStore.IsPlain<TStore>())
        {
            // Each 16-column panel of B stays in L1 while the tiles walk down the rows.
            for (int jr = 0; jr < nc; jr += NR)
            {
                for (int ir = 0; ir < mc; ir += MR)
                {
                    Tile<TStore, TB>(ref packA, ref packB, ldb, ref c, ref state, ldc, mc, nc, kc, alpha, store, ir, jr);
                }
            }

            return;
        }

        // An update reads and writes the parameter and its velocity besides C's place: walk along rows, so each tile
        // row continues the last one's memory (six sequential streams per buffer, which the prefetchers follow),
        // within strips of columns whose packed B (k is one block, small for minibatch weight gradients) stays in L2
        // beside the packed A: a whole row of a wide layer's B would come from L3 for every tile.
        for (int js = 0; js < nc; js += UpdateStrip)
        {
            int strip = Math.Min(UpdateStrip, nc - js);
            for (int ir = 0; ir < mc; ir += MR)
            {
                for (int jr = js; jr < js + strip; jr += NR)
                {
                    Tile<TStore, TB>(ref packA, ref packB, ldb, ref c, ref state, ldc, mc, nc, kc, alpha, store, ir, jr);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TStore, TB>(ref float packA, ref float packB, nint ldb, ref float c, ref float state, nint ldc, int mc, int nc, int kc, float alpha, TStore store, int ir, int jr)
        where TStore : struct, ITileStore
        where TB : struct
    {
        int nr = Math.Min(NR, nc - jr);
        int mr = Math.Min(MR, mc - ir);
        ref float ap = ref Unsafe.Add(ref packA, ir * kc);
        ref float bp = ref Unsafe.Add(ref packB, typeof(TB) == typeof(RowsOfB) ? jr : jr * kc);
        nint at = ir * ldc + jr;
        ref float cTile = ref Unsafe.Add(ref c, at);
        ref float stateTile = ref Unsafe.Add(ref state, at);
        if (mr == MR && nr == NR)
        {
            Micro6x16<TStore, TB>(kc, ref ap, ref bp, ldb, ref cTile, ref stateTile, ldc, alpha, store);
        }
        else
        {
            MicroEdge<TStore, TB>(kc, ref ap, ref bp, ldb, ref cTile, ref stateTile, ldc, alpha, mr, nr, store);
        }
    }

    // s(i, j) = Σ_p ap[p·6 + i] · bp[p·16 + j] for the 6 × 16 tile; the store puts α·s into C (C += α·s for the plain
    // product). The tile's rows of C (and of the state) are prefetched first: they are written kc steps later, and
    // meanwhile their cache lines come in from L2 or L3 instead of stalling the stores.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Micro6x16<TStore, TB>(int kc, ref float ap, ref float bp, nint ldb, ref float c, ref float state, nint ldc, float alpha, TStore store)
        where TStore : struct, ITileStore
        where TB : struct
    {
        nint step = BStep<TB>(ldb);
        Prefetch(ref c, ldc);
        if (!TileStore.IsPlain<TStore>())
        {
            Prefetch(ref state, ldc);
        }

        var c00 = Vector256<float>.Zero;
        var c01 = Vector256<float>.Zero;
        var c10 = Vector256<float>.Zero;
        var c11 = Vector256<float>.Zero;
        var c20 = Vector256<float>.Zero;
        var c21 = Vector256<float>.Zero;
        var c30 = Vector256<float>.Zero;
        var c31 = Vector256<float>.Zero;
        var c40 = Vector256<float>.Zero;
        var c41 = Vector256<float>.Zero;
        var c50 = Vector256<float>.Zero;
        var c51 = Vector256<float>.Zero;
        // Two steps of k an iteration (then the odd last one): half the loop's counter and pointer updates beside the
        // 24 FMAs. Each accumulator still adds its products in order of p, so the sums are those of one step at a time.
        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            var b0 = Vector256.LoadUnsafe(ref bp);
            var b1 = Vector256.LoadUnsafe(ref bp, 8);
            var av = Vector256.Create(ap);
            c00 = Fma.MultiplyAdd(av, b0, c00);
            c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Vector256.Create(Unsafe.Add(ref ap, 1));
            c10 = Fma.MultiplyAdd(av, b0, c10);
            c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Vector256.Create(Unsafe.Add(ref ap, 2));
            c20 = Fma.MultiplyAdd(av, b0, c20);
            c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Vector256.Create(Unsafe.Add(ref ap, 3));
            c30 = Fma.MultiplyAdd(av, b0, c30);
            c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Vector256.Create(Unsafe.Add(ref ap, 4));
            c40 = Fma.MultiplyAdd(av, b0, c40);
            c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Vector256.Create(Unsafe.Add(ref ap, 5));
            c50 = Fma.MultiplyAdd(av, b0, c50);
            c51 = Fma.MultiplyAdd(av, b1, c51);
            b0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref bp, step));
            b1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref bp, step), 8);
            av = Vector256.Create(Unsafe.Add(ref ap, 6));
            c00 = Fma.MultiplyAdd(av, b0, c00);
            c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Vector256.Create(Unsafe.Add(ref ap, 7));
            c10 = Fma.MultiplyAdd(av, b0, c10);
            c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Vector256.Create(Unsafe.Add(ref ap, 8));
            c20 = Fma.MultiplyAdd(av, b0, c20);
            c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Vector256.Create(Unsafe.Add(ref ap, 9));
            c30 = Fma.MultiplyAdd(av, b0, c30);
            c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Vector256.Create(Unsafe.Add(ref ap, 10));
            c40 = Fma.MultiplyAdd(av, b0, c40);
            c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Vector256.Create(Unsafe.Add(ref ap, 11));
            c50 = Fma.MultiplyAdd(av, b0, c50);
            c51 = Fma.MultiplyAdd(av, b1, c51);
            ap = ref Unsafe.Add(ref ap, 2 * MR);
            bp = ref Unsafe.Add(ref bp, 2 * step);
        }

        for (; p < kc; p++)
        {
            var b0 = Vector256.LoadUnsafe(ref bp);
            var b1 = Vector256.LoadUnsafe(ref bp, 8);
            var av = Vector256.Create(ap);
            c00 = Fma.MultiplyAdd(av, b0, c00);
            c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Vector256.Create(Unsafe.Add(ref ap, 1));
            c10 = Fma.MultiplyAdd(av, b0, c10);
            c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Vector256.Create(Unsafe.Add(ref ap, 2));
            c20 = Fma.MultiplyAdd(av, b0, c20);
            c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Vector256.Create(Unsafe.Add(ref ap, 3));
            c30 = Fma.MultiplyAdd(av, b0, c30);
            c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Vector256.Create(Unsafe.Add(ref ap, 4));
            c40 = Fma.MultiplyAdd(av, b0, c40);
            c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Vector256.Create(Unsafe.Add(ref ap, 5));
            c50 = Fma.MultiplyAdd(av, b0, c50);
            c51 = Fma.MultiplyAdd(av, b1, c51);
            ap = ref Unsafe.Add(ref ap, MR);
            bp = ref Unsafe.Add(ref bp, step);
        }

        var va = Vector256.Create(alpha);
        ref float row = ref c;
        ref float rowState = ref state;
        StoreRow(ref row, ref rowState, c00, c01, va, store);
        row = ref Unsafe.Add(ref row, ldc);
        rowState = ref Unsafe.Add(ref rowState, ldc);
        StoreRow(ref row, ref rowState, c10, c11, va, store);
        row = ref Unsafe.Add(ref row, ldc);
        rowState = ref Unsafe.Add(ref rowState, ldc);
        StoreRow(ref row, ref rowState, c20, c21, va, store);
        row = ref Unsafe.Add(ref row, ldc);
        rowState = ref Unsafe.Add(ref rowState, ldc);
        StoreRow(ref row, ref rowState, c30, c31, va, store);
        row = ref Unsafe.Add(ref row, ldc);
        rowState = ref Unsafe.Add(ref rowState, ldc);
        StoreRow(ref row, ref rowState, c40, c41, va, store);
        row = ref Unsafe.Add(ref row, ldc);
        rowState = ref Unsafe.Add(ref rowState, ldc);
        StoreRow(ref row, ref rowState, c50, c51, va, store);
    }

    // The cache lines of a 6 × 16 tile's rows (16 floats may straddle two lines).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(ref float tile, nint ld)
    {
        ref float row = ref tile;
        for (int i = 0; i < MR; i++)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref row));
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref row, NR - 1)));
            row = ref Unsafe.Add(ref row, ld);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TStore>(ref float row, ref float state, Vector256<float> lo, Vector256<float> hi, Vector256<float> alpha, TStore store)
        where TStore : struct, ITileStore
    {
        store.Store(ref row, ref state, lo, alpha);
        store.Store(ref Unsafe.Add(ref row, 8), ref Unsafe.Add(ref state, 8), hi, alpha);
    }

    // A partial tile (mr < 6 or nr < 16): a micro-kernel writes the sums s into a zeroed scratch tile (α = 1, so
    // exactly s), then the store puts α·s of the valid part into C as the full tile would: each element gets the
    // same arithmetic wherever the tile boundaries fall, so splitting the product across threads changes no result.
    // A tile of at most 4 or 2 rows (the last panel of 128 or 256 rows) computes only those rows: each row's sums are
    // the same fused multiply-adds in the same order whichever kernel runs them, at 2/3 or 1/3 of the full tile's FMAs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroEdge<TStore, TB>(int kc, ref float ap, ref float bp, nint ldb, ref float c, ref float state, nint ldc, float alpha, int mr, int nr, TStore store)
        where TStore : struct, ITileStore
        where TB : struct
    {
        Span<float> tile = stackalloc float[MR * NR];
        tile.Clear();
        if (mr <= 2 && KernelSwitches.FewRowEdges)
        {
            Micro2x16<TB>(kc, ref ap, ref bp, ldb, ref tile[0]);
        }
        else if (mr <= 4 && KernelSwitches.FewRowEdges)
        {
            Micro4x16<TB>(kc, ref ap, ref bp, ldb, ref tile[0]);
        }
        else
        {
            Micro6x16<AddStore, TB>(kc, ref ap, ref bp, ldb, ref tile[0], ref tile[0], NR, 1f, default);
        }

        for (int i = 0; i < mr; i++)
        {
            ref float row = ref Unsafe.Add(ref c, i * ldc);
            ref float rowState = ref Unsafe.Add(ref state, i * ldc);
            for (int j = 0; j < nr; j++)
            {
                store.Store(ref Unsafe.Add(ref row, j), ref Unsafe.Add(ref rowState, j), tile[i * NR + j], alpha);
            }
        }
    }

    // Rows 0–3 of a 6 × 16 tile (the panel's rows past them are not read): s added into the zeroed scratch tile as
    // Micro6x16 with α = 1 does.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Micro4x16<TB>(int kc, ref float ap, ref float bp, nint ldb, ref float tile)
        where TB : struct
    {
        nint step = BStep<TB>(ldb);
        var c00 = Vector256<float>.Zero;
        var c01 = Vector256<float>.Zero;
        var c10 = Vector256<float>.Zero;
        var c11 = Vector256<float>.Zero;
        var c20 = Vector256<float>.Zero;
        var c21 = Vector256<float>.Zero;
        var c30 = Vector256<float>.Zero;
        var c31 = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.LoadUnsafe(ref bp);
            var b1 = Vector256.LoadUnsafe(ref bp, 8);
            var av = Vector256.Create(ap);
            c00 = Fma.MultiplyAdd(av, b0, c00);
            c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Vector256.Create(Unsafe.Add(ref ap, 1));
            c10 = Fma.MultiplyAdd(av, b0, c10);
            c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Vector256.Create(Unsafe.Add(ref ap, 2));
            c20 = Fma.MultiplyAdd(av, b0, c20);
            c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Vector256.Create(Unsafe.Add(ref ap, 3));
            c30 = Fma.MultiplyAdd(av, b0, c30);
            c31 = Fma.MultiplyAdd(av, b1, c31);
            ap = ref Unsafe.Add(ref ap, MR);
            bp = ref Unsafe.Add(ref bp, step);
        }

        var one = Vector256.Create(1f);
        AddStore add = default;
        StoreRow(ref tile, ref tile, c00, c01, one, add);
        StoreRow(ref Unsafe.Add(ref tile, NR), ref tile, c10, c11, one, add);
        StoreRow(ref Unsafe.Add(ref tile, 2 * NR), ref tile, c20, c21, one, add);
        StoreRow(ref Unsafe.Add(ref tile, 3 * NR), ref tile, c30, c31, one, add);
    }

    // Rows 0–1 of a 6 × 16 tile, as Micro4x16.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Micro2x16<TB>(int kc, ref float ap, ref float bp, nint ldb, ref float tile)
        where TB : struct
    {
        nint step = BStep<TB>(ldb);
        var c00 = Vector256<float>.Zero;
        var c01 = Vector256<float>.Zero;
        var c10 = Vector256<float>.Zero;
        var c11 = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.LoadUnsafe(ref bp);
            var b1 = Vector256.LoadUnsafe(ref bp, 8);
            var av = Vector256.Create(ap);
            c00 = Fma.MultiplyAdd(av, b0, c00);
            c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Vector256.Create(Unsafe.Add(ref ap, 1));
            c10 = Fma.MultiplyAdd(av, b0, c10);
            c11 = Fma.MultiplyAdd(av, b1, c11);
            ap = ref Unsafe.Add(ref ap, MR);
            bp = ref Unsafe.Add(ref bp, step);
        }

        var one = Vector256.Create(1f);
        AddStore add = default;
        StoreRow(ref tile, ref tile, c00, c01, one, add);
        StoreRow(ref Unsafe.Add(ref tile, NR), ref tile, c10, c11, one, add);
    }

    // Packs op(B)[0..kc, 0..nc] into panels of 16 columns: panel q holds, for each p, the 16 values (p, 16q..16q+15).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(ref float b, nint bRow, nint bCol, int kc, int nc, ref float dst)
    {
        for (int jr = 0; jr < nc; jr += NR)
        {
            int nr = Math.Min(NR, nc - jr);
            ref float src = ref Unsafe.Add(ref b, jr * bCol);
            if (bCol == 1 && nr == NR)
            {
                for (int p = 0; p < kc; p++)
                {
                    ref float srcRow = ref Unsafe.Add(ref src, p * bRow);
                    Vector256.LoadUnsafe(ref srcRow).StoreUnsafe(ref dst);
                    Vector256.LoadUnsafe(ref srcRow, 8).StoreUnsafe(ref dst, 8);
                    dst = ref Unsafe.Add(ref dst, NR);
                }
            }
            else if (bRow == 1 && nr == NR)
            {
                // A·Bᵀ: 16 rows of B become the 16 columns of the panel, 8 × 8 blocks at a time.
                int p = 0;
                for (; p + 8 <= kc; p += 8)
                {
                    ref float block = ref Unsafe.Add(ref dst, p * NR);
                    Transpose8x8(ref Unsafe.Add(ref src, p), bCol, ref block, NR);
                    Transpose8x8(ref Unsafe.Add(ref src, p + 8 * bCol), bCol, ref Unsafe.Add(ref block, 8), NR);
                }

                for (; p < kc; p++)
                {
                    for (int j = 0; j < NR; j++)
                    {
                        Unsafe.Add(ref dst, p * NR + j) = Unsafe.Add(ref src, j * bCol + p);
                    }
                }

                dst = ref Unsafe.Add(ref dst, kc * NR);
            }
            else
            {
                // Column by column: for A·Bᵀ (bRow == 1) each column of op(B) is a contiguous row of B.
                for (int j = 0; j < NR; j++)
                {
                    ref float col = ref Unsafe.Add(ref dst, j);
                    if (j < nr)
                    {
                        ref float srcCol = ref Unsafe.Add(ref src, j * bCol);
                        for (int p = 0; p < kc; p++)
                        {
                            Unsafe.Add(ref col, p * NR) = Unsafe.Add(ref srcCol, p * bRow);
                        }
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            Unsafe.Add(ref col, p * NR) = 0f;
                        }
                    }
                }

                dst = ref Unsafe.Add(ref dst, kc * NR);
            }
        }
    }

    // Reads 8 rows of 8 floats (rows srcStride apart) and writes them as 8 columns: row q of the output (dstStride
    // apart) holds element q of every input row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose8x8(ref float src, nint srcStride, ref float dst, nint dstStride)
    {
        var r0 = Vector256.LoadUnsafe(ref src);
        var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, srcStride));
        var r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 2 * srcStride));
        var r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 3 * srcStride));
        var r4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 4 * srcStride));
        var r5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 5 * srcStride));
        var r6 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 6 * srcStride));
        var r7 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 7 * srcStride));

        // Interleave pairs of rows, then pairs of pairs (within each 128-bit lane), then swap lanes.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref dst);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, dstStride));
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, 2 * dstStride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, 3 * dstStride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 4 * dstStride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 5 * dstStride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 6 * dstStride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 7 * dstStride));
    }

    // Packs op(A)[0..mc, 0..kc] into panels of 6 rows: panel q holds, for each p, the 6 values (6q..6q+5, p); rows
    // past mc are zeros.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(ref float a, nint aRow, nint aCol, int mc, int kc, ref float dst)
    {
        bool wide = Avx512F.IsSupported && UsesVector512;
        for (int ir = 0; ir < mc; ir += MR)
        {
            int mr = Math.Min(MR, mc - ir);
            ref float src = ref Unsafe.Add(ref a, ir * aRow);
            if (aRow == 1 && mr == MR)
            {
                // Aᵀ·B: the 6 values of each p are contiguous in A. Copy 8 at a time: the 2 extra values read stay
                // inside A (the next row) and the 2 extra written are overwritten by the next p; the last p is exact.
                int p = 0;
                for (; p < kc - 1; p++)
                {
                    Vector256.LoadUnsafe(ref Unsafe.Add(ref src, p * aCol)).StoreUnsafe(ref dst);
                    dst = ref Unsafe.Add(ref dst, MR);
                }

                ref float s = ref Unsafe.Add(ref src, p * aCol);
                for (int i = 0; i < MR; i++)
                {
                    Unsafe.Add(ref dst, i) = Unsafe.Add(ref s, i);
                }

                dst = ref Unsafe.Add(ref dst, MR);
            }
            else if (aCol == 1 && mr == MR && Avx.IsSupported && KernelSwitches.VectorPacking)
            {
                // A·B and A·Bᵀ: six rows contiguous along k, interleaved 8 values of k at a time; the next panel's rows
                // (short runs of k from rows far apart, which the hardware prefetchers do not pick up) are fetched meanwhile.
                bool prefetch = ir + 2 * MR <= mc && KernelSwitches.PrefetchPanels;
                if (wide)
                {
                    if (prefetch)
                    {
                        PackSixRowsWide<PrefetchNext>(ref src, aRow, kc, ref dst);
                    }
                    else
                    {
                        PackSixRowsWide<NoPrefetch>(ref src, aRow, kc, ref dst);
                    }
                }
                else if (prefetch)
                {
                    PackSixRows<PrefetchNext>(ref src, aRow, kc, ref dst);
                }
                else
                {
                    PackSixRows<NoPrefetch>(ref src, aRow, kc, ref dst);
                }

                dst = ref Unsafe.Add(ref dst, kc * MR);
            }
            else if (aCol == 1 && mr == MR)
            {
                ref float r0 = ref src;
                ref float r1 = ref Unsafe.Add(ref r0, aRow);
                ref float r2 = ref Unsafe.Add(ref r1, aRow);
                ref float r3 = ref Unsafe.Add(ref r2, aRow);
                ref float r4 = ref Unsafe.Add(ref r3, aRow);
                ref float r5 = ref Unsafe.Add(ref r4, aRow);
                for (int p = 0; p < kc; p++)
                {
                    dst = Unsafe.Add(ref r0, p);
                    Unsafe.Add(ref dst, 1) = Unsafe.Add(ref r1, p);
                    Unsafe.Add(ref dst, 2) = Unsafe.Add(ref r2, p);
                    Unsafe.Add(ref dst, 3) = Unsafe.Add(ref r3, p);
                    Unsafe.Add(ref dst, 4) = Unsafe.Add(ref r4, p);
                    Unsafe.Add(ref dst, 5) = Unsafe.Add(ref r5, p);
                    dst = ref Unsafe.Add(ref dst, MR);
                }
            }
            else
            {
                for (int i = 0; i < MR; i++)
                {
                    ref float row = ref Unsafe.Add(ref dst, i);
                    if (i < mr)
                    {
                        ref float srcRow = ref Unsafe.Add(ref src, i * aRow);
                        for (int p = 0; p < kc; p++)
                        {
                            Unsafe.Add(ref row, p * MR) = Unsafe.Add(ref srcRow, p * aCol);
                        }
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            Unsafe.Add(ref row, p * MR) = 0f;
                        }
                    }
                }

                dst = ref Unsafe.Add(ref dst, kc * MR);
            }
        }
    }

    // Six rows of A (aRow apart, contiguous along k) into one panel: dst[6p + i] = row i's value p. Each 8 × 8 block
    // (the six rows and two zero rows) is transposed in registers and each of its columns stored as 8 floats, whose
    // last 2 the next column's store overwrites; the panel's last column is stored exactly (6 floats), so nothing
    // beyond the panel is written (another thread may be packing the next panel of a shared operand).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackSixRows<TPrefetch>(ref float src, nint aRow, int kc, ref float dst)
        where TPrefetch : struct
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            ref float at = ref Unsafe.Add(ref src, p);
            if (typeof(TPrefetch) == typeof(PrefetchNext) && (p & 15) == 0)
            {
                // The next panel's six rows, one cache line of each per 16 values of k.
                ref float next = ref Unsafe.Add(ref at, MR * aRow);
                for (int i = 0; i < MR; i++)
                {
                    Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref next, i * aRow)));
                }
            }

            var r0 = Vector256.LoadUnsafe(ref at);
            var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref at, aRow));
            var r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref at, 2 * aRow));
            var r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref at, 3 * aRow));
            var r4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref at, 4 * aRow));
            var r5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref at, 5 * aRow));
            var zero = Vector256<float>.Zero;
            var t0 = Avx.UnpackLow(r0, r1);
            var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3);
            var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5);
            var t5 = Avx.UnpackHigh(r4, r5);
            var u0 = Avx.Shuffle(t0, t2, 0x44);
            var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44);
            var u3 = Avx.Shuffle(t1, t3, 0xEE);
            var u4 = Avx.Shuffle(t4, zero, 0x44);
            var u5 = Avx.Shuffle(t4, zero, 0xEE);
            var u6 = Avx.Shuffle(t5, zero, 0x44);
            var u7 = Avx.Shuffle(t5, zero, 0xEE);
            ref float d = ref Unsafe.Add(ref dst, p * MR);
            Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref d);
            Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref Unsafe.Add(ref d, MR));
            Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref Unsafe.Add(ref d, 2 * MR));
            Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref Unsafe.Add(ref d, 3 * MR));
            Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref Unsafe.Add(ref d, 4 * MR));
            Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref Unsafe.Add(ref d, 5 * MR));
            Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref Unsafe.Add(ref d, 6 * MR));
            var last = Avx.Permute2x128(u3, u7, 0x31);
            if (p + 8 < kc)
            {
                last.StoreUnsafe(ref Unsafe.Add(ref d, 7 * MR));
            }
            else
            {
                ref float e = ref Unsafe.Add(ref d, 7 * MR);
                last.GetLower().StoreUnsafe(ref e);
                Unsafe.Add(ref e, 4) = last.GetElement(4);
                Unsafe.Add(ref e, 5) = last.GetElement(5);
            }
        }

        for (; p < kc; p++)
        {
            ref float d = ref Unsafe.Add(ref dst, p * MR);
            for (int i = 0; i < MR; i++)
            {
                Unsafe.Add(ref d, i) = Unsafe.Add(ref src, i * aRow + p);
            }
        }
    }

    // How far apart a panel of B's steps of k are: 16 floats packed, a row of B read in place.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint BStep<TB>(nint ldb)
        where TB : struct =>
        typeof(TB) == typeof(RowsOfB) ? ldb : NR;

    // Type arguments of the macro- and micro-kernels: B packed in 16-column panels, or read in place from its rows.
    private struct PackedPanels;

    private struct RowsOfB;

    // Type arguments of PackSixRows: whether it prefetches the next panel's rows (the JIT compiles each form apart).
    private struct PrefetchNext;

    private struct NoPrefetch;

    /// <summary>Where the calling thread's packing buffers start (0 before its first product), for benchmarks that look at alignment.</summary>
    internal static unsafe (nint A, nint B) PackingAddresses() =>
        ((nint)(t_packA is { } a ? Unsafe.AsPointer(ref AlignedBuffer.Start(a)) : null), (nint)(t_packB is { } b ? Unsafe.AsPointer(ref AlignedBuffer.Start(b)) : null));

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
