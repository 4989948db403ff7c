using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// <c>C += α·A·Bᵀ</c>, or <c>C = α·A·Bᵀ</c> (overwrite: the first block of k writes <c>0 + α·s</c>, what adding into a
/// zeroed C gives, and later blocks add), where both A (m × k) and B (n × k) are row-major: every C(i, j) is a dot
/// product of two contiguous rows, so no packing is needed. A 4 × 3 register block (12 accumulators) reads 7 vectors per 12 FMAs;
/// the sums are reduced horizontally once per tile. With 512-bit products (<see cref="PackedGemm.UsesVector512"/>) a
/// 4 × 4 block keeps two 8-lane sums in each 512-bit register (<see cref="Tile4x4Wide"/>): the same FMA chains, so the
/// same bits, 1.27–1.30× the 256-bit tiles' speed on the 16 × 128 × 784 forward product (AVX-512 host, one thread).
/// Requires <see cref="Kernels.IsAccelerated"/>. Compiled fully optimized at the first call, like
/// <see cref="PackedGemm"/>'s loops.
/// </summary>
internal static class DotGemm
{
    // Blocks of k keep a 4-row strip of A in L1 and all of B's block in L2 while j runs over n.
    private const int KB = 512;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Run(ref float a, nint lda, ref float b, nint ldb, ref float c, nint ldc, int m, int n, int k, float alpha, bool overwrite = false)
    {
        if (k < 8)
        {
            Scalar(ref a, lda, ref b, ldb, ref c, ldc, m, n, k, alpha, overwrite);
            return;
        }

        int wideEnd = PackedGemm.UsesVector512 ? n & ~3 : 0, threeEnd = wideEnd + (n - wideEnd) / 3 * 3;
        int wideTiles = wideEnd / 4, threeTiles = (threeEnd - wideEnd) / 3, tiles = wideTiles + threeTiles + n - threeEnd;
        bool lastFirst = KernelSwitches.DotLastRowsOfBFirst;
        for (int pb = 0, kb; pb < k; pb += kb)
        {
            // The last block takes the remainder; a block shorter than 8 is merged into the previous one.
            kb = k - pb <= KB + 7 ? k - pb : KB;
            ref float ab = ref Unsafe.Add(ref a, pb);
            ref float bb = ref Unsafe.Add(ref b, pb);
            var tailMask = TailMask(kb);
            bool set = overwrite && pb == 0;
            int i = 0;
            for (; i + 4 <= m; i += 4)
            {
                ref float ai = ref Unsafe.Add(ref ab, i * lda);
                ref float ci = ref Unsafe.Add(ref c, i * ldc);
                // Tiles of four columns of C (512-bit), then of three, then single columns; with DotLastRowsOfBFirst
                // the same tiles run from the last to the first: a layer's update walks its weight rows from the first,
                // so the rows it touched last are met first, while they are still in cache.
                for (int t = 0; t < tiles; t++)
                {
                    int tile = lastFirst ? tiles - 1 - t : t;
                    if (tile < wideTiles)
                    {
                        int j = 4 * tile;
                        Tile4x4Wide(ref ai, lda, ref Unsafe.Add(ref bb, j * ldb), ldb, kb, tailMask, ref Unsafe.Add(ref ci, j), ldc, alpha, set);
                    }
                    else if (tile < wideTiles + threeTiles)
                    {
                        int j = wideEnd + 3 * (tile - wideTiles);
                        Tile4x3(ref ai, lda, ref Unsafe.Add(ref bb, j * ldb), ldb, kb, tailMask, ref Unsafe.Add(ref ci, j), ldc, alpha, set);
                    }
                    else
                    {
                        int j = threeEnd + tile - wideTiles - threeTiles;
                        Tile4x1(ref ai, lda, ref Unsafe.Add(ref bb, j * ldb), kb, tailMask, ref Unsafe.Add(ref ci, j), ldc, alpha, set);
                    }
                }
            }

            for (; i < m; i++)
            {
                ref float ai = ref Unsafe.Add(ref ab, i * lda);
                ref float ci = ref Unsafe.Add(ref c, i * ldc);
                for (int j = 0; j < n; j++)
                {
                    ref float cij = ref Unsafe.Add(ref ci, j);
                    cij = (set ? 0f : cij) + alpha * Dot(ref ai, ref Unsafe.Add(ref bb, j * ldb), kb, tailMask);
                }
            }
        }
    }

