using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// The packed product's 512-bit micro-kernels: tiles of 12 × 32 (24 accumulators of 16 floats: two loads of B and 12
/// broadcasts of A per 24 FMAs) and 6 × 32, read from the same packing as the 256-bit kernel — two adjacent 16-column
/// panels of B (or 32 columns of a row of B read in place) and one or two adjacent 6-row panels of A. Each element's
/// sum is the same chain of fused multiply-adds in order of k as in the 6 × 16 kernel, stored by the same arithmetic,
/// so both paths give the same bits; the tiles they do not cover (fewer than 32 columns left) run the 256-bit kernels.
/// </summary>
internal static partial class PackedGemm
{
    internal const int WideNR = 2 * NR;

    // Rows of A a wide tile covers: a second panel of 6 rows doubles the reuse of each load of B.
    private const int WideMR = 2 * MR;

    /// <summary>Whether products run the 512-bit kernels now (<see cref="KernelSwitches.Vector512Products"/>).</summary>
    internal static bool UsesVector512 =>
        KernelSwitches.Vector512Products && (Vector512.IsHardwareAccelerated || KernelSwitches.Vector512Emulated);

    // As MacroKernel, in tiles of 32 columns and 12 rows (6 in a block's last rows). An update walks along rows within
    // strips of columns, as MacroKernel's does.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WideMacroKernel<TStore, TB>(ref float packA, ref float packB, nint ldb, ref float c, ref float state, nint ldc, int mc, int nc, int kc, float alpha, TStore store)
        where TStore : struct, ITileStore
        where TB : struct
    {
        if (TileStore.IsPlain<TStore>())
        {
            for (int jr = 0; jr < nc; jr += WideNR)
            {
                for (int ir = 0, mr; ir < mc; ir += mr)
                {
                    mr = mc - ir >= WideMR ? WideMR : MR;
                    WideTile<TStore, TB>(ref packA, ref packB, ldb, ref c, ref state, ldc, mc, nc, kc, alpha, store, ir, jr, mr);
                }
            }

            return;
        }

        for (int js = 0; js < nc; js += UpdateStrip)
        {
            int strip = Math.Min(UpdateStrip, nc - js);
            for (int ir = 0, mr; ir < mc; ir += mr)
            {
                mr = mc - ir >= WideMR ? WideMR : MR;
                for (int jr = js; jr < js + strip; jr += WideNR)
                {
                    WideTile<TStore, TB>(ref packA, ref packB, ldb, ref c, ref state, ldc, mc, nc, kc, alpha, store, ir, jr, mr);
                }
            }
        }
    }

    // The tile of rows [ir, ir + rows) (12, or 6 and fewer at the end) and columns [jr, jr + 32) of the block, or fewer
    // columns at the end (then the 256-bit tiles, panel by panel).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WideTile<TStore, TB>(ref float packA, ref float packB, nint ldb, ref float c, ref float state, nint ldc, int mc, int nc, int kc, float alpha, TStore store, int ir, int jr, int rows)
        where TStore : struct, ITileStore
        where TB : struct
    {
        if (nc - jr < WideNR)
        {
            for (int i = ir; i < ir + rows && i < mc; i += MR)
            {
                for (int j = jr; j < nc; j += NR)
                {
                    Tile<TStore, TB>(ref packA, ref packB, ldb, ref c, ref state, ldc, mc, nc, kc, alpha, store, i, j);
                }
            }

            return;
        }

        ref float ap = ref Unsafe.Add(ref packA, ir * kc);
        ref float bp = ref Unsafe.Add(ref packB, typeof(TB) == typeof(RowsOfB) ? jr : jr * kc);
        nint at = ir * ldc + jr;
        ref float cTile = ref Unsafe.Add(ref c, at);
        ref float stateTile = ref Unsafe.Add(ref state, at);
        int mr = Math.Min(rows, mc - ir);
        if (mr == WideMR)
        {
            MicroWide<TwelveRows, TStore, TB>(kc, ref ap, ref bp, ldb, ref cTile, ref stateTile, ldc, alpha, store, mr);
        }
        else if (mr <= 2 && KernelSwitches.FewRowEdges)
        {
            MicroWide<TwoRows, TStore, TB>(kc, ref ap, ref bp, ldb, ref cTile, ref stateTile, ldc, alpha, store, mr);
        }
        else if (mr <= 4 && KernelSwitches.FewRowEdges)
        {
            MicroWide<FourRows, TStore, TB>(kc, ref ap, ref bp, ldb, ref cTile, ref stateTile, ldc, alpha, store, mr);
        }
        else
        {
            MicroWide<SixRows, TStore, TB>(kc, ref ap, ref bp, ldb, ref cTile, ref stateTile, ldc, alpha, store, mr);
        }
    }

