using SymbolicGrad.CompilerServices;
namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// The packed kernel's sums, bit for bit: each element of C is C + α·s per block of k, s the fused multiply-adds of
/// the block's products in order of k from zero. Whatever the micro-kernel does per iteration (two steps of k at once,
/// partial tiles through a scratch tile), this order is what makes every thread count give the same bits.
/// </summary>
public class PackedGemmOrderTests
{
    public enum Layout
    {
        AB,
        ABt,
        AtB,
    }

    public static TheoryData<Layout, int, int, int> Shapes()
    {
        var data = new TheoryData<Layout, int, int, int>();
        int[] sizes = [1, 3, 7, 17, 33];
        foreach (var layout in Enum.GetValues<Layout>())
        {
            foreach (int k in new[] { 1, 2, 3, 7, 17, 33, 255, 256, 257, 785 })
            {
                data.Add(layout, sizes[k % sizes.Length], sizes[(k / 3) % sizes.Length], k);
            }

            data.Add(layout, 255, 17, 9);
            data.Add(layout, 7, 255, 5);
            data.Add(layout, 73, 33, 31);
            data.Add(layout, 10, 17, 255);  // a last panel of 4 rows (the 4-row edge kernel)
            data.Add(layout, 128, 16, 256); // of 2 rows (the 2-row edge kernel), as the 784-128 layer's update
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryElementIsTheFusedSumInOrderOfK(Layout layout, int m, int n, int k)
    {
        if (!Kernels.IsAccelerated)
        {
            // The packed kernel needs AVX2 and FMA (GemmKernelTests checks the fallback on every machine).
            return;
        }

        // Element (i, p) of op(A) at a[i·aRow + p·aCol], (p, j) of op(B) at b[p·bRow + j·bCol].
        (nint aRow, nint aCol) = layout == Layout.AtB ? (1, m) : (k, 1);
        (nint bRow, nint bCol) = layout == Layout.ABt ? (1, k) : (n, 1);
        AssertFusedSumsInOrderOfK(layout.ToString(), m, n, k, aRow, aCol, bRow, bCol, run => run());
    }

    /// <summary>
    /// Runs <c>PackedGemm.Run</c> (C += α·op(A)·op(B)) on seeded operands with the given strides, inside
    /// <paramref name="around"/> (which may switch kernel paths), and asserts that every element of C is the fused sum
    /// in order of k, block of k by block, added with α: the summation order every path of the kernel promises.
    /// </summary>
    internal static void AssertFusedSumsInOrderOfK(string layout, int m, int n, int k, nint aRow, nint aCol, nint bRow, nint bCol, Action<Action> around)
    {
        const float alpha = -0.75f;
        var a = Reference.Random(m * k, seed: m * 7 + k);
        var b = Reference.Random(k * n, seed: n * 11 + k);
        var c = Reference.Random(m * n, seed: m + n);
        var expected = (float[])c.Clone();
        around(() => PackedGemm.Run(ref a[0], aRow, aCol, ref b[0], bRow, bCol, ref c[0], n, m, n, k, alpha));
        int block = PackedGemm.BlockOfK(k);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float value = expected[i * n + j];
                for (int start = 0; start < k; start += block)
                {
                    float sum = 0f;
                    for (int p = start; p < Math.Min(k, start + block); p++)
                    {
                        sum = MathF.FusedMultiplyAdd(a[i * aRow + p * aCol], b[p * bRow + j * bCol], sum);
                    }

                    value = MathF.FusedMultiplyAdd(sum, alpha, value);
                }

                Assert.True(
                    BitConverter.SingleToInt32Bits(value) == BitConverter.SingleToInt32Bits(c[i * n + j]),
                    $"{layout} m={m} n={n} k={k}: C[{i},{j}] is {c[i * n + j]:R}, the fused sum in order of k is {value:R}");
            }
        }
    }
}
