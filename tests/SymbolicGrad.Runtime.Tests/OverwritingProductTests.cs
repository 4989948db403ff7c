using System.Runtime.InteropServices;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// The overwriting products (<c>Kernels.MatMul</c>, <c>MatMulABt</c>, <c>MatMulAtB</c>, <c>MatVec</c>, <c>MatTVec</c>,
/// <c>Outer</c>): they ignore what the output held (garbage, NaN), match a double-precision product, give the same bits
/// as clearing the output and calling the Add form (signed zeros included), with 1, 2 or 4 threads alike, and allocate
/// nothing once warm.
/// </summary>
[Collection(ParallelismCollection.Name)]
public class OverwritingProductTests
{
    private static readonly int[] ThreadCounts = [1, 2, 4];

    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 1, 1 },
        { 7, 1, 31 },
        { 1, 31, 7 },
        { 31, 7, 257 },
        { 7, 257, 31 },
        { 257, 31, 7 },
        { 31, 31, 1 },
        { 257, 257, 257 }, // packed, two blocks of k, cut over threads
        { 33, 257, 600 },  // three blocks of k (dot path for A·Bᵀ: two blocks of its k)
        { 256, 512, 512 }, // the deep MLP's hidden layer
        { 517, 301, 260 }, // chunks of rows over a shared packed B
        { 301, 517, 260 }, // chunks of columns over a shared packed A
    };

    private enum Layout
    {
        AB,
        ABt,
        AtB,
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Matrix_products_written_over_garbage_match_clear_then_add_and_the_double_product(int m, int n, int k)
    {
        var a = Reference.Random(m * k, 1);
        var b = Reference.Random(k * n, 2);
        foreach (var layout in new[] { Layout.AB, Layout.ABt, Layout.AtB })
        {
            const float alpha = -0.75f;
            float[]? first = null;
            foreach (int threads in ThreadCounts)
            {
                var written = Garbage(m * n);
                var added = new float[m * n];
                WithThreads(threads, () =>
                {
                    Overwrite(layout, a, b, written, m, n, k, alpha);
                    Add(layout, a, b, added, m, n, k, alpha);
                });
                AssertSameBits(added, written, $"{layout} {m}×{n}×{k}, {threads} threads, against clear then add");
                if (first is null)
                {
                    first = written;
                    AssertMatchesDoubleProduct(layout, a, b, written, m, n, k, alpha);
                }
                else
                {
                    AssertSameBits(first, written, $"{layout} {m}×{n}×{k}, {threads} threads, against 1 thread");
                }
            }
        }
    }

    [Theory]
    [InlineData(6, 16, 256)]   // one full tile, one block of k
    [InlineData(7, 17, 257)]   // partial tiles, two blocks of k
    [InlineData(31, 33, 600)]  // three blocks of k
    [InlineData(5, 3, 7)]      // shorter than a vector of k (the dot path's scalar loop)
    public void The_packed_and_dot_paths_write_over_garbage_as_clear_then_add(int m, int n, int k)
    {
        var a = Reference.Random(m * k, 3);
        var bt = Reference.Random(n * k, 4);
        var packed = Garbage(m * n);
        var packedAdded = new float[m * n];
        Kernels.MatMulABtPacked(a, bt, packed, m, n, k, 0.5f);
        Kernels.MatMulAddABtPacked(a, bt, packedAdded, m, n, k, 0.5f);
        AssertSameBits(packedAdded, packed, "packed path");
        var dot = Garbage(m * n);
        var dotAdded = new float[m * n];
        Kernels.MatMulABtDot(a, bt, dot, m, n, k, 0.5f);
        Kernels.MatMulAddABtDot(a, bt, dotAdded, m, n, k, 0.5f);
        AssertSameBits(dotAdded, dot, "dot path");
        AssertMatchesDoubleProduct(Layout.ABt, a, bt, dot, m, n, k, 0.5f);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 31)]
    [InlineData(31, 7)]
    [InlineData(257, 1000)]
    [InlineData(1000, 257)]
    [InlineData(517, 301)]
    public void Matrix_vector_products_and_outer_products_written_over_garbage_match_clear_then_add(int rows, int cols)
    {
        var a = Reference.Random(rows * cols, 5);
        var x = Reference.Random(cols, 6);
        var u = Reference.Random(rows, 7);
        u[rows / 2] = 0f; // a row the outer product skips: written as zeros
        float[]? firstY = null, firstYt = null, firstOuter = null;
        foreach (int threads in ThreadCounts)
        {
            var y = Garbage(rows);
            var yt = Garbage(cols);
            var outer = Garbage(rows * cols);
            var yAdded = new float[rows];
            var ytAdded = new float[cols];
            var outerAdded = new float[rows * cols];
            WithThreads(threads, () =>
            {
                Kernels.MatVec(a, rows, cols, x, y);
                Kernels.MatVecAdd(a, rows, cols, x, yAdded);
                Kernels.MatTVec(a, rows, cols, u, yt);
                Kernels.MatTVecAdd(a, rows, cols, u, ytAdded);
                Kernels.Outer(outer, rows, cols, -0.5f, u, x);
                Kernels.OuterAdd(outerAdded, rows, cols, -0.5f, u, x);
            });
            string where = $"{rows}×{cols}, {threads} threads";
            AssertSameBits(yAdded, y, "MatVec against clear then add, " + where);
            AssertSameBits(ytAdded, yt, "MatTVec against clear then add, " + where);
            AssertSameBits(outerAdded, outer, "Outer against clear then add, " + where);
            if (firstY is null)
            {
                (firstY, firstYt, firstOuter) = (y, yt, outer);
                for (int r = 0; r < rows; r++)
                {
                    double sum = 0, scale = 0;
                    for (int c = 0; c < cols; c++)
                    {
                        sum += (double)a[r * cols + c] * x[c];
                        scale += Math.Abs((double)a[r * cols + c] * x[c]);
                        Reference.Close(-0.5 * u[r] * x[c], outer[r * cols + c], 0.5, $"Outer[{r}, {c}]");
                    }

                    Reference.Close(sum, y[r], scale, $"MatVec y[{r}]");
                }

                for (int c = 0; c < cols; c++)
                {
                    double sum = 0, scale = 0;
                    for (int r = 0; r < rows; r++)
                    {
                        sum += (double)a[r * cols + c] * u[r];
                        scale += Math.Abs((double)a[r * cols + c] * u[r]);
                    }

                    Reference.Close(sum, yt[c], scale, $"MatTVec y[{c}]");
                }
            }
            else
            {
                AssertSameBits(firstY, y, "MatVec against 1 thread, " + where);
                AssertSameBits(firstYt!, yt, "MatTVec against 1 thread, " + where);
                AssertSameBits(firstOuter!, outer, "Outer against 1 thread, " + where);
            }
        }
    }

    [Theory]
    [InlineData(7, 9, 5)]      // dot path's scalar loop
    [InlineData(7, 9, 40)]     // dot path's tiles and row tail
    [InlineData(40, 40, 300)]  // packed path, two blocks of k
    public void A_zero_sum_times_a_negative_alpha_is_written_as_plus_zero(int m, int n, int k)
    {
        // α·(+0) = −0; clearing and adding gives 0 + −0 = +0, and so does every overwriting form.
        var a = new float[Math.Max(m, n) * k];
        var b = new float[Math.Max(m, n) * k];
        foreach (var layout in new[] { Layout.AB, Layout.ABt, Layout.AtB })
        {
            var c = Garbage(m * n);
            Overwrite(layout, a, b, c, m, n, k, -1f);
            AssertAllPlusZero(c, $"{layout} {m}×{n}×{k}");
        }

        var y = Garbage(m);
        Kernels.MatVec(a.AsSpan(0, m * k), m, k, b.AsSpan(0, k), y);
        AssertAllPlusZero(y, "MatVec");
        var yt = Garbage(k);
        Kernels.MatTVec(a.AsSpan(0, m * k), m, k, b.AsSpan(0, m), yt);
        AssertAllPlusZero(yt, "MatTVec");
        var outer = Garbage(m * n);
        Kernels.Outer(outer, m, n, -1f, Reference.Random(m, 8), new float[n]);
        AssertAllPlusZero(outer, "Outer");
    }

    [Fact]
    public void An_empty_sum_or_a_zero_alpha_writes_zeros_over_NaN()
    {
        var a = Reference.Random(12, 1);
        var b = Reference.Random(12, 2);
        foreach (var layout in new[] { Layout.AB, Layout.ABt, Layout.AtB })
        {
            var c = Garbage(12);
            Overwrite(layout, a, b, c, 3, 4, 0, 1f);
            AssertAllPlusZero(c, $"{layout} with k = 0");
            c = Garbage(12);
            Overwrite(layout, a, b, c, 3, 4, 3, 0f);
            AssertAllPlusZero(c, $"{layout} with α = 0");
        }

        var y = Garbage(3);
        Kernels.MatVec(ReadOnlySpan<float>.Empty, 3, 0, ReadOnlySpan<float>.Empty, y);
        AssertAllPlusZero(y, "MatVec with no columns");
        var yt = Garbage(4);
        Kernels.MatTVec(ReadOnlySpan<float>.Empty, 0, 4, ReadOnlySpan<float>.Empty, yt);
        AssertAllPlusZero(yt, "MatTVec with no rows");
    }

    [Fact]
    public void The_overwriting_forms_check_their_shapes()
    {
        var m = new Mat(new float[6], 2, 3);
        var wrong = new Mat(new float[6], 3, 2);
        var error = Assert.Throws<ArgumentException>(() => Kernels.MatMulABt(m, m, wrong));
        Assert.Contains("Kernels.MatMulABt", error.Message);
        Assert.Throws<ArgumentException>(() => Kernels.MatMul(new float[6], new float[6], new float[3], 2, 2, 3));
        Assert.Throws<ArgumentException>(() => Kernels.MatVec(new float[6], 2, 3, new float[2], new float[2]));
        Assert.Throws<ArgumentException>(() => Kernels.Outer(new float[5], 2, 3, 1f, new float[2], new float[3]));
    }

    [Fact]
    public void The_overwriting_forms_allocate_nothing_on_any_thread_once_warm()
    {
        const int m = 256, n = 512, k = 512;
        var a = Reference.Random(m * k, 1);
        var w = Reference.Random(n * k, 2);
        var c = new float[m * n];
        var g = new float[n * k];
        var x = Reference.Random(k, 3);
        var y = new float[n];
        var outer = new float[n * k];
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            Parallelism.MaxThreads = 2;
            void Step()
            {
                Kernels.MatMulABt(a, w, c, m, n, k);
                Kernels.MatMul(c, w, a, m, k, n);
                Kernels.MatMulAtB(c, a, g, n, k, m);
                Kernels.MatVec(w, n, k, x, y);
                Kernels.MatTVec(w, n, k, y, x);
                Kernels.Outer(outer, n, k, 1e-3f, y, x);
            }

            for (int i = 0; i < 5; i++) Step();
            long dispatches = WorkerPool.Dispatches;
            long self = GC.GetAllocatedBytesForCurrentThread();
            long workers = WorkerPool.WorkerAllocatedBytes;
            for (int i = 0; i < 20; i++) Step();
            Thread.Sleep(50); // the workers have recorded their last parts
            Assert.True(WorkerPool.Dispatches - dispatches >= 20 * 6, "the kernels did not run on the worker pool");
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - self);
            Assert.Equal(0, WorkerPool.WorkerAllocatedBytes - workers);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    private static void Overwrite(Layout layout, float[] a, float[] b, float[] c, int m, int n, int k, float alpha)
    {
        switch (layout)
        {
            case Layout.AB: Kernels.MatMul(a.AsSpan(0, m * k), b.AsSpan(0, k * n), c, m, n, k, alpha); break;
            case Layout.ABt: Kernels.MatMulABt(a.AsSpan(0, m * k), b.AsSpan(0, n * k), c, m, n, k, alpha); break;
            default: Kernels.MatMulAtB(a.AsSpan(0, k * m), b.AsSpan(0, k * n), c, m, n, k, alpha); break;
        }
    }

    private static void Add(Layout layout, float[] a, float[] b, float[] c, int m, int n, int k, float alpha)
    {
        switch (layout)
        {
            case Layout.AB: Kernels.MatMulAdd(a.AsSpan(0, m * k), b.AsSpan(0, k * n), c, m, n, k, alpha); break;
            case Layout.ABt: Kernels.MatMulAddABt(a.AsSpan(0, m * k), b.AsSpan(0, n * k), c, m, n, k, alpha); break;
            default: Kernels.MatMulAddAtB(a.AsSpan(0, k * m), b.AsSpan(0, k * n), c, m, n, k, alpha); break;
        }
    }

    // op(A) is m × k and op(B) k × n; A and B are laid out as the layout reads them.
    private static void AssertMatchesDoubleProduct(Layout layout, float[] a, float[] b, float[] c, int m, int n, int k, float alpha)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, scale = 0;
                for (int p = 0; p < k; p++)
                {
                    double ap = layout == Layout.AtB ? a[p * m + i] : a[i * k + p];
                    double bp = layout == Layout.ABt ? b[j * k + p] : b[p * n + j];
                    sum += alpha * ap * bp;
                    scale += Math.Abs(alpha * ap * bp);
                }

                Reference.Close(sum, c[i * n + j], scale, $"{layout} C[{i}, {j}]");
            }
        }
    }

    // What a reused buffer may hold: NaN, infinities and large values, which an overwrite must not read.
    private static float[] Garbage(int length)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (i % 4) switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => -3e38f, _ => -0f };
        }

        return data;
    }

    private static void WithThreads(int threads, Action body)
    {
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false; // on a busy machine the pool would otherwise run alone for a while
        try
        {
            Parallelism.MaxThreads = threads;
            body();
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    private static void AssertSameBits(float[] expected, float[] actual, string where)
    {
        var x = MemoryMarshal.Cast<float, int>(expected);
        var y = MemoryMarshal.Cast<float, int>(actual);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(x[i] == y[i], $"{where}: element {i} is {actual[i]:R}, expected {expected[i]:R}");
        }
    }

    private static void AssertAllPlusZero(float[] values, string where)
    {
        for (int i = 0; i < values.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(values[i]) == 0, $"{where}: element {i} is {values[i]:R}, expected +0");
        }
    }
}