    // s(i, j) = Σ_p a(i, p) · b(p, j) for TRows.Count rows (rows 6–11 from the next panel of A) and 32 columns (the
    // second 16 from the next panel of B, or the next 16 floats of B's row); the store puts α·s into C as Micro6x16's
    // does. A tile of mr < 6 valid rows (the last of a product) stores as MicroEdge does: s through a scratch tile is
    // fma(s, 1, +0), then the store on that.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroWide<TRows, TStore, TB>(int kc, ref float ap, ref float bp, nint ldb, ref float c, ref float state, nint ldc, float alpha, TStore store, int mr)
        where TRows : struct, IRows
        where TStore : struct, ITileStore
        where TB : struct
    {
        nint step = BStep<TB>(ldb);
        nuint second = typeof(TB) == typeof(RowsOfB) ? NR : (nuint)(NR * kc);
        ref float ap2 = ref TRows.Count > MR ? ref Unsafe.Add(ref ap, MR * kc) : ref ap;
        PrefetchWide(ref c, ldc, mr);
        if (!TileStore.IsPlain<TStore>())
        {
            PrefetchWide(ref state, ldc, mr);
        }

        var c00 = Vector512<float>.Zero;
        var c01 = Vector512<float>.Zero;
        var c10 = Vector512<float>.Zero;
        var c11 = Vector512<float>.Zero;
        var c20 = Vector512<float>.Zero;
        var c21 = Vector512<float>.Zero;
        var c30 = Vector512<float>.Zero;
        var c31 = Vector512<float>.Zero;
        var c40 = Vector512<float>.Zero;
        var c41 = Vector512<float>.Zero;
        var c50 = Vector512<float>.Zero;
        var c51 = Vector512<float>.Zero;
        var c60 = Vector512<float>.Zero;
        var c61 = Vector512<float>.Zero;
        var c70 = Vector512<float>.Zero;
        var c71 = Vector512<float>.Zero;
        var c80 = Vector512<float>.Zero;
        var c81 = Vector512<float>.Zero;
        var c90 = Vector512<float>.Zero;
        var c91 = Vector512<float>.Zero;
        var c100 = Vector512<float>.Zero;
        var c101 = Vector512<float>.Zero;
        var c110 = Vector512<float>.Zero;
        var c111 = Vector512<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref bp);
            var b1 = Vector512.LoadUnsafe(ref bp, second);
            var a0 = Vector512.Create(ap);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            if (TRows.Count > 1)
            {
                var a1 = Vector512.Create(Unsafe.Add(ref ap, 1));
                c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            }

            if (TRows.Count > 2)
            {
                var a2 = Vector512.Create(Unsafe.Add(ref ap, 2));
                c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            }

            if (TRows.Count > 3)
            {
                var a3 = Vector512.Create(Unsafe.Add(ref ap, 3));
                c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            }

            if (TRows.Count > 4)
            {
                var a4 = Vector512.Create(Unsafe.Add(ref ap, 4));
                c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
                c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            }

            if (TRows.Count > 5)
            {
                var a5 = Vector512.Create(Unsafe.Add(ref ap, 5));
                c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
                c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            }

            if (TRows.Count > 6)
            {
                var a6 = Vector512.Create(ap2);
                c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
                c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            }

            if (TRows.Count > 7)
            {
                var a7 = Vector512.Create(Unsafe.Add(ref ap2, 1));
                c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
                c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            }

            if (TRows.Count > 8)
            {
                var a8 = Vector512.Create(Unsafe.Add(ref ap2, 2));
                c80 = Vector512.FusedMultiplyAdd(a8, b0, c80);
                c81 = Vector512.FusedMultiplyAdd(a8, b1, c81);
            }

            if (TRows.Count > 9)
            {
                var a9 = Vector512.Create(Unsafe.Add(ref ap2, 3));
                c90 = Vector512.FusedMultiplyAdd(a9, b0, c90);
                c91 = Vector512.FusedMultiplyAdd(a9, b1, c91);
            }

            if (TRows.Count > 10)
            {
                var a10 = Vector512.Create(Unsafe.Add(ref ap2, 4));
                c100 = Vector512.FusedMultiplyAdd(a10, b0, c100);
                c101 = Vector512.FusedMultiplyAdd(a10, b1, c101);
            }

            if (TRows.Count > 11)
            {
                var a11 = Vector512.Create(Unsafe.Add(ref ap2, 5));
                c110 = Vector512.FusedMultiplyAdd(a11, b0, c110);
                c111 = Vector512.FusedMultiplyAdd(a11, b1, c111);
            }

            ap = ref Unsafe.Add(ref ap, MR);
            if (TRows.Count > MR)
            {
                ap2 = ref Unsafe.Add(ref ap2, MR);
            }

