using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace SymbolicGrad.CompilerServices;

public static partial class Kernels
{
    /// <summary><c>C += α·A·B</c>: A is m × k, B is k × n, C is m × n, all row-major and contiguous (back-propagation <c>δ_in = δ·W</c> over a batch).</summary>
    /// <param name="a">A, m × k.</param>
    /// <param name="b">B, k × n.</param>
    /// <param name="c">C, m × n, accumulated into; must not overlap a or b.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="k">Columns of A, rows of B.</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMulAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, float alpha = 1f)
    {
        const string where = "Kernels.MatMulAdd";
        Guard.MatrixSpan(a.Length, m, k, nameof(a), where);
        Guard.MatrixSpan(b.Length, k, n, nameof(b), where);
        Guard.MatrixSpan(c.Length, m, n, nameof(c), where);
        Gemm(GemmLayout.AB, a, k, b, n, c, n, m, n, k, alpha, false, where);
    }

    /// <summary><c>C += α·A·B</c> with leading dimensions: element (i, j) of a matrix X is at <c>x[i·ldx + j]</c>, so sub-matrices (column blocks) can be used.</summary>
    /// <param name="a">A, m × k with leading dimension lda ≥ k.</param>
    /// <param name="lda">Distance between rows of A.</param>
    /// <param name="b">B, k × n with leading dimension ldb ≥ n.</param>
    /// <param name="ldb">Distance between rows of B.</param>
    /// <param name="c">C, m × n with leading dimension ldc ≥ n, accumulated into; must not overlap a or b.</param>
    /// <param name="ldc">Distance between rows of C.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="k">Columns of A, rows of B.</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMulAdd(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, int m, int n, int k, float alpha = 1f)
    {
        const string where = "Kernels.MatMulAdd";
        Guard.StridedSpan(a.Length, m, k, lda, nameof(a), where);
        Guard.StridedSpan(b.Length, k, n, ldb, nameof(b), where);
        Guard.StridedSpan(c.Length, m, n, ldc, nameof(c), where);
        Gemm(GemmLayout.AB, a, lda, b, ldb, c, ldc, m, n, k, alpha, false, where);
    }

    /// <summary><c>C += α·A·B</c> with shapes taken from the views (A: m × k, B: k × n, C: m × n).</summary>
    /// <param name="a">A.</param>
    /// <param name="b">B.</param>
    /// <param name="c">C, accumulated into.</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMulAdd(Mat a, Mat b, Mat c, float alpha = 1f)
    {
        CheckViews(GemmLayout.AB, a, b, c, "MatMulAdd", "+=");
        MatMulAdd(a.Span, b.Span, c.Span, a.Rows, b.Cols, a.Cols, alpha);
    }

    /// <summary><c>C += α·A·Bᵀ</c>: A is m × k, B is n × k, C is m × n, all row-major and contiguous (a dense layer's forward pass over a batch: <c>Y += X·Wᵀ</c>).</summary>
    /// <param name="a">A, m × k.</param>
    /// <param name="b">B, n × k.</param>
    /// <param name="c">C, m × n, accumulated into; must not overlap a or b.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="n">Rows of B, columns of C.</param>
    /// <param name="k">Columns of A and B.</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMulAddABt(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, float alpha = 1f)
    {
        const string where = "Kernels.MatMulAddABt";
        Guard.MatrixSpan(a.Length, m, k, nameof(a), where);
        Guard.MatrixSpan(b.Length, n, k, nameof(b), where);
        Guard.MatrixSpan(c.Length, m, n, nameof(c), where);
        Gemm(GemmLayout.ABt, a, k, b, k, c, n, m, n, k, alpha, false, where);
    }

    /// <summary><c>C += α·A·Bᵀ</c> with leading dimensions (element (i, j) of X at <c>x[i·ldx + j]</c>).</summary>
    /// <param name="a">A, m × k with leading dimension lda ≥ k.</param>
    /// <param name="lda">Distance between rows of A.</param>
    /// <param name="b">B, n × k with leading dimension ldb ≥ k.</param>
    /// <param name="ldb">Distance between rows of B.</param>
    /// <param name="c">C, m × n with leading dimension ldc ≥ n, accumulated into; must not overlap a or b.</param>
    /// <param name="ldc">Distance between rows of C.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="n">Rows of B, columns of C.</param>
    /// <param name="k">Columns of A and B.</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMulAddABt(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, int m, int n, int k, float alpha = 1f)
    {
        const string where = "Kernels.MatMulAddABt";
        Guard.StridedSpan(a.Length, m, k, lda, nameof(a), where);
        Guard.StridedSpan(b.Length, n, k, ldb, nameof(b), where);
        Guard.StridedSpan(c.Length, m, n, ldc, nameof(c), where);
        Gemm(GemmLayout.ABt, a, lda, b, ldb, c, ldc, m, n, k, alpha, false, where);
    }

