using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// A row-major op(B) on a cache line with rows an odd number of lines apart is read in place by the micro-kernel
/// (<see cref="KernelSwitches.RowsOfBInPlace"/>): products, overwriting products and fused updates give the same bits
/// as packing it first, on one thread and split over the pool.
/// </summary>
[Collection(ParallelismCollection.Name)]
public class RowsOfBInPlaceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(6)]
    public void ProductsMatchPackedBBitForBit(int rowsLeft)
    {
        if (!Kernels.IsAccelerated)
        {
            return;
        }

        // k = 600: three blocks of k, so the overwriting product writes its first block and adds the others.
        int m = 12 + rowsLeft, n = 48, k = 600;
        var a = Reference.Random(m * k, seed: rowsLeft);
        var (b, bAt) = OnCacheLine(Reference.Random(k * n, seed: rowsLeft + 10));
        Assert.True(PackedGemm.ReadsBInPlace(ref b[bAt], n, 1, m, n), "the test's B is read in place");
        Assert.False(PackedGemm.ReadsBInPlace(ref b[bAt + 1], n, 1, m, n), "a B off the cache line is packed");
        Assert.False(PackedGemm.ReadsBInPlace(ref b[bAt], 2 * n, 1, m, n), "a B whose rows are an even number of lines apart is packed");
        Assert.False(PackedGemm.ReadsBInPlace(ref b[bAt], n, 1, 512, n), "a B that 512 rows of A walk is packed");
        var c0 = Reference.Random(m * n, seed: rowsLeft + 20);
        foreach (bool overwrite in new[] { false, true })
        {
            float[] Product(bool inPlace)
            {
                var c = (float[])c0.Clone();
                KernelSwitches.RowsOfBInPlace = inPlace;
                try
                {
                    if (overwrite)
                    {
                        PackedGemm.Run(ref a[0], k, 1, ref b[bAt], n, 1, ref c[0], ref c[0], n, m, n, k, -0.5f, default(SetStore));
                    }
                    else
                    {
                        PackedGemm.Run(ref a[0], k, 1, ref b[bAt], n, 1, ref c[0], n, m, n, k, -0.5f);
                    }
                }
                finally
                {
                    KernelSwitches.RowsOfBInPlace = true;
                }

                return c;
            }

            var packed = Product(inPlace: false);
            Assert.NotEqual(c0, packed);
            AssertSameBits(packed, Product(inPlace: true), $"{(overwrite ? "C = " : "C += ")}A·B, {m} × {n} × {k}");
        }
    }

    [Theory]
    [InlineData(128, 1)]
    [InlineData(128, 2)]
    [InlineData(10, 2)]
    public void FusedUpdatesMatchPackedBBitForBit(int rows, int threads)
    {
        if (!Kernels.IsAccelerated)
        {
            return;
        }

        // The 784-128 layer's update at batch 256: ∂W = Uᵀ·X with X's rows 49 cache lines apart.
        const int cols = 784, batch = 256;
        var u = Reference.Random(batch * rows, 30);
        var (v, vAt) = OnCacheLine(Reference.Random(batch * cols, 31));
        Assert.True(PackedGemm.ReadsBInPlace(ref v[vAt], cols, 1, rows, cols), "the test's X is read in place");
        var initial = new float[2 * rows * cols];
        Reference.Random(rows * cols, 32).CopyTo(initial, 0);
        Reference.Random(rows * cols, 33).CopyTo(initial, rows * cols);
        float[] Update(bool inPlace)
        {
            var output = (float[])initial.Clone();
            int before = Parallelism.MaxThreads;
            KernelSwitches.RowsOfBInPlace = inPlace;
            Parallelism.MaxThreads = threads;
            try
            {
                // W ← momentum(α·Uᵀ·V) as FusedStep applies it; the velocity is the second half of the output.
                GemmJob<MomentumStore>.Run(false, ref u[0], 1, rows, ref v[vAt], cols, 1, ref output[0], ref output[rows * cols], cols,
                    rows, cols, batch, 1f / batch, new MomentumStore(0.1f, 0.9f));
            }
            finally
            {
                KernelSwitches.RowsOfBInPlace = true;
                Parallelism.MaxThreads = before;
            }

            return output;
        }

        var packed = Update(inPlace: false);
        Assert.NotEqual(initial, packed);
        AssertSameBits(packed, Update(inPlace: true), $"momentum update of a {rows} × {cols} weight on {threads} thread(s)");
    }

    // A pinned copy of the values and where in it they start, on a cache line.
    private static (float[] Array, int Start) OnCacheLine(float[] values)
    {
        float[]? buffer = null;
        ref float start = ref AlignedBuffer.Rent(ref buffer, values.Length);
        int at = (int)(System.Runtime.CompilerServices.Unsafe.ByteOffset(ref buffer![0], ref start) / sizeof(float));
        values.CopyTo(buffer, at);
        return (buffer, at);
    }

    private static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}: element {i} is {actual[i]:R} with B read in place, {expected[i]:R} with B packed");
        }
    }
}