            bp = ref Unsafe.Add(ref bp, step);
        }

        var va = Vector512.Create(alpha);
        if (mr == TRows.Count && mr >= MR)
        {
            StoreWideRow(ref c, ref state, 0, ldc, c00, c01, va, store);
            if (TRows.Count > 1)
            {
                StoreWideRow(ref c, ref state, 1, ldc, c10, c11, va, store);
            }

            if (TRows.Count > 2)
            {
                StoreWideRow(ref c, ref state, 2, ldc, c20, c21, va, store);
            }

            if (TRows.Count > 3)
            {
                StoreWideRow(ref c, ref state, 3, ldc, c30, c31, va, store);
            }

            if (TRows.Count > 4)
            {
                StoreWideRow(ref c, ref state, 4, ldc, c40, c41, va, store);
            }

            if (TRows.Count > 5)
            {
                StoreWideRow(ref c, ref state, 5, ldc, c50, c51, va, store);
            }

            if (TRows.Count > 6)
            {
                StoreWideRow(ref c, ref state, 6, ldc, c60, c61, va, store);
            }

            if (TRows.Count > 7)
            {
                StoreWideRow(ref c, ref state, 7, ldc, c70, c71, va, store);
            }

            if (TRows.Count > 8)
            {
                StoreWideRow(ref c, ref state, 8, ldc, c80, c81, va, store);
            }

            if (TRows.Count > 9)
            {
                StoreWideRow(ref c, ref state, 9, ldc, c90, c91, va, store);
            }

            if (TRows.Count > 10)
            {
                StoreWideRow(ref c, ref state, 10, ldc, c100, c101, va, store);
            }

            if (TRows.Count > 11)
            {
                StoreWideRow(ref c, ref state, 11, ldc, c110, c111, va, store);
            }

        }
        else
        {
            var one = Vector512.Create(1f);
            StoreWideRow(ref c, ref state, 0, ldc, Exact(c00, one), Exact(c01, one), va, store);
            if (TRows.Count > 1 && mr > 1)
            {
                StoreWideRow(ref c, ref state, 1, ldc, Exact(c10, one), Exact(c11, one), va, store);
            }

            if (TRows.Count > 2 && mr > 2)
            {
                StoreWideRow(ref c, ref state, 2, ldc, Exact(c20, one), Exact(c21, one), va, store);
            }

            if (TRows.Count > 3 && mr > 3)
            {
                StoreWideRow(ref c, ref state, 3, ldc, Exact(c30, one), Exact(c31, one), va, store);
            }

            if (TRows.Count > 4 && mr > 4)
            {
                StoreWideRow(ref c, ref state, 4, ldc, Exact(c40, one), Exact(c41, one), va, store);
            }

            if (TRows.Count > 5 && mr > 5)
            {
                StoreWideRow(ref c, ref state, 5, ldc, Exact(c50, one), Exact(c51, one), va, store);
            }

        }
    }

    // What a sum becomes through MicroEdge's zeroed scratch tile: fma(s, 1, +0) (s, but +0 for −0).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exact(Vector512<float> sums, Vector512<float> one) => Vector512.FusedMultiplyAdd(sums, one, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreWideRow<TStore>(ref float c, ref float state, int i, nint ldc, Vector512<float> lo, Vector512<float> hi, Vector512<float> alpha, TStore store)
        where TStore : struct, ITileStore
    {
        nint at = i * ldc;
        store.Store(ref Unsafe.Add(ref c, at), ref Unsafe.Add(ref state, at), lo, alpha);
        store.Store(ref Unsafe.Add(ref c, at + NR), ref Unsafe.Add(ref state, at + NR), hi, alpha);
    }

    // The cache lines of a tile's rows (32 floats span two or three lines).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchWide(ref float tile, nint ld, int rows)
    {
        ref float row = ref tile;
        for (int i = 0; i < rows; i++)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref row));
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref row, NR)));
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref row, WideNR - 1)));
            row = ref Unsafe.Add(ref row, ld);
        }
    }

    // PackSixRows 16 values of k at a time, with two-source permutes of 16 floats (Avx512F): 18 a block of 96 floats
    // where the 8 × 8 transposes take 24 a block of 48 (the packing of X, where the shuffle port was the bound). The
    // rows are interleaved in pairs, then each output vector takes its values from the three pairs; the rest of k (fewer
    // than 16 values) goes to PackSixRows. Writes exactly the panel's floats, as PackSixRows does.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackSixRowsWide<TPrefetch>(ref float src, nint aRow, int kc, ref float dst)
        where TPrefetch : struct
    {
        // Pair vectors: lo = r[0], r'[0], r[1], r'[1], … r[7], r'[7]; hi the same from value 8.
        var low = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        var high = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);

        // Output vector v (of three from a half) holds dst[16v + e] = row (16v + e) % 6's value (16v + e) / 6: first
        // from pairs 0–1 (rows 0–3), then pair 2 (rows 4–5) into the places left.
        var first0 = Vector512.Create(0, 1, 16, 17, 0, 0, 2, 3, 18, 19, 0, 0, 4, 5, 20, 21);
        var then0 = Vector512.Create(0, 1, 2, 3, 16, 17, 6, 7, 8, 9, 18, 19, 12, 13, 14, 15);
        var first1 = Vector512.Create(0, 0, 6, 7, 22, 23, 0, 0, 8, 9, 24, 25, 0, 0, 10, 11);
        var then1 = Vector512.Create(20, 21, 2, 3, 4, 5, 22, 23, 8, 9, 10, 11, 24, 25, 14, 15);
        var first2 = Vector512.Create(26, 27, 0, 0, 12, 13, 28, 29, 0, 0, 14, 15, 30, 31, 0, 0);
        var then2 = Vector512.Create(0, 1, 26, 27, 4, 5, 6, 7, 28, 29, 10, 11, 12, 13, 30, 31);
        int p = 0;
        for (; p + 16 <= kc; p += 16)
        {
            ref float at = ref Unsafe.Add(ref src, p);
            if (typeof(TPrefetch) == typeof(PrefetchNext))
            {
                // The next panel's six rows, one cache line of each per 16 values of k.
                ref float next = ref Unsafe.Add(ref at, MR * aRow);
                for (int i = 0; i < MR; i++)
                {
                    Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref next, i * aRow)));
                }
            }

            var r0 = Vector512.LoadUnsafe(ref at);
            var r1 = Vector512.LoadUnsafe(ref Unsafe.Add(ref at, aRow));
            var r2 = Vector512.LoadUnsafe(ref Unsafe.Add(ref at, 2 * aRow));
            var r3 = Vector512.LoadUnsafe(ref Unsafe.Add(ref at, 3 * aRow));
            var r4 = Vector512.LoadUnsafe(ref Unsafe.Add(ref at, 4 * aRow));
            var r5 = Vector512.LoadUnsafe(ref Unsafe.Add(ref at, 5 * aRow));
            ref float d = ref Unsafe.Add(ref dst, p * MR);
            var pair0 = Avx512F.PermuteVar16x32x2(r0, low, r1);
            var pair1 = Avx512F.PermuteVar16x32x2(r2, low, r3);
            var pair2 = Avx512F.PermuteVar16x32x2(r4, low, r5);
            Avx512F.PermuteVar16x32x2(Avx512F.PermuteVar16x32x2(pair0, first0, pair1), then0, pair2).StoreUnsafe(ref d);
            Avx512F.PermuteVar16x32x2(Avx512F.PermuteVar16x32x2(pair0, first1, pair1), then1, pair2).StoreUnsafe(ref d, 16);
            Avx512F.PermuteVar16x32x2(Avx512F.PermuteVar16x32x2(pair0, first2, pair1), then2, pair2).StoreUnsafe(ref d, 32);
            pair0 = Avx512F.PermuteVar16x32x2(r0, high, r1);
            pair1 = Avx512F.PermuteVar16x32x2(r2, high, r3);
            pair2 = Avx512F.PermuteVar16x32x2(r4, high, r5);
            Avx512F.PermuteVar16x32x2(Avx512F.PermuteVar16x32x2(pair0, first0, pair1), then0, pair2).StoreUnsafe(ref d, 48);
            Avx512F.PermuteVar16x32x2(Avx512F.PermuteVar16x32x2(pair0, first1, pair1), then1, pair2).StoreUnsafe(ref d, 64);
            Avx512F.PermuteVar16x32x2(Avx512F.PermuteVar16x32x2(pair0, first2, pair1), then2, pair2).StoreUnsafe(ref d, 80);
        }

        if (p < kc)
        {
            PackSixRows<TPrefetch>(ref Unsafe.Add(ref src, p), aRow, kc - p, ref Unsafe.Add(ref dst, p * MR));
        }
    }

    // Type arguments of MicroWide: how many rows of A it computes (the JIT compiles each form apart and drops the
    // accumulators of the others).
    private interface IRows
    {
        static abstract int Count { get; }
    }

    private struct TwoRows : IRows
    {
        public static int Count => 2;
    }

    private struct FourRows : IRows
    {
        public static int Count => 4;
    }

    private struct SixRows : IRows
    {
        public static int Count => MR;
    }

    private struct TwelveRows : IRows
    {
        public static int Count => WideMR;
    }
}