    /// <summary><c>C += α·A·Bᵀ</c> with shapes taken from the views (A: m × k, B: n × k, C: m × n).</summary>
    /// <param name="a">A.</param>
    /// <param name="b">B.</param>
    /// <param name="c">C, accumulated into.</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMulAddABt(Mat a, Mat b, Mat c, float alpha = 1f)
    {
        CheckViews(GemmLayout.ABt, a, b, c, "MatMulAddABt", "+=");
        MatMulAddABt(a.Span, b.Span, c.Span, a.Rows, b.Rows, a.Cols, alpha);
    }

    /// <summary><c>C += α·Aᵀ·B</c>: A is k × m, B is k × n, C is m × n, all row-major and contiguous (a dense layer's weight gradient over a batch: <c>∂W += δᵀ·X</c>).</summary>
    /// <param name="a">A, k × m.</param>
    /// <param name="b">B, k × n.</param>
    /// <param name="c">C, m × n, accumulated into; must not overlap a or b.</param>
    /// <param name="m">Columns of A, rows of C.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="k">Rows of A and B.</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMulAddAtB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, float alpha = 1f)
    {
        const string where = "Kernels.MatMulAddAtB";
        Guard.MatrixSpan(a.Length, k, m, nameof(a), where);
        Guard.MatrixSpan(b.Length, k, n, nameof(b), where);
        Guard.MatrixSpan(c.Length, m, n, nameof(c), where);
        Gemm(GemmLayout.AtB, a, m, b, n, c, n, m, n, k, alpha, false, where);
    }

    /// <summary><c>C += α·Aᵀ·B</c> with leading dimensions (element (i, j) of X at <c>x[i·ldx + j]</c>).</summary>
    /// <param name="a">A, k × m with leading dimension lda ≥ m.</param>
    /// <param name="lda">Distance between rows of A.</param>
    /// <param name="b">B, k × n with leading dimension ldb ≥ n.</param>
    /// <param name="ldb">Distance between rows of B.</param>
    /// <param name="c">C, m × n with leading dimension ldc ≥ n, accumulated into; must not overlap a or b.</param>
    /// <param name="ldc">Distance between rows of C.</param>
    /// <param name="m">Columns of A, rows of C.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="k">Rows of A and B.</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMulAddAtB(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, int m, int n, int k, float alpha = 1f)
    {
        const string where = "Kernels.MatMulAddAtB";
        Guard.StridedSpan(a.Length, k, m, lda, nameof(a), where);
        Guard.StridedSpan(b.Length, k, n, ldb, nameof(b), where);
        Guard.StridedSpan(c.Length, m, n, ldc, nameof(c), where);
        Gemm(GemmLayout.AtB, a, lda, b, ldb, c, ldc, m, n, k, alpha, false, where);
    }

    /// <summary><c>C += α·Aᵀ·B</c> with shapes taken from the views (A: k × m, B: k × n, C: m × n).</summary>
    /// <param name="a">A.</param>
    /// <param name="b">B.</param>
    /// <param name="c">C, accumulated into.</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMulAddAtB(Mat a, Mat b, Mat c, float alpha = 1f)
    {
        CheckViews(GemmLayout.AtB, a, b, c, "MatMulAddAtB", "+=");
        MatMulAddAtB(a.Span, b.Span, c.Span, a.Cols, b.Cols, a.Rows, alpha);
    }

    private enum GemmLayout
    {
        AB,
        ABt,
        AtB,
    }

    /// <summary>The shape check of a product's <see cref="Mat"/> form: op(a)·op(b) must fit, and c must be its shape.</summary>
    private static void CheckViews(GemmLayout layout, Mat a, Mat b, Mat c, string name, string assign)
    {
        // The inner dimensions each layout multiplies over, and the shape of the product.
        var (product, inner, innerA, innerB, rows, cols) = layout switch
        {
            GemmLayout.AB => ("a·b", "a.Cols must equal b.Rows", a.Cols, b.Rows, a.Rows, b.Cols),
            GemmLayout.ABt => ("a·bᵀ", "a.Cols must equal b.Cols", a.Cols, b.Cols, a.Rows, b.Rows),
            _ => ("aᵀ·b", "a.Rows must equal b.Rows", a.Rows, b.Rows, a.Cols, b.Cols),
        };
        if (innerA != innerB || c.Rows != rows || c.Cols != cols)
        {
            throw new ArgumentException(
                $"Kernels.{name}(a, b, c) computes c {assign} {product}: a is {a} and b is {b}, so {inner} and c must be Mat[{rows}×{cols}]; c is {c}.");
        }
    }

