using SymbolicGrad.CompilerServices;
namespace SymbolicGrad.Runtime.Tests;

public class GemmKernelTests
{
    public enum Layout
    {
        AB,
        ABt,
        AtB,
    }

    public enum Path
    {
        Public,
        PackedABt,
        DotABt,
        Fallback,
    }

    private const float Sentinel = 12345f;

    private static readonly int[] OddSizes = [1, 3, 17, 33, 100];

    public static TheoryData<int, int, int> Sizes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int m in OddSizes)
        {
            foreach (int n in OddSizes)
            {
                foreach (int k in OddSizes)
                {
                    data.Add(m, n, k);
                }
            }
        }

        // Across the blocking boundaries: MC = 72 rows, k blocks of at most 256, NC = 2048 (packed); KB = 512 (dot kernel).
        data.Add(80, 19, 300);
        data.Add(7, 2100, 9);
        data.Add(13, 11, 530);
        data.Add(5, 7, 519);
        data.Add(9, 6, 1030);
        data.Add(256, 128, 8);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void AllLayoutsMatchNaive(int m, int n, int k)
    {
        foreach (var layout in Enum.GetValues<Layout>())
        {
            Check(layout, Path.Public, m, n, k, padA: 0, padB: 0, padC: 0, offset: 0, alpha: 1f);
            Check(layout, Path.Fallback, m, n, k, padA: 0, padB: 0, padC: 0, offset: 0, alpha: 1f);
        }

        if (Kernels.IsAccelerated)
        {
            // The public A·Bᵀ picks one of two kernels by size; test both everywhere. They need AVX2 + FMA (the
            // public entry points check; these internal ones do not).
            Check(Layout.ABt, Path.PackedABt, m, n, k, padA: 0, padB: 0, padC: 0, offset: 0, alpha: 1f);
            Check(Layout.ABt, Path.DotABt, m, n, k, padA: 0, padB: 0, padC: 0, offset: 0, alpha: 1f);
        }
    }

    // Each dimension across the packed kernel's tile and block edges (6-row and 16-column tiles, 72-row blocks of A,
    // k cut into equal blocks of at most 256: 257 and 785 make two and four blocks of unequal end).
    private static readonly int[] EdgeSizes = [1, 3, 7, 17, 255, 257, 785];

    public static TheoryData<int, int, int> EdgeShapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int size in EdgeSizes)
        {
            data.Add(size, 17, 7);
            data.Add(7, size, 17);
            data.Add(17, 7, size);
        }

        data.Add(255, 257, 785);
        data.Add(785, 255, 257);
        data.Add(257, 785, 255);
        return data;
    }

    [Theory]
    [MemberData(nameof(EdgeShapes))]
    public void EveryLayoutMatchesNaiveAcrossTileAndBlockEdges(int m, int n, int k)
    {
        foreach (var layout in Enum.GetValues<Layout>())
        {
            Check(layout, Path.Public, m, n, k, padA: 0, padB: 0, padC: 0, offset: 0, alpha: 0.5f);
            Check(layout, Path.Public, m, n, k, padA: 3, padB: 1, padC: 5, offset: 3, alpha: -1.5f);
        }

        if (Kernels.IsAccelerated)
        {
            Check(Layout.ABt, Path.PackedABt, m, n, k, padA: 0, padB: 0, padC: 0, offset: 0, alpha: 2f);
        }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 17, 33)]
    [InlineData(17, 33, 3)]
    [InlineData(33, 3, 17)]
    [InlineData(100, 100, 100)]
    [InlineData(7, 40, 20)]
    [InlineData(40, 33, 45)]
    public void StridedViewsAtOddOffsetsMatchNaiveAndLeavePaddingAlone(int m, int n, int k)
    {
        foreach (var layout in Enum.GetValues<Layout>())
        {
            Check(layout, Path.Public, m, n, k, padA: 3, padB: 5, padC: 2, offset: 7, alpha: -0.5f);
            Check(layout, Path.Fallback, m, n, k, padA: 1, padB: 2, padC: 3, offset: 5, alpha: 2f);
        }
    }

    [Fact]
    public void ViewOverloadsUseTheViewsOffsets()
    {
        var aData = Reference.Random(3 + 4 * 5, 1);
        var bData = Reference.Random(2 + 6 * 5, 2);
        var a = new Mat(aData, 3, 4, 5);
        var b = new Mat(bData, 2, 6, 5);
        var c = new Mat(new float[1 + 24], 1, 4, 6);
        Kernels.MatMulAddABt(a, b, c);
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                double expected = 0, scale = 0;
                for (int p = 0; p < 5; p++)
                {
                    expected += a[i, p] * b[j, p];
                    scale += Math.Abs(a[i, p] * b[j, p]);
                }

                Reference.Close(expected, c[i, j], scale, $"c[{i},{j}]");
            }
        }

        var d = new Mat(4, 5);
        Kernels.MatMulAdd(c, b, d);
        var e = new Mat(5, 5);
        Kernels.MatMulAddAtB(a, d, e, alpha: 0.5f);
        Assert.NotEqual(0f, e[4, 4]);
    }

    [Fact]
    public void AccumulatesRatherThanOverwrites()
    {
        var a = Reference.Random(6 * 10, 3);
        var b = Reference.Random(10 * 20, 4);
        var once = new float[6 * 20];
        var twice = new float[6 * 20];
        Kernels.MatMulAdd(a, b, once, 6, 20, 10);
        Kernels.MatMulAdd(a, b, twice, 6, 20, 10);
        Kernels.MatMulAdd(a, b, twice, 6, 20, 10);
        for (int i = 0; i < once.Length; i++)
        {
            Assert.Equal(2 * once[i], twice[i], 4);
        }
    }

    private static void Check(Layout layout, Path path, int m, int n, int k, int padA, int padB, int padC, int offset, float alpha)
    {
        // Stored shapes: A·B: A m×k, B k×n; A·Bᵀ: A m×k, B n×k; Aᵀ·B: A k×m, B k×n.
        (int aRows, int aCols) = layout == Layout.AtB ? (k, m) : (m, k);
        (int bRows, int bCols) = layout == Layout.ABt ? (n, k) : (k, n);
        int lda = aCols + padA, ldb = bCols + padB, ldc = n + padC;
        var aArr = Padded(aRows, aCols, lda, offset, seed: m * 31 + k, float.NaN);
        var bArr = Padded(bRows, bCols, ldb, offset + 1, seed: n * 17 + k, float.NaN);
        var cArr = Padded(m, n, ldc, offset + 2, seed: m + n, Sentinel);
        var c0 = (float[])cArr.Clone();
        var a = aArr.AsSpan(offset, (aRows - 1) * lda + aCols);
        var b = bArr.AsSpan(offset + 1, (bRows - 1) * ldb + bCols);
        var c = cArr.AsSpan(offset + 2, (m - 1) * ldc + n);
        bool contiguous = padA == 0 && padB == 0 && padC == 0;

        switch (path, layout)
        {
            case (Path.Fallback, _):
                Kernels.MatMulAddFallback((int)layout, a, lda, b, ldb, c, ldc, m, n, k, alpha);
                break;
            case (Path.PackedABt, _):
                Assert.True(contiguous);
                Kernels.MatMulAddABtPacked(a, b, c, m, n, k, alpha);
                break;
            case (Path.DotABt, _):
                Assert.True(contiguous);
                Kernels.MatMulAddABtDot(a, b, c, m, n, k, alpha);
                break;
            case (_, Layout.AB) when contiguous:
                Kernels.MatMulAdd(a, b, c, m, n, k, alpha);
                break;
            case (_, Layout.AB):
                Kernels.MatMulAdd(a, lda, b, ldb, c, ldc, m, n, k, alpha);
                break;
            case (_, Layout.ABt) when contiguous:
                Kernels.MatMulAddABt(a, b, c, m, n, k, alpha);
                break;
            case (_, Layout.ABt):
                Kernels.MatMulAddABt(a, lda, b, ldb, c, ldc, m, n, k, alpha);
                break;
            case (_, Layout.AtB) when contiguous:
                Kernels.MatMulAddAtB(a, b, c, m, n, k, alpha);
                break;
            default:
                Kernels.MatMulAddAtB(a, lda, b, ldb, c, ldc, m, n, k, alpha);
                break;
        }

        string where = $"{layout} {path} m={m} n={n} k={k}";
        var c0Span = c0.AsSpan(offset + 2);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, scale = 0;
                for (int p = 0; p < k; p++)
                {
                    double term = Reference.At(a, lda, i, p, layout == Layout.AtB) * Reference.At(b, ldb, p, j, layout == Layout.ABt);
                    sum += term;
                    scale += Math.Abs(term);
                }

                double expected = c0Span[i * ldc + j] + alpha * sum;
                Reference.Close(expected, c[i * ldc + j], Math.Abs(c0Span[i * ldc + j]) + Math.Abs(alpha) * scale, $"{where} C[{i},{j}]");
            }
        }

        // Everything outside C's m × n elements (the padding between rows and around the view) is untouched.
        for (int idx = 0; idx < cArr.Length; idx++)
        {
            int rel = idx - (offset + 2);
            bool inside = rel >= 0 && rel < c.Length && rel % ldc < n;
            if (!inside)
            {
                Assert.True(cArr[idx] == Sentinel, $"{where}: wrote outside C at array index {idx}");
            }
        }
    }

    // A rows × cols matrix with leading dimension ld at offset in a larger array; all other elements are `fill`.
    private static float[] Padded(int rows, int cols, int ld, int offset, int seed, float fill)
    {
        var values = Reference.Random(rows * cols, seed);
        var data = new float[offset + (rows - 1) * ld + cols + 9];
        Array.Fill(data, fill);
        for (int i = 0; i < rows; i++)
        {
            values.AsSpan(i * cols, cols).CopyTo(data.AsSpan(offset + i * ld));
        }

        return data;
    }
}
