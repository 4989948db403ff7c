using System.Runtime.InteropServices;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// The dot kernel's 512-bit tile (<see cref="DotGemm"/>, two 8-lane sums a register; on with
/// <see cref="KernelSwitches.Vector512Products"/>, emulated where AVX-512 is not native) gives every element of
/// <c>C (+)= α·A·Bᵀ</c> the same bits as the 256-bit tiles: edges of m and n, tails of k, blocks of k, ±0, NaN and ±∞;
/// and walking B from its last row (<see cref="KernelSwitches.DotLastRowsOfBFirst"/>) changes no bit either.
/// </summary>
[Collection(ParallelismCollection.Name)]
public class WideDotProductTests
{
    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>();
        int[] ms = [1, 4, 5, 8, 16, 19];
        int[] ns = [1, 3, 4, 5, 7, 8, 10, 13, 128];
        int[] ks = [8, 9, 15, 100, 512, 519, 520, 784, 1031];
        for (int i = 0; i < ms.Length; i++)
        {
            foreach (int n in ns)
            {
                data.Add(ms[i], n, ks[(i + n) % ks.Length]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The512BitTileGivesTheSameBits(int m, int n, int k)
    {
        if (!Kernels.IsAccelerated)
        {
            return; // the dot kernel needs AVX2 and FMA
        }

        var (a, b, initial) = Operands(m, n, k);
        foreach (bool overwrite in new[] { false, true })
        {
            var narrow = Product(a, b, initial, m, n, k, overwrite, wide: false, lastFirst: true);
            Assert.NotEqual(initial, narrow);
            AssertSameBits(narrow, Product(a, b, initial, m, n, k, overwrite, wide: true, lastFirst: true), n, $"{m} × {n} × {k}, overwrite {overwrite}", "with the 512-bit tile", "with the 256-bit ones");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Walking_B_from_its_last_row_gives_the_same_bits(int m, int n, int k)
    {
        if (!Kernels.IsAccelerated)
        {
            return;
        }

        var (a, b, initial) = Operands(m, n, k);
        foreach (bool wide in new[] { false, true })
        {
            var firstFirst = Product(a, b, initial, m, n, k, overwrite: false, wide, lastFirst: false);
            Assert.NotEqual(initial, firstFirst);
            AssertSameBits(firstFirst, Product(a, b, initial, m, n, k, overwrite: false, wide, lastFirst: true), n, $"{m} × {n} × {k}, {(wide ? 512 : 256)}-bit", "walking B from its last row", "from its first");
        }
    }

    private static (float[] A, float[] B, float[] Initial) Operands(int m, int n, int k) =>
        (Values(m * k, seed: 3 * m + k), Values(n * k, seed: 5 * n + k), Reference.Random(m * n, seed: m + 7 * n));

    // C (+)= −0.375·A·Bᵀ from a copy of `initial`, with the given switches, which are put back afterwards.
    private static float[] Product(float[] a, float[] b, float[] initial, int m, int n, int k, bool overwrite, bool wide, bool lastFirst)
    {
        var c = (float[])initial.Clone();
        KernelSwitches.Vector512Products = wide;
        KernelSwitches.Vector512Emulated = wide;
        KernelSwitches.DotLastRowsOfBFirst = lastFirst;
        try
        {
            if (overwrite) Kernels.MatMulABtDot(a, b, c, m, n, k, -0.375f);
            else Kernels.MatMulAddABtDot(a, b, c, m, n, k, -0.375f);
        }
        finally
        {
            KernelSwitches.Vector512Products = true;
            KernelSwitches.Vector512Emulated = false;
            KernelSwitches.DotLastRowsOfBFirst = true;
        }

        return c;
    }

    // Every element of C (n columns) has the same bits both ways.
    private static void AssertSameBits(float[] expected, float[] actual, int n, string what, string actualWay, string expectedWay)
    {
        var x = MemoryMarshal.Cast<float, int>(expected);
        var y = MemoryMarshal.Cast<float, int>(actual);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(x[i] == y[i], $"{what}: element ({i / n}, {i % n}) is {actual[i]:R} {actualWay}, {expected[i]:R} {expectedWay}");
        }
    }

    // Random values, with ±0, NaN and ±∞ in some rows (a row of A with a NaN makes its row of C NaN either way).
    private static float[] Values(int length, int seed)
    {
        var values = Reference.Random(length, seed);
        for (int i = 97; i < length; i += 997)
        {
            values[i] = (i / 997 % 4) switch { 0 => 0f, 1 => -0f, 2 => float.NaN, _ => float.PositiveInfinity };
        }

        return values;
    }
}