    // overwrite: C = α·op(A)·op(B), bit for bit what clearing C and adding gives (see SetStore), without reading C.
    private static void Gemm(GemmLayout layout, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, int m, int n, int k, float alpha, bool overwrite, string where)
    {
        Guard.NoOverlap(a, c, nameof(a), nameof(c), where);
        Guard.NoOverlap(b, c, nameof(b), nameof(c), where);
        if (m == 0 || n == 0)
        {
            return;
        }

        if (overwrite && !KernelSwitches.OverwritingProducts)
        {
            ClearRows(c, ldc, m, n);
            overwrite = false;
        }

        if (k == 0 || alpha == 0f)
        {
            if (overwrite)
            {
                ClearRows(c, ldc, m, n);
            }

            return;
        }

        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        if (!IsAccelerated)
        {
            if (overwrite)
            {
                ClearRows(c, ldc, m, n);
            }

            GemmFallback(layout, a, lda, b, ldb, c, ldc, m, n, k, alpha);
        }
        else if (overwrite)
        {
            Gemm<SetStore>(layout, ref ra, lda, ref rb, ldb, ref rc, ldc, m, n, k, alpha);
        }
        else
        {
            Gemm<AddStore>(layout, ref ra, lda, ref rb, ldb, ref rc, ldc, m, n, k, alpha);
        }
    }

    private static void Gemm<TStore>(GemmLayout layout, ref float a, int lda, ref float b, int ldb, ref float c, int ldc, int m, int n, int k, float alpha)
        where TStore : struct, ITileStore
    {
        if (layout == GemmLayout.AB)
        {
            GemmJob<TStore>.Run(false, ref a, lda, 1, ref b, ldb, 1, ref c, ref c, ldc, m, n, k, alpha, default);
        }
        else if (layout == GemmLayout.AtB)
        {
            GemmJob<TStore>.Run(false, ref a, 1, lda, ref b, ldb, 1, ref c, ref c, ldc, m, n, k, alpha, default);
        }
        else
        {
            // With enough rows to amortize transposing B into panels the packed kernel is faster (≈ 90 vs 75 GFLOP/s);
            // few rows (small batches) or few outputs (e.g. 10 classes) take dot products of rows, no packing.
            bool dot = m < 32 || n < 32;
            GemmJob<TStore>.Run(dot, ref a, lda, 1, ref b, 1, ldb, ref c, ref c, ldc, m, n, k, alpha, default);
        }
    }

    private static void ClearRows(Span<float> c, int ldc, int m, int n)
    {
        for (int i = 0; i < m; i++)
        {
            c.Slice(i * ldc, n).Clear();
        }
    }

    // Without AVX2 + FMA: rows of TensorPrimitives calls (Vector<T>-width SIMD inside).
    private static void GemmFallback(GemmLayout layout, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, int m, int n, int k, float alpha)
    {
        for (int i = 0; i < m; i++)
        {
            var cRow = c.Slice(i * ldc, n);
            if (layout == GemmLayout.ABt)
            {
                var aRow = a.Slice(i * lda, k);
                for (int j = 0; j < n; j++)
                {
                    cRow[j] += alpha * TensorPrimitives.Dot(aRow, b.Slice(j * ldb, k));
                }

                continue;
            }

            for (int p = 0; p < k; p++)
            {
                float aip = layout == GemmLayout.AB ? a[i * lda + p] : a[p * lda + i];
                TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), alpha * aip, cRow, cRow);
            }
        }
    }

    /// <summary>The packed 6 × 16 path on the A·Bᵀ layout, whatever the size; for tests and benchmarks.</summary>
    internal static void MatMulAddABtPacked(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, float alpha = 1f) =>
        PackedGemm.Run(ref MemoryMarshal.GetReference(a), k, 1, ref MemoryMarshal.GetReference(b), 1, k, ref MemoryMarshal.GetReference(c), n, m, n, k, alpha);

    /// <summary>The packed 6 × 16 path on the A·Bᵀ layout writing C over, whatever the size; for tests and benchmarks.</summary>
    internal static void MatMulABtPacked(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, float alpha = 1f)
    {
        ref float rc = ref MemoryMarshal.GetReference(c);
        PackedGemm.Run(ref MemoryMarshal.GetReference(a), k, 1, ref MemoryMarshal.GetReference(b), 1, k, ref rc, ref rc, n, m, n, k, alpha, default(SetStore));
    }

    /// <summary>The dot-product 4 × 3 path on the A·Bᵀ layout, whatever the size; for tests and benchmarks.</summary>
    internal static void MatMulAddABtDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, float alpha = 1f) =>
        DotGemm.Run(ref MemoryMarshal.GetReference(a), k, ref MemoryMarshal.GetReference(b), k, ref MemoryMarshal.GetReference(c), n, m, n, k, alpha);

    /// <summary>The dot-product 4 × 3 path on the A·Bᵀ layout writing C over, whatever the size; for tests and benchmarks.</summary>
    internal static void MatMulABtDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, float alpha = 1f) =>
        DotGemm.Run(ref MemoryMarshal.GetReference(a), k, ref MemoryMarshal.GetReference(b), k, ref MemoryMarshal.GetReference(c), n, m, n, k, alpha, overwrite: true);

    /// <summary>The TensorPrimitives fallback, whatever the hardware; for tests.</summary>
    internal static void MatMulAddFallback(int layout, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, int m, int n, int k, float alpha) =>
        GemmFallback((GemmLayout)layout, a, lda, b, ldb, c, ldc, m, n, k, alpha);
}
