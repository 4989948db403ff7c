using System.Runtime.InteropServices;

namespace SymbolicGrad.CompilerServices;

// The products written over their output: what generated code calls for a product into a fresh buffer, instead of
// clearing it and calling the Add form (a serial pass over C on the calling thread, then C read back by the product).
// Each gives the same bits as that clear-then-add, including +0 where an element's sum is −0, so either may be used.
public static partial class Kernels
{
    /// <summary>
    /// <c>C = α·A·B</c>: A is m × k, B is k × n, C is m × n, all row-major and contiguous. C's old contents are never
    /// read (garbage or NaN in it does not matter); the result is bit for bit that of clearing C and calling
    /// <see cref="MatMulAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, float)"/>, including
    /// +0 where a sum is −0.
    /// </summary>
    /// <param name="a">A, m × k.</param>
    /// <param name="b">B, k × n.</param>
    /// <param name="c">C, m × n, written; must not overlap a or b.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="k">Columns of A, rows of B (0 writes zeros).</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, float alpha = 1f)
    {
        const string where = "Kernels.MatMul";
        Guard.MatrixSpan(a.Length, m, k, nameof(a), where);
        Guard.MatrixSpan(b.Length, k, n, nameof(b), where);
        Guard.MatrixSpan(c.Length, m, n, nameof(c), where);
        Gemm(GemmLayout.AB, a, k, b, n, c, n, m, n, k, alpha, true, where);
    }

    /// <summary><c>C = α·A·B</c> with shapes taken from the views (A: m × k, B: k × n, C: m × n); C is written, never read.</summary>
    /// <param name="a">A.</param>
    /// <param name="b">B.</param>
    /// <param name="c">C, written.</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMul(Mat a, Mat b, Mat c, float alpha = 1f)
    {
        CheckViews(GemmLayout.AB, a, b, c, "MatMul", "=");
        MatMul(a.Span, b.Span, c.Span, a.Rows, b.Cols, a.Cols, alpha);
    }

    /// <summary>
    /// <c>C = α·A·Bᵀ</c>: A is m × k, B is n × k, C is m × n, all row-major and contiguous (a dense layer's forward pass
    /// over a batch: <c>Y = X·Wᵀ</c>). C's old contents are never read; the result is bit for bit that of clearing C and
    /// calling <see cref="MatMulAddABt(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, float)"/>.
    /// </summary>
    /// <param name="a">A, m × k.</param>
    /// <param name="b">B, n × k.</param>
    /// <param name="c">C, m × n, written; must not overlap a or b.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="n">Rows of B, columns of C.</param>
    /// <param name="k">Columns of A and B (0 writes zeros).</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMulABt(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, float alpha = 1f)
    {
        const string where = "Kernels.MatMulABt";
        Guard.MatrixSpan(a.Length, m, k, nameof(a), where);
        Guard.MatrixSpan(b.Length, n, k, nameof(b), where);
        Guard.MatrixSpan(c.Length, m, n, nameof(c), where);
        Gemm(GemmLayout.ABt, a, k, b, k, c, n, m, n, k, alpha, true, where);
    }

    /// <summary><c>C = α·A·Bᵀ</c> with shapes taken from the views (A: m × k, B: n × k, C: m × n); C is written, never read.</summary>
    /// <param name="a">A.</param>
    /// <param name="b">B.</param>
    /// <param name="c">C, written.</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMulABt(Mat a, Mat b, Mat c, float alpha = 1f)
    {
        CheckViews(GemmLayout.ABt, a, b, c, "MatMulABt", "=");
        MatMulABt(a.Span, b.Span, c.Span, a.Rows, b.Rows, a.Cols, alpha);
    }

    /// <summary>
    /// <c>C = α·Aᵀ·B</c>: A is k × m, B is k × n, C is m × n, all row-major and contiguous (a weight gradient over a
    /// batch: <c>∂W = δᵀ·X</c>). C's old contents are never read; the result is bit for bit that of clearing C and
    /// calling <see cref="MatMulAddAtB(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, float)"/>.
    /// </summary>
    /// <param name="a">A, k × m.</param>
    /// <param name="b">B, k × n.</param>
    /// <param name="c">C, m × n, written; must not overlap a or b.</param>
    /// <param name="m">Columns of A, rows of C.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="k">Rows of A and B (0 writes zeros).</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMulAtB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, float alpha = 1f)
    {
        const string where = "Kernels.MatMulAtB";
        Guard.MatrixSpan(a.Length, k, m, nameof(a), where);
        Guard.MatrixSpan(b.Length, k, n, nameof(b), where);
        Guard.MatrixSpan(c.Length, m, n, nameof(c), where);
        Gemm(GemmLayout.AtB, a, m, b, n, c, n, m, n, k, alpha, true, where);
    }

    /// <summary><c>C = α·Aᵀ·B</c> with shapes taken from the views (A: k × m, B: k × n, C: m × n); C is written, never read.</summary>
    /// <param name="a">A.</param>
    /// <param name="b">B.</param>
    /// <param name="c">C, written.</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void MatMulAtB(Mat a, Mat b, Mat c, float alpha = 1f)
    {
        CheckViews(GemmLayout.AtB, a, b, c, "MatMulAtB", "=");
        MatMulAtB(a.Span, b.Span, c.Span, a.Cols, b.Cols, a.Rows, alpha);
    }

