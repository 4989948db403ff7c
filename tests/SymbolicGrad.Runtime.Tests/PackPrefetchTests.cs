using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// Packing six-row panels of A with the next panel's rows prefetched (<see cref="KernelSwitches.PrefetchPanels"/>) packs
/// the same values: the products give the same bits with and without it, and the reference's sums.
/// </summary>
public class PackPrefetchTests
{
    [Theory]
    [InlineData(256, 128, 784)] // the 784-128 layer's forward at batch 256: four blocks of k, an MC block and a rest
    [InlineData(73, 40, 300)]   // a last panel of one row, and blocks of k of unequal use
    public void ProductsAreTheSameWithAndWithoutPrefetching(int m, int n, int k)
    {
        if (!Kernels.IsAccelerated)
        {
            return; // the packing is the packed kernel's
        }

        var a = Reference.Random(m * k, seed: 40);
        var b = Reference.Random(n * k, seed: 41);
        float[] Product(bool prefetch)
        {
            var c = new float[m * n];
            KernelSwitches.PrefetchPanels = prefetch;
            try
            {
                // C = A·Bᵀ as a dense layer's forward pass: A's rows packed six at a time along k.
                Kernels.MatMulABtPacked(a, b, c, m, n, k);
            }
            finally
            {
                KernelSwitches.PrefetchPanels = true;
            }

            return c;
        }

        var without = Product(prefetch: false);
        var with = Product(prefetch: true);
        for (int i = 0; i < m; i += 7)
        {
            for (int j = 0; j < n; j += 5)
            {
                double sum = 0, scale = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += (double)a[i * k + p] * b[j * k + p];
                    scale += Math.Abs((double)a[i * k + p] * b[j * k + p]);
                }

                Reference.Close(sum, with[i * n + j], scale + 1, $"C[{i}, {j}]");
            }
        }

        for (int e = 0; e < without.Length; e++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(without[e]) == BitConverter.SingleToInt32Bits(with[e]),
                $"element {e}: {with[e]:R} with prefetching, {without[e]:R} without");
        }
    }
}
