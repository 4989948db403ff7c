using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SymbolicGrad.CompilerServices;

public static partial class Kernels
{
    /// <summary><c>y += A·x</c> for a row-major rows × cols matrix A.</summary>
    /// <param name="a">The matrix, rows × cols elements.</param>
    /// <param name="rows">Rows of A (the length of y).</param>
    /// <param name="cols">Columns of A (the length of x).</param>
    /// <param name="x">Input vector.</param>
    /// <param name="y">Output vector, accumulated into; must not overlap a or x.</param>
    public static void MatVecAdd(ReadOnlySpan<float> a, int rows, int cols, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckMatVecSpans(a, rows, cols, x, y, transposed: false, "Kernels.MatVecAdd");
        if (rows == 0 || cols == 0)
        {
            return;
        }

        if (IsAccelerated)
        {
            VectorJob.MatVec(ref MemoryMarshal.GetReference(a), rows, cols, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y));
        }
        else
        {
            for (int r = 0; r < rows; r++)
            {
                y[r] += TensorPrimitives.Dot(a.Slice(r * cols, cols), x);
            }
        }
    }

    /// <summary><c>y += A·x</c> with shapes taken from the views.</summary>
    /// <param name="a">The matrix A.</param>
    /// <param name="x">Input vector of length A.Cols.</param>
    /// <param name="y">Output vector of length A.Rows, accumulated into.</param>
    public static void MatVecAdd(Mat a, Vec x, Vec y)
    {
        CheckMatVecViews(a, x, y, transposed: false, "MatVecAdd");

        MatVecAdd(a.Span, a.Rows, a.Cols, x.Span, y.Span);
    }

    /// <summary><c>y += Aᵀ·x</c> for a row-major rows × cols matrix A (back-propagating through <c>A·x</c>).</summary>
    /// <param name="a">The matrix, rows × cols elements.</param>
    /// <param name="rows">Rows of A (the length of x).</param>
    /// <param name="cols">Columns of A (the length of y).</param>
    /// <param name="x">Input vector.</param>
    /// <param name="y">Output vector, accumulated into; must not overlap a or x.</param>
    public static void MatTVecAdd(ReadOnlySpan<float> a, int rows, int cols, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckMatVecSpans(a, rows, cols, x, y, transposed: true, "Kernels.MatTVecAdd");
        if (rows == 0 || cols == 0)
        {
            return;
        }

        if (IsAccelerated)
        {
            VectorJob.MatTVec(ref MemoryMarshal.GetReference(a), rows, cols, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y));
        }
        else
        {
            for (int r = 0; r < rows; r++)
            {
                TensorPrimitives.MultiplyAdd(a.Slice(r * cols, cols), x[r], y, y);
            }
        }
    }

    /// <summary><c>y += Aᵀ·x</c> with shapes taken from the views.</summary>
    /// <param name="a">The matrix A.</param>
    /// <param name="x">Input vector of length A.Rows.</param>
    /// <param name="y">Output vector of length A.Cols, accumulated into.</param>
    public static void MatTVecAdd(Mat a, Vec x, Vec y)
    {
        CheckMatVecViews(a, x, y, transposed: true, "MatTVecAdd");

        MatTVecAdd(a.Span, a.Rows, a.Cols, x.Span, y.Span);
    }

    /// <summary>Rank-1 update <c>A += α·u·vᵀ</c> (the weight gradient of <c>A·v</c> with output gradient u).</summary>
    /// <remarks>
    /// Rows where α·u[r] is 0 are skipped: behind a ReLU about half of the output gradient is exactly 0, and adding
    /// 0·v changes nothing unless v holds an infinity or NaN (which the forward pass would already have shown).
    /// </remarks>
    /// <param name="a">The rows × cols matrix, updated in place.</param>
    /// <param name="rows">Rows of A (the length of u).</param>
    /// <param name="cols">Columns of A (the length of v).</param>
    /// <param name="alpha">Scale factor α.</param>
    /// <param name="u">Column factor.</param>
    /// <param name="v">Row factor.</param>
    public static void OuterAdd(Span<float> a, int rows, int cols, float alpha, ReadOnlySpan<float> u, ReadOnlySpan<float> v)
    {
        CheckOuterSpans(a, rows, cols, u, v, "Kernels.OuterAdd");
        if (rows == 0 || cols == 0)
        {
            return;
        }

        if (IsAccelerated)
        {
            ref float ra = ref MemoryMarshal.GetReference(a);
            OuterJob<AddStore>.Run(ref ra, ref ra, rows, cols, alpha, ref MemoryMarshal.GetReference(u), ref MemoryMarshal.GetReference(v), default);
        }
        else
        {
            for (int r = 0; r < rows; r++)
            {
                float s = alpha * u[r];
                if (s == 0f) continue;
                var row = a.Slice(r * cols, cols);
                TensorPrimitives.MultiplyAdd(v, s, row, row);
            }
        }
    }

    /// <summary>Rank-1 update <c>A += α·u·vᵀ</c> with shapes taken from the views.</summary>
    /// <param name="a">The matrix A, updated in place.</param>
    /// <param name="alpha">Scale factor α.</param>
    /// <param name="u">Vector of length A.Rows.</param>
    /// <param name="v">Vector of length A.Cols.</param>
    public static void OuterAdd(Mat a, float alpha, Vec u, Vec v)
    {
        CheckOuterViews(a, u, v, "OuterAdd");

        OuterAdd(a.Span, a.Rows, a.Cols, alpha, u.Span, v.Span);
    }

    // Four rows at a time share each load of x; four independent accumulators hide the FMA latency. Rows past the last
    // multiple of four take another path (a different summation order): callers cut rows at multiples of four. With
    // overwrite y is written, not read: 0 + s, what adding into a zeroed y gives (a −0 becomes +0). No 16-float body:
    // it would sum in other lanes (another rounding) for 1–8% on the step's shapes, measured (docs/performance.md).
    // With KernelSwitches.MatVecLastRowsFirst the blocks of four rows run from the last to the first: a layer's update
    // walks its rows from the first, so the rows it touched last are the ones still in cache when the next step's A·x
    // starts (rows are independent: the order changes no bits).
    internal static void MatVecFma(ref float a, int rows, int cols, ref float x, ref float y, bool overwrite = false)
    {
        nint n = cols;
        nint vecEnd = n & ~(nint)7;
        int blocks = rows / 4;
        bool lastFirst = KernelSwitches.MatVecLastRowsFirst;
        for (int block = 0; block < blocks; block++)
        {
            int r = 4 * (lastFirst ? blocks - 1 - block : block);
            ref float a0 = ref Unsafe.Add(ref a, (nint)r * n);
            ref float a1 = ref Unsafe.Add(ref a0, n);
            ref float a2 = ref Unsafe.Add(ref a1, n);
            ref float a3 = ref Unsafe.Add(ref a2, n);
            var s0 = Vector256<float>.Zero;
            var s1 = Vector256<float>.Zero;
            var s2 = Vector256<float>.Zero;
            var s3 = Vector256<float>.Zero;
            nint k = 0;
            for (; k < vecEnd; k += 8)
            {
                var xv = Vector256.LoadUnsafe(ref x, (nuint)k);
                s0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a0, (nuint)k), xv, s0);
                s1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a1, (nuint)k), xv, s1);
                s2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a2, (nuint)k), xv, s2);
                s3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a3, (nuint)k), xv, s3);
            }

            var sums = Simd.Sum4(s0, s1, s2, s3);
            float t0 = sums[0], t1 = sums[1], t2 = sums[2], t3 = sums[3];
            for (; k < n; k++)
            {
                float xk = Unsafe.Add(ref x, k);
                t0 += Unsafe.Add(ref a0, k) * xk;
                t1 += Unsafe.Add(ref a1, k) * xk;
                t2 += Unsafe.Add(ref a2, k) * xk;
                t3 += Unsafe.Add(ref a3, k) * xk;
            }

            ref float yr = ref Unsafe.Add(ref y, r);
            if (overwrite)
            {
                yr = 0f + t0;
                Unsafe.Add(ref yr, 1) = 0f + t1;
                Unsafe.Add(ref yr, 2) = 0f + t2;
                Unsafe.Add(ref yr, 3) = 0f + t3;
            }
            else
            {
                yr += t0;
                Unsafe.Add(ref yr, 1) += t1;
                Unsafe.Add(ref yr, 2) += t2;
                Unsafe.Add(ref yr, 3) += t3;
            }
        }

        for (int r = 4 * blocks; r < rows; r++)
        {
            ref float yr = ref Unsafe.Add(ref y, r);
            yr = (overwrite ? 0f : yr) + Simd.Dot(ref Unsafe.Add(ref a, (nint)r * n), ref x, cols);
        }
    }

    // Four rows at a time: each chunk of y is loaded and stored once per four rows. Columns [0, cols) of A (row
    // stride lda) and of y. Every y[j] gets the same FMAs in the same order on the vector and scalar paths, so the
    // columns can be cut anywhere. With overwrite the first rows' FMAs start from +0 instead of reading y (what a
    // zeroed y gives); rows ≥ 1. The 16-float body (UseVector512) does each element's FMAs in the same order: same bits.
    internal static void MatTVecFma(ref float a, nint lda, int rows, int cols, ref float x, ref float y, bool overwrite = false)
    {
        bool wide = UseVector512;
        int r = 0;
        if (overwrite)
        {
            // Only the first rows start from zero: the loops below stay free of that test.
            if (rows >= 4)
            {
                MatTVecFourRows(ref a, lda, 0, cols, ref x, ref y, fresh: true, wide);
                r = 4;
            }
            else
            {
                MatTVecOneRow(ref a, lda, 0, cols, ref x, ref y, fresh: true, wide);
                r = 1;
            }
        }

        for (; r + 4 <= rows; r += 4)
        {
            MatTVecFourRows(ref a, lda, r, cols, ref x, ref y, fresh: false, wide);
        }

        for (; r < rows; r++)
        {
            MatTVecOneRow(ref a, lda, r, cols, ref x, ref y, fresh: false, wide);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MatTVecFourRows(ref float a, nint lda, int r, int cols, ref float x, ref float y, bool fresh, bool wide)
    {
        nint n = cols;
        nint vecEnd = n & ~(nint)7;
        ref float a0 = ref Unsafe.Add(ref a, r * lda);
        ref float a1 = ref Unsafe.Add(ref a0, lda);
        ref float a2 = ref Unsafe.Add(ref a1, lda);
        ref float a3 = ref Unsafe.Add(ref a2, lda);
        float x0 = Unsafe.Add(ref x, r), x1 = Unsafe.Add(ref x, r + 1), x2 = Unsafe.Add(ref x, r + 2), x3 = Unsafe.Add(ref x, r + 3);
        var v0 = Vector256.Create(x0);
        var v1 = Vector256.Create(x1);
        var v2 = Vector256.Create(x2);
        var v3 = Vector256.Create(x3);
        nint k = 0;
        if (wide)
        {
            var w0 = Vector512.Create(x0);
            var w1 = Vector512.Create(x1);
            var w2 = Vector512.Create(x2);
            var w3 = Vector512.Create(x3);
            for (; k + 16 <= n; k += 16)
            {
                var acc = fresh ? Vector512<float>.Zero : Vector512.LoadUnsafe(ref y, (nuint)k);
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a0, (nuint)k), w0, acc);
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a1, (nuint)k), w1, acc);
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a2, (nuint)k), w2, acc);
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a3, (nuint)k), w3, acc);
                acc.StoreUnsafe(ref y, (nuint)k);
            }
        }

        for (; k < vecEnd; k += 8)
        {
            var acc = fresh ? Vector256<float>.Zero : Vector256.LoadUnsafe(ref y, (nuint)k);
            acc = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a0, (nuint)k), v0, acc);
            acc = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a1, (nuint)k), v1, acc);
            acc = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a2, (nuint)k), v2, acc);
            acc = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a3, (nuint)k), v3, acc);
            acc.StoreUnsafe(ref y, (nuint)k);
        }

        for (; k < n; k++)
        {
            float acc = fresh ? 0f : Unsafe.Add(ref y, k);
            acc = MathF.FusedMultiplyAdd(Unsafe.Add(ref a0, k), x0, acc);
            acc = MathF.FusedMultiplyAdd(Unsafe.Add(ref a1, k), x1, acc);
            acc = MathF.FusedMultiplyAdd(Unsafe.Add(ref a2, k), x2, acc);
            Unsafe.Add(ref y, k) = MathF.FusedMultiplyAdd(Unsafe.Add(ref a3, k), x3, acc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MatTVecOneRow(ref float a, nint lda, int r, int cols, ref float x, ref float y, bool fresh, bool wide)
    {
        nint n = cols;
        nint vecEnd = n & ~(nint)7;
        ref float ar = ref Unsafe.Add(ref a, r * lda);
        float xr = Unsafe.Add(ref x, r);
        var vr = Vector256.Create(xr);
        nint k = 0;
        if (wide)
        {
            var wr = Vector512.Create(xr);
            for (; k + 16 <= n; k += 16)
            {
                var acc = fresh ? Vector512<float>.Zero : Vector512.LoadUnsafe(ref y, (nuint)k);
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ar, (nuint)k), wr, acc).StoreUnsafe(ref y, (nuint)k);
            }
        }

        for (; k < vecEnd; k += 8)
        {
            var acc = fresh ? Vector256<float>.Zero : Vector256.LoadUnsafe(ref y, (nuint)k);
            Fma.MultiplyAdd(Vector256.LoadUnsafe(ref ar, (nuint)k), vr, acc).StoreUnsafe(ref y, (nuint)k);
        }

        for (; k < n; k++)
        {
            Unsafe.Add(ref y, k) = MathF.FusedMultiplyAdd(Unsafe.Add(ref ar, k), xr, fresh ? 0f : Unsafe.Add(ref y, k));
        }
    }

    // Row r of A gets the store's α·u[r]·v (A += α·u[r]·v for the plain kernel). A row whose coefficient is 0 is
    // skipped: behind an inactive ReLU it adds nothing (the update stores still apply a zero gradient's update). The
    // 16-float body (UseVector512) gives each element the store's same arithmetic: the same bits.
    internal static void OuterFma<TStore>(ref float a, ref float state, int rows, int cols, float alpha, ref float u, ref float v, TStore store)
        where TStore : struct, ITileStore
    {
        bool wide = UseVector512;
        for (int r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref a, (nint)r * cols);
            ref float rowState = ref Unsafe.Add(ref state, (nint)r * cols);
            float s = alpha * Unsafe.Add(ref u, r);
            if (s == 0f)
            {
                store.Skip(ref row, ref rowState, cols);
                continue;
            }

            var vs = Vector256.Create(s);
            nint j = 0;
            if (wide)
            {
                var ws = Vector512.Create(s);
                for (; j + 16 <= cols; j += 16)
                {
                    store.Store(ref Unsafe.Add(ref row, j), ref Unsafe.Add(ref rowState, j), Vector512.LoadUnsafe(ref v, (nuint)j), ws);
                }
            }

            for (; j + 8 <= cols; j += 8)
            {
                store.Store(ref Unsafe.Add(ref row, j), ref Unsafe.Add(ref rowState, j), Vector256.LoadUnsafe(ref v, (nuint)j), vs);
            }

            for (; j < cols; j++)
            {
                store.Store(ref Unsafe.Add(ref row, j), ref Unsafe.Add(ref rowState, j), Unsafe.Add(ref v, j), s);
            }
        }
    }

    /// <summary>
    /// The span checks of <c>y (+)= A·x</c> and, <paramref name="transposed"/>, <c>y (+)= Aᵀ·x</c>: A's size, x and y
    /// the lengths A's side asks, y apart from what it reads.
    /// </summary>
    private static void CheckMatVecSpans(ReadOnlySpan<float> a, int rows, int cols, ReadOnlySpan<float> x, Span<float> y, bool transposed, string where)
    {
        Guard.MatrixSpan(a.Length, rows, cols, nameof(a), where);
        Guard.OperandOfMatrix(x.Length, transposed ? rows : cols, nameof(x), where, "A", rows, cols);
        Guard.OperandOfMatrix(y.Length, transposed ? cols : rows, nameof(y), where, "A", rows, cols);
        Guard.NoOverlap(a, y, nameof(a), nameof(y), where);
        Guard.NoOverlap(x, y, nameof(x), nameof(y), where);
    }

    /// <summary>The shape check of a matrix–vector product's <see cref="Mat"/> form (x and y the lengths A's side asks).</summary>
    private static void CheckMatVecViews(Mat a, Vec x, Vec y, bool transposed, string name)
    {
        int xLength = transposed ? a.Rows : a.Cols, yLength = transposed ? a.Cols : a.Rows;
        if (xLength != x.Length || yLength != y.Length)
        {
            throw new ArgumentException(
                $"Kernels.{name}(a, x, y): a is {a}, so x must be Vec[{xLength}] and y Vec[{yLength}], but x is {x} and y is {y}.");
        }
    }

    /// <summary>The span checks of <c>A (+)= α·u·vᵀ</c>: A's size, u and v its sides, A apart from both.</summary>
    private static void CheckOuterSpans(Span<float> a, int rows, int cols, ReadOnlySpan<float> u, ReadOnlySpan<float> v, string where)
    {
        Guard.MatrixSpan(a.Length, rows, cols, nameof(a), where);
        Guard.OperandOfMatrix(u.Length, rows, nameof(u), where, "A", rows, cols);
        Guard.OperandOfMatrix(v.Length, cols, nameof(v), where, "A", rows, cols);
        Guard.NoOverlap(u, a, nameof(u), nameof(a), where);
        Guard.NoOverlap(v, a, nameof(v), nameof(a), where);
    }

    /// <summary>The shape check of an outer product's <see cref="Mat"/> form.</summary>
    private static void CheckOuterViews(Mat a, Vec u, Vec v, string name)
    {
        if (a.Rows != u.Length || a.Cols != v.Length)
        {
            throw new ArgumentException(
                $"Kernels.{name}(a, alpha, u, v): a is {a}, so u must be Vec[{a.Rows}] and v Vec[{a.Cols}], but u is {u} and v is {v}.");
        }
    }
}