    // For k % 8 != 0 the last vector step reloads the final 8 elements; the mask zeroes the lanes already summed.
    private static Vector256<float> TailMask(int k)
    {
        int rem = k & 7;
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        return Vector256.GreaterThanOrEqual(lane, Vector256.Create(8 - rem)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x3(ref float a0, nint lda, ref float b0, nint ldb, int k, Vector256<float> tailMask, ref float c, nint ldc, float alpha, bool set)
    {
        ref float a1 = ref Unsafe.Add(ref a0, lda);
        ref float a2 = ref Unsafe.Add(ref a1, lda);
        ref float a3 = ref Unsafe.Add(ref a2, lda);
        ref float b1 = ref Unsafe.Add(ref b0, ldb);
        ref float b2 = ref Unsafe.Add(ref b1, ldb);
        var c00 = Vector256<float>.Zero;
        var c01 = Vector256<float>.Zero;
        var c02 = Vector256<float>.Zero;
        var c10 = Vector256<float>.Zero;
        var c11 = Vector256<float>.Zero;
        var c12 = Vector256<float>.Zero;
        var c20 = Vector256<float>.Zero;
        var c21 = Vector256<float>.Zero;
        var c22 = Vector256<float>.Zero;
        var c30 = Vector256<float>.Zero;
        var c31 = Vector256<float>.Zero;
        var c32 = Vector256<float>.Zero;
        nuint end = (nuint)(k & ~7);
        nuint p = 0;
        for (; p < end; p += 8)
        {
            var vb0 = Vector256.LoadUnsafe(ref b0, p);
            var vb1 = Vector256.LoadUnsafe(ref b1, p);
            var vb2 = Vector256.LoadUnsafe(ref b2, p);
            var va = Vector256.LoadUnsafe(ref a0, p);
            c00 = Fma.MultiplyAdd(va, vb0, c00);
            c01 = Fma.MultiplyAdd(va, vb1, c01);
            c02 = Fma.MultiplyAdd(va, vb2, c02);
            va = Vector256.LoadUnsafe(ref a1, p);
            c10 = Fma.MultiplyAdd(va, vb0, c10);
            c11 = Fma.MultiplyAdd(va, vb1, c11);
            c12 = Fma.MultiplyAdd(va, vb2, c12);
            va = Vector256.LoadUnsafe(ref a2, p);
            c20 = Fma.MultiplyAdd(va, vb0, c20);
            c21 = Fma.MultiplyAdd(va, vb1, c21);
            c22 = Fma.MultiplyAdd(va, vb2, c22);
            va = Vector256.LoadUnsafe(ref a3, p);
            c30 = Fma.MultiplyAdd(va, vb0, c30);
            c31 = Fma.MultiplyAdd(va, vb1, c31);
            c32 = Fma.MultiplyAdd(va, vb2, c32);
        }

        if ((k & 7) != 0)
        {
            p = (nuint)(k - 8);
            var vb0 = Vector256.LoadUnsafe(ref b0, p) & tailMask;
            var vb1 = Vector256.LoadUnsafe(ref b1, p) & tailMask;
            var vb2 = Vector256.LoadUnsafe(ref b2, p) & tailMask;
            var va = Vector256.LoadUnsafe(ref a0, p) & tailMask;
            c00 = Fma.MultiplyAdd(va, vb0, c00);
            c01 = Fma.MultiplyAdd(va, vb1, c01);
            c02 = Fma.MultiplyAdd(va, vb2, c02);
            va = Vector256.LoadUnsafe(ref a1, p) & tailMask;
            c10 = Fma.MultiplyAdd(va, vb0, c10);
            c11 = Fma.MultiplyAdd(va, vb1, c11);
            c12 = Fma.MultiplyAdd(va, vb2, c12);
            va = Vector256.LoadUnsafe(ref a2, p) & tailMask;
            c20 = Fma.MultiplyAdd(va, vb0, c20);
            c21 = Fma.MultiplyAdd(va, vb1, c21);
            c22 = Fma.MultiplyAdd(va, vb2, c22);
            va = Vector256.LoadUnsafe(ref a3, p) & tailMask;
            c30 = Fma.MultiplyAdd(va, vb0, c30);
            c31 = Fma.MultiplyAdd(va, vb1, c31);
            c32 = Fma.MultiplyAdd(va, vb2, c32);
        }

        var va4 = Vector128.Create(alpha);
        AddColumn(ref c, ldc, Simd.Sum4(c00, c10, c20, c30) * va4, set);
        AddColumn(ref Unsafe.Add(ref c, 1), ldc, Simd.Sum4(c01, c11, c21, c31) * va4, set);
        AddColumn(ref Unsafe.Add(ref c, 2), ldc, Simd.Sum4(c02, c12, c22, c32) * va4, set);
    }

    // Tile4x3's sums for four columns of B, two columns a register: lanes 0–7 of cR0 are row R's 8-lane sums with
    // column j, lanes 8–15 with column j + 1 (cR1: j + 2, j + 3). Each lane runs the same FMA chain over k as the
    // 256-bit tiles' and the halves are reduced by the same Sum4, so every element has the same bits.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile4x4Wide(ref float a0, nint lda, ref float b0, nint ldb, int k, Vector256<float> tailMask, ref float c, nint ldc, float alpha, bool set)
    {
        // A pinned for the broadcast loads, which take addresses (a broadcast from memory needs no shuffle unit).
        fixed (float* pa = &a0)
        {
            float* a1 = pa + lda, a2 = a1 + lda, a3 = a2 + lda;
            ref float b1 = ref Unsafe.Add(ref b0, ldb);
            ref float b2 = ref Unsafe.Add(ref b1, ldb);
            ref float b3 = ref Unsafe.Add(ref b2, ldb);
            var c00 = Vector512<float>.Zero;
            var c01 = Vector512<float>.Zero;
            var c10 = Vector512<float>.Zero;
            var c11 = Vector512<float>.Zero;
            var c20 = Vector512<float>.Zero;
            var c21 = Vector512<float>.Zero;
            var c30 = Vector512<float>.Zero;
            var c31 = Vector512<float>.Zero;
            nuint end = (nuint)(k & ~7);
            nuint p = 0;
            for (; p < end; p += 8)
            {
                // Two rows of B side by side: the lower load widened as it is, the upper inserted (one shuffle).
                var vb01 = Vector256.LoadUnsafe(ref b0, p).ToVector512Unsafe().WithUpper(Vector256.LoadUnsafe(ref b1, p));
                var vb23 = Vector256.LoadUnsafe(ref b2, p).ToVector512Unsafe().WithUpper(Vector256.LoadUnsafe(ref b3, p));
                var va = Broadcast(pa + p);
                c00 = Vector512.FusedMultiplyAdd(va, vb01, c00);
                c01 = Vector512.FusedMultiplyAdd(va, vb23, c01);
                va = Broadcast(a1 + p);
                c10 = Vector512.FusedMultiplyAdd(va, vb01, c10);
                c11 = Vector512.FusedMultiplyAdd(va, vb23, c11);
                va = Broadcast(a2 + p);
                c20 = Vector512.FusedMultiplyAdd(va, vb01, c20);
                c21 = Vector512.FusedMultiplyAdd(va, vb23, c21);
                va = Broadcast(a3 + p);
                c30 = Vector512.FusedMultiplyAdd(va, vb01, c30);
                c31 = Vector512.FusedMultiplyAdd(va, vb23, c31);
            }

            if ((k & 7) != 0)
            {
                p = (nuint)(k - 8);
                var mask = tailMask.ToVector512Unsafe().WithUpper(tailMask);
                var vb01 = Vector256.LoadUnsafe(ref b0, p).ToVector512Unsafe().WithUpper(Vector256.LoadUnsafe(ref b1, p)) & mask;
                var vb23 = Vector256.LoadUnsafe(ref b2, p).ToVector512Unsafe().WithUpper(Vector256.LoadUnsafe(ref b3, p)) & mask;
                var va = Broadcast(pa + p) & mask;
                c00 = Vector512.FusedMultiplyAdd(va, vb01, c00);
                c01 = Vector512.FusedMultiplyAdd(va, vb23, c01);
                va = Broadcast(a1 + p) & mask;
                c10 = Vector512.FusedMultiplyAdd(va, vb01, c10);
                c11 = Vector512.FusedMultiplyAdd(va, vb23, c11);
                va = Broadcast(a2 + p) & mask;
                c20 = Vector512.FusedMultiplyAdd(va, vb01, c20);
                c21 = Vector512.FusedMultiplyAdd(va, vb23, c21);
                va = Broadcast(a3 + p) & mask;
                c30 = Vector512.FusedMultiplyAdd(va, vb01, c30);
                c31 = Vector512.FusedMultiplyAdd(va, vb23, c31);
            }

            var va4 = Vector128.Create(alpha);
            AddColumn(ref c, ldc, Simd.Sum4(c00.GetLower(), c10.GetLower(), c20.GetLower(), c30.GetLower()) * va4, set);
            AddColumn(ref Unsafe.Add(ref c, 1), ldc, Simd.Sum4(c00.GetUpper(), c10.GetUpper(), c20.GetUpper(), c30.GetUpper()) * va4, set);
            AddColumn(ref Unsafe.Add(ref c, 2), ldc, Simd.Sum4(c01.GetLower(), c11.GetLower(), c21.GetLower(), c31.GetLower()) * va4, set);
            AddColumn(ref Unsafe.Add(ref c, 3), ldc, Simd.Sum4(c01.GetUpper(), c11.GetUpper(), c21.GetUpper(), c31.GetUpper()) * va4, set);
        }
    }

    // Eight floats in both halves of a 512-bit register: one load, no shuffle, with AVX-512 DQ (the emulated 512-bit
    // path of tests on AVX2 machines builds it from two halves).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> Broadcast(float* address) =>
        Avx512DQ.IsSupported ? Avx512DQ.BroadcastVector256ToVector512(address) : Vector512.Create(Vector256.Load(address));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x1(ref float a0, nint lda, ref float b0, int k, Vector256<float> tailMask, ref float c, nint ldc, float alpha, bool set)
    {
        ref float a1 = ref Unsafe.Add(ref a0, lda);
        ref float a2 = ref Unsafe.Add(ref a1, lda);
        ref float a3 = ref Unsafe.Add(ref a2, lda);
        var c0 = Vector256<float>.Zero;
        var c1 = Vector256<float>.Zero;
        var c2 = Vector256<float>.Zero;
        var c3 = Vector256<float>.Zero;
        nuint end = (nuint)(k & ~7);
        nuint p = 0;
        for (; p < end; p += 8)
        {
            var vb = Vector256.LoadUnsafe(ref b0, p);
            c0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a0, p), vb, c0);
            c1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a1, p), vb, c1);
            c2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a2, p), vb, c2);
            c3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a3, p), vb, c3);
        }

        if ((k & 7) != 0)
        {
            p = (nuint)(k - 8);
            var vb = Vector256.LoadUnsafe(ref b0, p) & tailMask;
            c0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a0, p) & tailMask, vb, c0);
            c1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a1, p) & tailMask, vb, c1);
            c2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a2, p) & tailMask, vb, c2);
            c3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a3, p) & tailMask, vb, c3);
        }

        AddColumn(ref c, ldc, Simd.Sum4(c0, c1, c2, c3) * Vector128.Create(alpha), set);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot(ref float a, ref float b, int k, Vector256<float> tailMask)
    {
        var s0 = Vector256<float>.Zero;
        var s1 = Vector256<float>.Zero;
        nuint end = (nuint)(k & ~7);
        nuint p = 0;
        for (; p + 16 <= end; p += 16)
        {
            s0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a, p), Vector256.LoadUnsafe(ref b, p), s0);
            s1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a, p + 8), Vector256.LoadUnsafe(ref b, p + 8), s1);
        }

        if (p < end)
        {
            s0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a, p), Vector256.LoadUnsafe(ref b, p), s0);
        }

        if ((k & 7) != 0)
        {
            p = (nuint)(k - 8);
            s1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a, p) & tailMask, Vector256.LoadUnsafe(ref b, p) & tailMask, s1);
        }

        return Vector256.Sum(s0 + s1);
    }

    // Four rows of one column of C; with set, C's old values are not read (0 + x turns a −0 into +0, as adding into a
    // zeroed C does).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddColumn(ref float c, nint ldc, Vector128<float> sums, bool set)
    {
        if (set)
        {
            c = 0f + sums.GetElement(0);
            Unsafe.Add(ref c, ldc) = 0f + sums.GetElement(1);
            Unsafe.Add(ref c, 2 * ldc) = 0f + sums.GetElement(2);
            Unsafe.Add(ref c, 3 * ldc) = 0f + sums.GetElement(3);
            return;
        }

        c += sums.GetElement(0);
        Unsafe.Add(ref c, ldc) += sums.GetElement(1);
        Unsafe.Add(ref c, 2 * ldc) += sums.GetElement(2);
        Unsafe.Add(ref c, 3 * ldc) += sums.GetElement(3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scalar(ref float a, nint lda, ref float b, nint ldb, ref float c, nint ldc, int m, int n, int k, float alpha, bool overwrite)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    sum += Unsafe.Add(ref a, i * lda + p) * Unsafe.Add(ref b, j * ldb + p);
                }

                ref float cij = ref Unsafe.Add(ref c, i * ldc + j);
                cij = (overwrite ? 0f : cij) + alpha * sum;
            }
        }
    }
}
