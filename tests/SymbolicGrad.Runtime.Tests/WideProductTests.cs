using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// The packed product's 512-bit kernels (<see cref="KernelSwitches.Vector512Products"/>), forced on even where
/// <c>Vector512</c> is only emulated: every element is the fused sum in order of k, as on the 256-bit path, so both
/// paths give the same bits for every layout, store (overwrite, add, fused SGD, momentum and Nesterov updates), edge
/// and B read in place, and any thread count gives the same bits; a warm call allocates nothing.
/// </summary>
[Collection(ParallelismCollection.Name)]
public class WideProductTests
{
    public enum Layout
    {
        AB,
        ABt,
        AtB,
    }

    public enum Store
    {
        Add,
        Set,
        Sgd,
        Momentum,
        Nesterov,
    }

    public static TheoryData<Layout, int, int, int> Shapes()
    {
        var data = new TheoryData<Layout, int, int, int>();
        (int M, int N, int K)[] shapes =
        [
            (1, 32, 1), (2, 32, 7), (4, 33, 17), (5, 64, 3), (6, 32, 256), (7, 31, 257), (11, 48, 9), (12, 32, 33),
            (13, 65, 40), (17, 96, 255), (18, 47, 100), (24, 16, 64), (25, 100, 513), (73, 130, 31), (80, 10, 128),
            (30, 128, 785), (256, 40, 2), (3, 200, 256),
        ];
        foreach (var layout in Enum.GetValues<Layout>())
        {
            foreach (var (m, n, k) in shapes)
            {
                data.Add(layout, m, n, k);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryElementIsTheFusedSumInOrderOfK(Layout layout, int m, int n, int k)
    {
        if (!Kernels.IsAccelerated)
        {
            return; // the packed kernel needs AVX2 and FMA
        }

        var (aRow, aCol, bRow, bCol) = Strides(layout, m, n, k);
        PackedGemmOrderTests.AssertFusedSumsInOrderOfK(layout.ToString(), m, n, k, aRow, aCol, bRow, bCol, Wide);
    }

    public static TheoryData<Store, Layout, int, int, int> StoreShapes()
    {
        var data = new TheoryData<Store, Layout, int, int, int>();
        foreach (var store in Enum.GetValues<Store>())
        {
            bool update = store >= Store.Sgd;
            foreach (var layout in Enum.GetValues<Layout>())
            {
                // An update needs one block of k (k ≤ 256); the plain stores also get several.
                foreach (var (m, n, k) in new[] { (13, 80, 37), (26, 64, 256), (128, 784, 64), (10, 128, 256), (77, 47, 5), (2, 96, update ? 200 : 600) })
                {
                    data.Add(store, layout, m, n, k);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StoreShapes))]
    public void BothPathsGiveTheSameBits(Store store, Layout layout, int m, int n, int k)
    {
        if (!Kernels.IsAccelerated)
        {
            return;
        }

        var a = Reference.Random(m * k, seed: 3 * m + k);
        // B on a cache line with rows 16 floats past a multiple of 32 apart is read in place (A·B with m ≤ 144):
        // both ways of reading it are compared.
        var (b, bAt) = OnCacheLine(Reference.Random(k * n, seed: 5 * n + k));
        var initial = Reference.Random(2 * m * n, seed: m + 7 * n);
        var (aRow, aCol, bRow, bCol) = Strides(layout, m, n, k);
        foreach (bool inPlace in new[] { true, false })
        {
            foreach (bool fewRowEdges in new[] { true, false })
            {
                float[] Product(bool wide)
                {
                    var output = (float[])initial.Clone();
                    KernelSwitches.RowsOfBInPlace = inPlace;
                    KernelSwitches.FewRowEdges = fewRowEdges;
                    try
                    {
                        if (wide)
                        {
                            Wide(() => Run(store, ref a[0], aRow, aCol, ref b[bAt], bRow, bCol, output, m, n, k));
                        }
                        else
                        {
                            Narrow(() => Run(store, ref a[0], aRow, aCol, ref b[bAt], bRow, bCol, output, m, n, k));
                        }
                    }
                    finally
                    {
                        KernelSwitches.RowsOfBInPlace = true;
                        KernelSwitches.FewRowEdges = true;
                    }

                    return output;
                }

                var narrow = Product(wide: false);
                Assert.NotEqual(initial, narrow);
                AssertSameBits(narrow, Product(wide: true), $"{store} {layout} {m} × {n} × {k}, B in place {inPlace}, few-row edges {fewRowEdges}");
            }
        }
    }

    public static TheoryData<Store, Layout, int, int, int> ThreadedShapes() => new()
    {
        { Store.Set, Layout.ABt, 256, 128, 784 },      // 784-128 forward
        { Store.Momentum, Layout.AtB, 128, 784, 256 }, // its weight update
        { Store.Nesterov, Layout.AtB, 512, 784, 256 }, // the deep net's first update
        { Store.Set, Layout.AB, 256, 512, 512 },       // the deep net's input gradient
        { Store.Add, Layout.ABt, 250, 100, 300 },
        { Store.Sgd, Layout.AtB, 100, 250, 200 },
    };

    [Theory]
    [MemberData(nameof(ThreadedShapes))]
    public void AnyThreadCountGivesTheSameBits(Store store, Layout layout, int m, int n, int k)
    {
        if (!Kernels.IsAccelerated)
        {
            return;
        }

        var a = Reference.Random(m * k, seed: m + k);
        var (b, bAt) = OnCacheLine(Reference.Random(k * n, seed: n + 2 * k));
        var initial = Reference.Random(2 * m * n, seed: m * n);
        var (aRow, aCol, bRow, bCol) = Strides(layout, m, n, k);
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            Parallelism.MaxThreads = 1;
            var narrow = (float[])initial.Clone();
            Narrow(() => Job(store, ref a[0], aRow, aCol, ref b[bAt], bRow, bCol, narrow, m, n, k));
            foreach (int threads in new[] { 1, 2, 4 })
            {
                Parallelism.MaxThreads = threads;
                var output = (float[])initial.Clone();
                long dispatches = WorkerPool.Dispatches;
                Wide(() => Job(store, ref a[0], aRow, aCol, ref b[bAt], bRow, bCol, output, m, n, k));
                Assert.True(threads == 1 || WorkerPool.Dispatches > dispatches, $"with {threads} threads the product ran on one thread only");
                AssertSameBits(narrow, output, $"{store} {layout} {m} × {n} × {k} on {threads} thread(s), 512-bit against 256-bit on one");
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    [Theory]
    [InlineData(256, 512, 784, 2)] // the deep net's forward products: cut by columns
    [InlineData(256, 512, 512, 4)]
    [InlineData(100, 784, 300, 2)] // 49 panels of 16: the last part has the odd one
    [InlineData(40, 200, 64, 3)]   // not chunked: one part a thread
    public void ACutOfColumnsGivesEveryPartWholeWideTiles(int m, int n, int k, int threads)
    {
        // A part with a lone 16-column panel would run it on the 256-bit tiles, at half the speed.
        Wide(() =>
        {
            var (splitRows, _, _, chunks) = GemmJob<AddStore>.CutOf(threads, 0, false, m, n, k, false);
            Assert.False(splitRows, "the product is cut by columns");
            int covered = 0;
            for (int chunk = 0; chunk < chunks; chunk++)
            {
                var (_, start, end, _) = GemmJob<AddStore>.CutOf(threads, chunk, false, m, n, k, false);
                if (start >= end)
                {
                    continue;
                }

                Assert.True(start == covered, $"chunk {chunk} starts at column {start}, the one before ended at {covered}");
                Assert.True(end == n || (end - start) % PackedGemm.WideNR == 0, $"chunk {chunk} has columns [{start}, {end}): not whole 32-column tiles");
                covered = end;
            }

            Assert.Equal(n, covered);
        });

        // The 256-bit path cuts at its 16-column panels.
        Narrow(() =>
        {
            var (_, _, _, chunks) = GemmJob<AddStore>.CutOf(threads, 0, false, m, n, k, false);
            for (int chunk = 0; chunk < chunks; chunk++)
            {
                var (_, start, end, _) = GemmJob<AddStore>.CutOf(threads, chunk, false, m, n, k, false);
                Assert.True(start >= end || end == n || (end - start) % PackedGemm.NR == 0, $"chunk {chunk} has columns [{start}, {end})");
            }
        });
    }

    [Fact]
    public void AWarmProductAllocatesNothing()
    {
        if (!Kernels.IsAccelerated)
        {
            return;
        }

        const int m = 40, n = 96, k = 300;
        var a = Reference.Random(m * k, 1);
        var b = Reference.Random(k * n, 2);
        var c = new float[2 * m * n];
        var stores = Enum.GetValues<Store>();
        Wide(() =>
        {
            foreach (var store in stores)
            {
                Run(store, ref a[0], k, 1, ref b[0], n, 1, c, m, n, store >= Store.Sgd ? 256 : k);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
            {
                foreach (var store in stores)
                {
                    Run(store, ref a[0], k, 1, ref b[0], n, 1, c, m, n, store >= Store.Sgd ? 256 : k);
                }
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }

    [Fact]
    public void TheSwitchTurnsThePathOff()
    {
        Wide(() => Assert.True(PackedGemm.UsesVector512));
        Narrow(() => Assert.False(PackedGemm.UsesVector512));
    }

    private static void Run(Store store, ref float a, nint aRow, nint aCol, ref float b, nint bRow, nint bCol, float[] output, int m, int n, int k)
    {
        // The parameter (or C) is the first m × n floats, its velocity the next.
        ref float c = ref output[0];
        ref float state = ref output[m * n];
        const float alpha = -0.375f;
        switch (store)
        {
            case Store.Add: PackedGemm.Run(ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, n, m, n, k, alpha, default(AddStore)); break;
            case Store.Set: PackedGemm.Run(ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, n, m, n, k, alpha, default(SetStore)); break;
            case Store.Sgd: PackedGemm.Run(ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, n, m, n, k, alpha, new SgdStore(0.1f)); break;
            case Store.Momentum: PackedGemm.Run(ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, n, m, n, k, alpha, new MomentumStore(0.1f, 0.9f)); break;
            default: PackedGemm.Run(ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, n, m, n, k, alpha, new NesterovStore(0.1f, 0.9f)); break;
        }
    }

    private static void Job(Store store, ref float a, nint aRow, nint aCol, ref float b, nint bRow, nint bCol, float[] output, int m, int n, int k)
    {
        ref float c = ref output[0];
        ref float state = ref output[m * n];
        const float alpha = 1f / 256;
        switch (store)
        {
            case Store.Add: GemmJob<AddStore>.Run(false, ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, n, m, n, k, alpha, default); break;
            case Store.Set: GemmJob<SetStore>.Run(false, ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, n, m, n, k, alpha, default); break;
            case Store.Sgd: GemmJob<SgdStore>.Run(false, ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, n, m, n, k, alpha, new SgdStore(0.1f)); break;
            case Store.Momentum: GemmJob<MomentumStore>.Run(false, ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, n, m, n, k, alpha, new MomentumStore(0.1f, 0.9f)); break;
            default: GemmJob<NesterovStore>.Run(false, ref a, aRow, aCol, ref b, bRow, bCol, ref c, ref state, n, m, n, k, alpha, new NesterovStore(0.1f, 0.9f)); break;
        }
    }

    // Element (i, p) of op(A) at a[i·aRow + p·aCol], (p, j) of op(B) at b[p·bRow + j·bCol]; AᵀB's B is row-major.
    private static (nint ARow, nint ACol, nint BRow, nint BCol) Strides(Layout layout, int m, int n, int k) => layout switch
    {
        Layout.AB => (k, 1, n, 1),
        Layout.ABt => (k, 1, 1, k),
        _ => (1, m, n, 1),
    };

    private static void Wide(Action action) => WithSwitch(true, action);

    private static void Narrow(Action action) => WithSwitch(false, action);

    private static void WithSwitch(bool wide, Action action)
    {
        KernelSwitches.Vector512Products = wide;
        KernelSwitches.Vector512Emulated = wide;
        try
        {
            action();
        }
        finally
        {
            KernelSwitches.Vector512Products = true;
            KernelSwitches.Vector512Emulated = false;
        }
    }

    // A pinned copy of the values and where in it they start, on a cache line.
    private static (float[] Array, int Start) OnCacheLine(float[] values)
    {
        float[]? buffer = null;
        ref float start = ref AlignedBuffer.Rent(ref buffer, values.Length);
        int at = (int)(Unsafe.ByteOffset(ref buffer![0], ref start) / sizeof(float));
        values.CopyTo(buffer, at);
        return (buffer, at);
    }

    private static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        var x = MemoryMarshal.Cast<float, int>(expected);
        var y = MemoryMarshal.Cast<float, int>(actual);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(x[i] == y[i], $"{what}: element {i} is {actual[i]:R} on the 512-bit path, {expected[i]:R} on the 256-bit path");
        }
    }
}