    /// <summary>
    /// <c>y = A·x</c> for a row-major rows × cols matrix A. y's old contents are never read; the result is bit for bit
    /// that of clearing y and calling <see cref="MatVecAdd(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, Span{float})"/>.
    /// </summary>
    /// <param name="a">The matrix, rows × cols elements.</param>
    /// <param name="rows">Rows of A (the length of y).</param>
    /// <param name="cols">Columns of A (the length of x; 0 writes zeros).</param>
    /// <param name="x">Input vector.</param>
    /// <param name="y">Output vector, written; must not overlap a or x.</param>
    public static void MatVec(ReadOnlySpan<float> a, int rows, int cols, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckMatVecSpans(a, rows, cols, x, y, transposed: false, "Kernels.MatVec");
        if (rows == 0 || cols == 0 || !IsAccelerated || !KernelSwitches.OverwritingProducts)
        {
            y.Slice(0, rows).Clear();
            if (rows != 0 && cols != 0)
            {
                MatVecAdd(a, rows, cols, x, y);
            }

            return;
        }

        VectorJob.MatVec(ref MemoryMarshal.GetReference(a), rows, cols, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), overwrite: true);
    }

    /// <summary><c>y = A·x</c> with shapes taken from the views; y is written, never read.</summary>
    /// <param name="a">The matrix A.</param>
    /// <param name="x">Input vector of length A.Cols.</param>
    /// <param name="y">Output vector of length A.Rows, written.</param>
    public static void MatVec(Mat a, Vec x, Vec y)
    {
        CheckMatVecViews(a, x, y, transposed: false, "MatVec");

        MatVec(a.Span, a.Rows, a.Cols, x.Span, y.Span);
    }

    /// <summary>
    /// <c>y = Aᵀ·x</c> for a row-major rows × cols matrix A (back-propagating through <c>A·x</c>). y's old contents are
    /// never read; the result is bit for bit that of clearing y and calling
    /// <see cref="MatTVecAdd(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, Span{float})"/>.
    /// </summary>
    /// <param name="a">The matrix, rows × cols elements.</param>
    /// <param name="rows">Rows of A (the length of x; 0 writes zeros).</param>
    /// <param name="cols">Columns of A (the length of y).</param>
    /// <param name="x">Input vector.</param>
    /// <param name="y">Output vector, written; must not overlap a or x.</param>
    public static void MatTVec(ReadOnlySpan<float> a, int rows, int cols, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckMatVecSpans(a, rows, cols, x, y, transposed: true, "Kernels.MatTVec");
        if (rows == 0 || cols == 0 || !IsAccelerated || !KernelSwitches.OverwritingProducts)
        {
            y.Slice(0, cols).Clear();
            if (rows != 0 && cols != 0)
            {
                MatTVecAdd(a, rows, cols, x, y);
            }

            return;
        }

        VectorJob.MatTVec(ref MemoryMarshal.GetReference(a), rows, cols, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), overwrite: true);
    }

    /// <summary><c>y = Aᵀ·x</c> with shapes taken from the views; y is written, never read.</summary>
    /// <param name="a">The matrix A.</param>
    /// <param name="x">Input vector of length A.Rows.</param>
    /// <param name="y">Output vector of length A.Cols, written.</param>
    public static void MatTVec(Mat a, Vec x, Vec y)
    {
        CheckMatVecViews(a, x, y, transposed: true, "MatTVec");

        MatTVec(a.Span, a.Rows, a.Cols, x.Span, y.Span);
    }

    /// <summary>
    /// Outer product <c>A = α·u·vᵀ</c> (the weight gradient of <c>A·v</c> with output gradient u). A's old contents are
    /// never read; the result is bit for bit that of clearing A and calling
    /// <see cref="OuterAdd(Span{float}, int, int, float, ReadOnlySpan{float}, ReadOnlySpan{float})"/>: a row where α·u[r]
    /// is 0 is +0 throughout, whatever v holds.
    /// </summary>
    /// <param name="a">The rows × cols matrix, written.</param>
    /// <param name="rows">Rows of A (the length of u).</param>
    /// <param name="cols">Columns of A (the length of v).</param>
    /// <param name="alpha">Scale factor α.</param>
    /// <param name="u">Column factor.</param>
    /// <param name="v">Row factor.</param>
    public static void Outer(Span<float> a, int rows, int cols, float alpha, ReadOnlySpan<float> u, ReadOnlySpan<float> v)
    {
        CheckOuterSpans(a, rows, cols, u, v, "Kernels.Outer");
        if (rows == 0 || cols == 0 || !IsAccelerated || !KernelSwitches.OverwritingProducts)
        {
            a.Slice(0, rows * cols).Clear();
            if (rows != 0 && cols != 0)
            {
                OuterAdd(a, rows, cols, alpha, u, v);
            }

            return;
        }

        ref float ra = ref MemoryMarshal.GetReference(a);
        OuterJob<SetStore>.Run(ref ra, ref ra, rows, cols, alpha, ref MemoryMarshal.GetReference(u), ref MemoryMarshal.GetReference(v), default);
    }

    /// <summary>Outer product <c>A = α·u·vᵀ</c> with shapes taken from the views; A is written, never read.</summary>
    /// <param name="a">The matrix A, written.</param>
    /// <param name="alpha">Scale factor α.</param>
    /// <param name="u">Vector of length A.Rows.</param>
    /// <param name="v">Vector of length A.Cols.</param>
    public static void Outer(Mat a, float alpha, Vec u, Vec v)
    {
        CheckOuterViews(a, u, v, "Outer");

        Outer(a.Span, a.Rows, a.Cols, alpha, u.Span, v.Span);
    }
}
