using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// A last panel of at most 4 or 2 rows runs a 4- or 2-row micro-kernel (<see cref="KernelSwitches.FewRowEdges"/>):
/// products and fused updates give the same bits as the full 6-row kernel on zero-padded rows, whatever rows are left.
/// </summary>
public class FewRowEdgeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void PlainProductsMatchTheFullKernelBitForBit(int rowsLeft)
    {
        if (!Kernels.IsAccelerated)
        {
            return; // the edge kernels are the packed kernel's
        }

        int m = 12 + rowsLeft, n = 40, k = 300;
        var a = Reference.Random(m * k, seed: rowsLeft);
        var b = Reference.Random(k * n, seed: rowsLeft + 10);
        var c0 = Reference.Random(m * n, seed: rowsLeft + 20);
        foreach (bool transposedB in new[] { false, true })
        {
            float[] Product(bool fewRows)
            {
                var c = (float[])c0.Clone();
                KernelSwitches.FewRowEdges = fewRows;
                try
                {
                    (nint bRow, nint bCol) = transposedB ? (1, k) : (n, 1);
                    PackedGemm.Run(ref a[0], k, 1, ref b[0], bRow, bCol, ref c[0], n, m, n, k, -0.5f);
                }
                finally
                {
                    KernelSwitches.FewRowEdges = true;
                }

                return c;
            }

            AssertSameBits(Product(fewRows: false), Product(fewRows: true), $"{(transposedB ? "A·Bᵀ" : "A·B")}, {rowsLeft} rows in the last panel");
        }
    }

    [Theory]
    [InlineData(128)] // the 784-128 layer's update: 2 rows in the last panel
    [InlineData(10)]  // the logits layer's: 4
    [InlineData(9)]   // 3
    public void FusedUpdatesMatchTheFullKernelBitForBit(int rows)
    {
        if (!Kernels.IsAccelerated)
        {
            return;
        }

        const int cols = 784, batch = 256;
        var u = Reference.Random(batch * rows, 30);
        var v = Reference.Random(batch * cols, 31);
        var initial = new float[2 * rows * cols];
        Reference.Random(rows * cols, 32).CopyTo(initial, 0);
        Reference.Random(rows * cols, 33).CopyTo(initial, rows * cols);
        float[] Update(bool fewRows)
        {
            var output = (float[])initial.Clone();
            KernelSwitches.FewRowEdges = fewRows;
            try
            {
                // W ← momentum(α·Uᵀ·V) as FusedStep applies it; the velocity is the second half of the output.
                GemmJob<MomentumStore>.Run(false, ref u[0], 1, rows, ref v[0], cols, 1, ref output[0], ref output[rows * cols], cols,
                    rows, cols, batch, 1f / batch, new MomentumStore(0.1f, 0.9f));
            }
            finally
            {
                KernelSwitches.FewRowEdges = true;
            }

            return output;
        }

        var full = Update(fewRows: false);
        Assert.NotEqual(initial, full); // the update moved the weights and velocities
        AssertSameBits(full, Update(fewRows: true), $"momentum update of a {rows} × {cols} weight");
    }

    private static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}: element {i} is {actual[i]:R} with the few-row kernels, {expected[i]:R} with the full one");
        }
    }
}
