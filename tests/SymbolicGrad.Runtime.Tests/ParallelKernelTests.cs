using System.Runtime.InteropServices;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>Tests that change <see cref="Parallelism.MaxThreads"/> run alone: other tests read it too.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ParallelismCollection
{
    public const string Name = "Parallelism";
}

[Collection(ParallelismCollection.Name)]
public class ParallelKernelTests
{
    private static readonly int[] ThreadCounts = [1, 2, 3, 8];

    /// <summary>
    /// Runs <paramref name="kernel"/> on fresh copies of <paramref name="initial"/> with 1, 2, 3 and 8 threads and
    /// asserts the outputs are identical bit for bit, and that the threaded runs really split the work.
    /// </summary>
    // Runs the action with the pool on this many threads and no back-off (every dispatch split), then restores both.
    private static void OnThreads(int threads, Action action)
    {
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            Parallelism.MaxThreads = threads;
            action();
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    private static void SameWithAnyThreadCount(float[] initial, Action<float[]> kernel, bool expectSplit = true)
    {
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false; // on a busy machine the pool would otherwise run alone for a while
        try
        {
            float[]? first = null;
            foreach (int threads in ThreadCounts)
            {
                Parallelism.MaxThreads = threads;
                var output = (float[])initial.Clone();
                long before = WorkerPool.Dispatches;
                kernel(output);
                if (threads > 1 && expectSplit)
                {
                    Assert.True(WorkerPool.Dispatches > before, $"with {threads} threads the kernel ran on one thread only");
                }

                if (first is null)
                {
                    first = output;
                    continue;
                }

                int differ = FirstDifference(first, output);
                Assert.True(differ < 0, $"with {threads} threads element {differ} is {output[Math.Max(differ, 0)]:R}, with 1 thread {first[Math.Max(differ, 0)]:R}");
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    private static int FirstDifference(float[] a, float[] b)
    {
        var x = MemoryMarshal.Cast<float, int>(a);
        var y = MemoryMarshal.Cast<float, int>(b);
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] != y[i]) return i;
        }

        return -1;
    }

    public static TheoryData<int, int, int> GemmSizes() => new()
    {
        { 256, 128, 784 }, // forward of 784-128-10 at batch 256 (packed A·Bᵀ)
        { 16, 128, 784 },  // batch 16 (dot-product A·Bᵀ, columns cut)
        { 256, 10, 512 },  // logits (dot, rows cut)
        { 128, 784, 16 },  // a weight gradient at batch 16 (Aᵀ·B, rows cut)
        { 512, 784, 256 }, // a weight gradient at batch 256 (columns cut)
        { 97, 203, 301 },  // odd sizes: partial tiles, two blocks of k
        { 83, 50, 700 },
        { 256, 512, 512 }, // the deep MLP's hidden layer (rows and columns balanced: columns cut)
        { 785, 257, 255 }, // more rows than columns: rows cut, partial tiles at the cut
        { 257, 785, 17 },
        { 301, 517, 260 }, // chunks of columns over a shared packed A: two blocks of k, partial panels in both
        { 517, 301, 260 }, // chunks of rows over a shared packed B
        { 1000, 40, 300 }, // many short row chunks, partial column panel
    };

    [Theory]
    [MemberData(nameof(GemmSizes))]
    public void MatrixProductsGiveTheSameBitsWithAnyThreadCount(int m, int n, int k)
    {
        var a = Reference.Random(m * k, 1);
        var b = Reference.Random(k * n, 2);
        var bt = Reference.Random(n * k, 3);
        var at = Reference.Random(k * m, 4);
        var c = Reference.Random(m * n, 5); // non-zero: the kernels accumulate
        SameWithAnyThreadCount(c, output => Kernels.MatMulAdd(a, b, output, m, n, k, 0.75f));
        SameWithAnyThreadCount(c, output => Kernels.MatMulAddABt(a, bt, output, m, n, k));
        SameWithAnyThreadCount(c, output => Kernels.MatMulAddAtB(at, b, output, m, n, k, -1f));
    }

    [Fact]
    public void ThreadedProductsMatchTheNaiveProduct()
    {
        const int m = 97, n = 203, k = 301;
        var a = Reference.Random(m * k, 6);
        var bt = Reference.Random(n * k, 7);
        var c = new float[m * n];
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 3;
            Kernels.MatMulAddABt(a, bt, c, m, n, k);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, scale = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += (double)a[i * k + p] * bt[j * k + p];
                    scale += Math.Abs((double)a[i * k + p] * bt[j * k + p]);
                }

                Reference.Close(sum, c[i * n + j], scale, $"C[{i}, {j}]");
            }
        }
    }

    [Theory]
    [InlineData(301, 517, 260)] // chunks of columns, shared packed A
    [InlineData(517, 301, 260)] // chunks of rows, shared packed B
    public void ChunkedProductsOnTwoThreadsMatchTheNaiveProduct(int m, int n, int k)
    {
        var at = Reference.Random(k * m, 8);
        var b = Reference.Random(k * n, 9);
        var c = new float[m * n];
        OnThreads(2, () =>
        {
            long before = WorkerPool.Dispatches;
            Kernels.MatMulAddAtB(at, b, c, m, n, k, 0.5f);
            Assert.True(WorkerPool.Dispatches >= before + 2, "the product was not packed and computed on the pool");
        });

        for (int i = 0; i < m; i += 7)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, scale = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += 0.5 * at[p * m + i] * b[p * n + j];
                    scale += Math.Abs(0.5 * at[p * m + i] * b[p * n + j]);
                }

                Reference.Close(sum, c[i * n + j], scale, $"C[{i}, {j}]");
            }
        }
    }

    public static TheoryData<int, int, int> UpdateSizes() => new()
    {
        { 512, 784, 256 }, // the deep MLP's first layer at batch 256: chunks of rows over a shared packed V
        { 512, 512, 256 },
        { 97, 203, 255 },  // odd: partial panels, rows not a multiple of the chunk alignment
        { 30, 700, 200 },  // too few rows to cut in chunks: columns cut
        { 10, 512, 256 },  // the logits layer
    };

    [Theory]
    [MemberData(nameof(UpdateSizes))]
    public void FusedUpdatesGiveTheSameBitsWithAnyThreadCountAndMatchTheRule(int rows, int cols, int batch)
    {
        // W ← momentum(α·Uᵀ·V) as FusedStep applies it; the velocity is the second half of the output.
        var u = Reference.Random(batch * rows, 10);
        var v = Reference.Random(batch * cols, 11);
        var initial = new float[2 * rows * cols];
        Reference.Random(rows * cols, 12).CopyTo(initial, 0);
        Reference.Random(rows * cols, 13).CopyTo(initial, rows * cols);
        const float alpha = 1f / 64, learningRate = 0.1f, beta = 0.9f;
        void Update(float[] output) =>
            GemmJob<MomentumStore>.Run(false, ref u[0], 1, rows, ref v[0], cols, 1, ref output[0], ref output[rows * cols], cols,
                rows, cols, batch, alpha, new MomentumStore(learningRate, beta));

        SameWithAnyThreadCount(initial, Update);
        var output = (float[])initial.Clone();
        Update(output);
        for (int i = 0; i < rows; i += 3)
        {
            for (int j = 0; j < cols; j++)
            {
                double g = 0, scale = 0;
                for (int r = 0; r < batch; r++)
                {
                    g += alpha * u[r * rows + i] * v[r * cols + j];
                    scale += Math.Abs(alpha * u[r * rows + i] * v[r * cols + j]);
                }

                double velocity = beta * initial[rows * cols + i * cols + j] + g;
                Reference.Close(velocity, output[rows * cols + i * cols + j], scale + 1, $"velocity[{i}, {j}]");
                Reference.Close(initial[i * cols + j] - learningRate * velocity, output[i * cols + j], scale + 1, $"W[{i}, {j}]");
            }
        }
    }

    [Theory]
    [InlineData(256, 128, 784, false)] // the 784-128 layer's forward at batch 256: rows cut over a shared packed B
    [InlineData(128, 784, 256, true)]  // its fused weight update: an update cuts rows
    [InlineData(512, 784, 256, true)]  // the deep MLP's first weight update
    [InlineData(130, 784, 256, true)]  // a partial last panel
    public void TwoThreadsShareARowCutProductWithinOnePanelOfEachOther(int m, int n, int k, bool update)
    {
        if (!Kernels.IsAccelerated)
        {
            return; // the cut is the packed kernel's
        }

        // Each thread's share alone, on zeroed outputs: the rows it wrote are its share.
        var a = Enumerable.Repeat(1f, m * k).ToArray();
        var b = Enumerable.Repeat(1f, k * n).ToArray();
        var owner = new int[m];
        var rows = new int[2];
        for (int thread = 0; thread < 2; thread++)
        {
            var c = new float[m * n];
            var state = new float[m * n];
            if (update)
            {
                // ∂W = Aᵀ·B with A batch × rows (FusedStep's layout); the velocity shows which rows were updated.
                GemmJob<MomentumStore>.RunShare(2, thread, false, ref a[0], 1, m, ref b[0], n, 1, ref c[0], ref state[0], n, m, n, k, 1f, new MomentumStore(0.5f, 0.9f));
            }
            else
            {
                GemmJob<AddStore>.RunShare(2, thread, false, ref a[0], k, 1, ref b[0], 1, k, ref c[0], ref state[0], n, m, n, k, 1f, default);
                state = c;
            }

            for (int i = 0; i < m; i++)
            {
                int written = 0;
                for (int j = 0; j < n; j++)
                {
                    written += state[i * n + j] != 0f ? 1 : 0;
                }

                Assert.True(written == 0 || written == n, $"row {i}: thread {thread} wrote {written} of its {n} elements");
                if (written == n)
                {
                    Assert.True(owner[i] == 0, $"row {i} is in both threads' shares");
                    owner[i] = thread + 1;
                    rows[thread]++;
                }
            }
        }

        Assert.True(rows[0] + rows[1] == m, $"the shares cover {rows[0] + rows[1]} of {m} rows");
        int tiles0 = (rows[0] + PackedGemm.MR - 1) / PackedGemm.MR, tiles1 = (rows[1] + PackedGemm.MR - 1) / PackedGemm.MR;
        Assert.True(Math.Abs(tiles0 - tiles1) <= 1, $"thread 0 has {rows[0]} rows ({tiles0} tiles), thread 1 {rows[1]} ({tiles1} tiles)");
    }

    [Fact]
    public void ChunksCoverEveryUnitExactlyOnceAndShrinkWithinEachThreadsBlock()
    {
        foreach (int units in new[] { 1, 2, 3, 5, 7, 10, 11, 21, 32, 42, 49, 97, 255 })
        {
            for (int threads = 1; threads <= Math.Min(8, units); threads++)
            {
                for (int pieces = 1; pieces <= GemmJob<AddStore>.MaxPiecesPerThread; pieces++)
                {
                    string where = $"{units} units, {threads} threads, {pieces} pieces a thread";
                    var covered = new int[units];
                    for (int t = 0; t < threads; t++)
                    {
                        var (blockStart, blockEnd) = WorkerPool.OwnParts(units, threads, t);
                        int previousSize = int.MaxValue, at = blockStart;
                        for (int piece = 0; piece < pieces; piece++)
                        {
                            var (start, end) = GemmJob<AddStore>.ChunkUnits(units, threads, pieces, t * pieces + piece);
                            Assert.True(start == at && end >= start && end <= blockEnd, $"{where}: chunk {t * pieces + piece} is [{start}, {end}), expected to start at {at} inside [{blockStart}, {blockEnd})");
                            Assert.True(end - start <= previousSize, $"{where}: thread {t}'s piece {piece} ({end - start} units) is larger than the one before ({previousSize})");
                            previousSize = end - start;
                            at = end;
                            for (int u = start; u < end; u++)
                            {
                                covered[u]++;
                            }
                        }

                        Assert.True(at == blockEnd, $"{where}: thread {t}'s pieces end at {at}, not at its block's end {blockEnd}");
                    }

                    for (int u = 0; u < units; u++)
                    {
                        Assert.True(covered[u] == 1, $"{where}: unit {u} is in {covered[u]} chunks");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(10, 1, 4)]
    [InlineData(10, 2, 3)]
    [InlineData(21, 1, 5)]
    [InlineData(21, 2, 4)]
    [InlineData(16, 1, 5)]
    [InlineData(1000, 1, 6)]
    [InlineData(3, 5, 1)]
    public void A_blocks_last_piece_keeps_the_smallest_chunk_worth_handing_over(int blockUnits, int minUnits, int expected)
    {
        int pieces = GemmJob<AddStore>.PiecesFor(blockUnits, minUnits, WorkerPool.MaxParts);
        Assert.Equal(expected, pieces);
        Assert.True(pieces == 1 || blockUnits >> (pieces - 1) >= minUnits, $"the last of {pieces} pieces of {blockUnits} units is below {minUnits}");
        Assert.Equal(2, GemmJob<AddStore>.PiecesFor(1000, 1, 2));
    }

    [Theory]
    [InlineData(8, 2)]
    [InlineData(7, 3)]
    [InlineData(2, 2)]
    [InlineData(511, 8)]
    public void EachPartIsSomeThreadsOwnExactlyOnce(int parts, int threads)
    {
        var owner = new int[parts];
        Array.Fill(owner, -1);
        for (int t = 0; t < threads; t++)
        {
            var (start, end) = WorkerPool.OwnParts(parts, threads, t);
            Assert.True(end > start, $"thread {t} of {threads} owns no part of {parts}");
            for (int p = start; p < end; p++)
            {
                Assert.Equal(-1, owner[p]);
                owner[p] = t;
            }
        }

        Assert.DoesNotContain(-1, owner);
    }

    [Theory]
    [InlineData(256, 784)]
    [InlineData(517, 301)]
    [InlineData(45, 4000)]
    public void MatrixVectorKernelsGiveTheSameBitsWithAnyThreadCount(int rows, int cols)
    {
        var a = Reference.Random(rows * cols, 1);
        var x = Reference.Random(cols, 2);
        var u = Reference.Random(rows, 3);
        u[5] = 0f; // a row the outer product skips
        var y = Reference.Random(rows, 4);
        var yt = Reference.Random(cols, 5);
        SameWithAnyThreadCount(y, output => Kernels.MatVecAdd(a, rows, cols, x, output));
        SameWithAnyThreadCount(yt, output => Kernels.MatTVecAdd(a, rows, cols, u, output));
        SameWithAnyThreadCount(a, output => Kernels.OuterAdd(output, rows, cols, 0.5f, u, x));
        SameWithAnyThreadCount(yt, output => Kernels.ColumnSumsAdd(a, rows, cols, output, -2f));
    }

    [Fact]
    public void OptimizerUpdatesGiveTheSameBitsWithAnyThreadCount()
    {
        const int n = 100_003;
        var g = Reference.Random(n, 1);
        var w = Reference.Random(n, 2);
        foreach (var create in new Func<Optimizer>[] { () => new Sgd(0.1f), () => new Momentum(0.1f, 0.9f), () => new Nesterov(0.1f, 0.9f) })
        {
            SameWithAnyThreadCount(w, output =>
            {
                var optimizer = create();
                for (int step = 0; step < 3; step++) optimizer.Step(output, g);
            });
        }
    }

    [Fact]
    public void SmallWorkStaysOnTheCallingThread()
    {
        var a = Reference.Random(8 * 8, 1);
        var c = new float[8 * 8];
        SameWithAnyThreadCount(c, output => Kernels.MatMulAdd(a, a, output, 8, 8, 8), expectSplit: false);
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 2;
            long before = WorkerPool.Dispatches;
            Kernels.MatMulAdd(a, a, c, 8, 8, 8);
            Kernels.MatVecAdd(a, 8, 8, a.AsSpan(0, 8), c.AsSpan(0, 8));
            Assert.Equal(before, WorkerPool.Dispatches);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void KernelsCalledFromSeveralThreadsAtOnceStayCorrect()
    {
        // Only one dispatch runs at a time; the others run alone on their threads. Every result must be the same.
        const int m = 64, n = 128, k = 300;
        var a = Reference.Random(m * k, 1);
        var bt = Reference.Random(n * k, 2);
        var expected = new float[m * n];
        Kernels.MatMulAddABt(a, bt, expected, m, n, k);
        var results = new float[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            var c = new float[m * n];
            for (int repeat = 0; repeat < 20; repeat++)
            {
                c.AsSpan().Clear();
                Kernels.MatMulAddABt(a, bt, c, m, n, k);
            }

            results[t] = c;
        });
        foreach (var c in results) Assert.Equal(-1, FirstDifference(expected, c));
    }

    [Fact]
    public void A_caller_kept_waiting_by_a_descheduled_thread_runs_alone_for_a_while()
    {
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 2;
            Assert.Equal(2, WorkerPool.PartsFor(1_000_000, 1000));
            var late = new LateJob();
            Assert.True(WorkerPool.TryEnter());
            try
            {
                WorkerPool.Run(late, 2); // part 1 takes 30 ms after part 0: the caller waits for it
            }
            finally
            {
                WorkerPool.Exit();
            }

            Assert.Equal(1, WorkerPool.PartsFor(1_000_000, 1000));
            Thread.Sleep(150);
            Assert.Equal(2, WorkerPool.PartsFor(1_000_000, 1000));
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void Workers_started_for_a_dispatch_run_their_parts_of_it()
    {
        // A new worker used to read the pool's generation when its thread began to run, which could be after the
        // dispatch that started it was published: it then waited for the next dispatch, and with OwnPartsOnly the
        // caller waited for its part for ever (an allocation test hung when run alone). Two workers more than exist,
        // started late on purpose.
        int saved = Parallelism.MaxThreads;
        int threads = WorkerPool.WorkerCount + 3;
        var job = new ThreadRecordingJob(threads);
        var dispatch = new Thread(() =>
        {
            Assert.True(WorkerPool.TryEnter());
            try
            {
                WorkerPool.Run(job, threads);
            }
            finally
            {
                WorkerPool.Exit();
            }
        });
        try
        {
            Parallelism.MaxThreads = threads;
            WorkerPool.OwnPartsOnly = true;
            WorkerPool.WorkerStartDelayMilliseconds = 50; // the new workers begin to run after the dispatch is out
            dispatch.Start();
            Assert.True(dispatch.Join(TimeSpan.FromSeconds(30)), "the dispatch never ended: a new worker missed its part");
        }
        finally
        {
            WorkerPool.WorkerStartDelayMilliseconds = 0;
            WorkerPool.OwnPartsOnly = false;
            Parallelism.MaxThreads = saved;
        }

        Assert.Equal(threads, job.Threads.Distinct().Count());
    }

    /// <summary>Records which managed thread ran each part.</summary>
    private sealed class ThreadRecordingJob(int parts) : ParallelJob
    {
        internal int[] Threads { get; } = new int[parts];

        internal override void Run(int part) => Threads[part] = Environment.CurrentManagedThreadId;
    }

    /// <summary>Part 0 (the caller's) ends once a worker has started part 1, which then takes 30 ms more.</summary>
    private sealed class LateJob : ParallelJob
    {
        private volatile bool _started;
        private volatile bool _firstDone;

        internal override void Run(int part)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            if (part == 1)
            {
                _started = true;
                while (!_firstDone && clock.ElapsedMilliseconds < 1000) Thread.SpinWait(10);
                Thread.Sleep(30);
                return;
            }

            while (!_started && clock.ElapsedMilliseconds < 1000) Thread.SpinWait(10);
            _firstDone = true;
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(Parallelism.Limit + 1)]
    public void MaxThreadsRefusesValuesOutOfRange(int value)
    {
        int saved = Parallelism.MaxThreads;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.MaxThreads = value);
        Assert.Equal("MaxThreads", error.ParamName);
        Assert.Equal(value, error.ActualValue);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.Equal(saved, Parallelism.MaxThreads);
    }

    [Fact]
    public void MaxThreadsDefaultsToEveryCore()
    {
        // Every test that changes the setting puts it back, and none runs beside this collection.
        Assert.Equal(Math.Min(Environment.ProcessorCount, Parallelism.Limit), Parallelism.MaxThreads);
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(5, 8)]
    [InlineData(13, 9)]
    [InlineData(128, 784)]
    [InlineData(131, 100)]
    public void Ax_gives_the_same_bits_whichever_end_its_rows_start_from(int rows, int cols)
    {
        var a = Reference.Random(rows * cols, 1);
        var x = Reference.Random(cols, 2);
        var initial = Reference.Random(rows, 3);
        float[] Run(bool lastFirst)
        {
            var y = (float[])initial.Clone();
            KernelSwitches.MatVecLastRowsFirst = lastFirst;
            try
            {
                Kernels.MatVecAdd(a, rows, cols, x, y);
            }
            finally
            {
                KernelSwitches.MatVecLastRowsFirst = true;
            }

            return y;
        }

        var forward = Run(lastFirst: false);
        var backward = Run(lastFirst: true);
        Assert.NotEqual(initial, forward);
        Assert.Equal(-1, FirstDifference(forward, backward));
    }

    [Fact]
    public void The_784_128_layers_matrix_vector_passes_stay_on_the_calling_thread()
    {
        // 100,352 floats: unless a caller chooses otherwise (a Trainer times both, SmallSplitTuner), such a pass stays
        // on one thread: on one 2-core VM a dispatch and the other core's cache cost more than half of the pass saved
        // (batch 1 of the 784-128-10 net, 12.2 µs a step on one thread against 14–15 µs on two).
        const int rows = 128, cols = 784;
        var a = Reference.Random(rows * cols, 1);
        var x = Reference.Random(cols, 2);
        var u = Reference.Random(rows, 3);
        var y = new float[rows];
        OnThreads(2, () =>
        {
            long before = WorkerPool.Dispatches;
            Kernels.MatVecAdd(a, rows, cols, x, y);
            Kernels.OuterAdd(a, rows, cols, 0.5f, u, x);
            Assert.Equal(before, WorkerPool.Dispatches);

            // Twice the rows are cut.
            var twice = Reference.Random(2 * rows * cols, 4);
            Kernels.OuterAdd(twice, 2 * rows, cols, 0.5f, Reference.Random(2 * rows, 5), x);
            Assert.Equal(before + 1, WorkerPool.Dispatches);
        });
    }

    [Fact]
    public void A_threads_small_split_choice_cuts_the_784_128_passes_on_that_thread_alone_with_the_same_bits()
    {
        // What a Trainer sets for its steps (SmallSplitTuner): split, the two passes are cut; alone, they are not; and
        // the choice says it mattered. The results are the same bits either way.
        const int rows = 128, cols = 784;
        var a = Reference.Random(rows * cols, 1);
        var x = Reference.Random(cols, 2);
        var u = Reference.Random(rows, 3);
        // Runs the action with this thread's choice set, then clears it.
        static T WithChoice<T>(bool? choice, Func<T> action)
        {
            SmallSplit.Choice = choice;
            try
            {
                return action();
            }
            finally
            {
                SmallSplit.Choice = null;
            }
        }

        (float[] A, float[] Y, long Dispatches, bool Mattered) Passes(bool? choice) => WithChoice(choice, () =>
        {
            var copy = (float[])a.Clone();
            var y = new float[rows];
            long before = WorkerPool.Dispatches;
            SmallSplit.TakeMattered();
            Kernels.MatVecAdd(copy, rows, cols, x, y);
            Kernels.OuterAdd(copy, rows, cols, 0.5f, u, x);
            return (copy, y, WorkerPool.Dispatches - before, SmallSplit.TakeMattered());
        });

        OnThreads(2, () =>
        {
            var split = Passes(true);
            var alone = Passes(false);
            var unset = Passes(null);
            Assert.Equal(2, split.Dispatches);
            Assert.Equal(0, alone.Dispatches);
            Assert.Equal(0, unset.Dispatches);
            Assert.True(split.Mattered && alone.Mattered);
            Assert.False(unset.Mattered);
            Assert.Equal(-1, FirstDifference(split.A, alone.A));
            Assert.Equal(-1, FirstDifference(split.Y, alone.Y));
            Assert.Equal(-1, FirstDifference(split.A, unset.A));

            // Another thread does not see this one's choice.
            var other = WithChoice(true, () =>
            {
                (bool? Choice, long Dispatches) seen = default;
                var thread = new Thread(() => seen = (SmallSplit.Choice, Passes(null).Dispatches)); // not Task.Run: .Result may run it inline, here
                thread.Start();
                thread.Join();
                return seen;
            });
            Assert.Null(other.Choice);
            Assert.Equal(0, other.Dispatches);

            // A pass too small to split at either size, or one split at both, is not one the choice matters for.
            bool mattered = WithChoice(true, () =>
            {
                SmallSplit.TakeMattered();
                Kernels.MatVecAdd(Reference.Random(16 * cols, 5), 16, cols, x, new float[16]);
                Kernels.MatVecAdd(Reference.Random(4 * rows * cols, 6), 4 * rows, cols, x, new float[4 * rows]);
                return SmallSplit.TakeMattered();
            });
            Assert.False(mattered);
        });
    }

    [Fact]
    public void ThreadedKernelsAllocateNothingOnAnyThreadOnceWarm()
    {
        const int m = 64, n = 256, k = 784;
        var a = Reference.Random(m * k, 1);
        var bt = Reference.Random(n * k, 2);
        var at = Reference.Random(m * n, 3);
        var c = new float[m * n];
        var w = Reference.Random(n * k, 4);
        var x = Reference.Random(k, 5);
        var y = new float[n];
        var g = new float[n * k];
        var optimizer = new Momentum(0.01f, 0.9f);

        // Large enough to be cut in chunks over a shared packed operand: a product, and a fused update of 256 × 256.
        const int big = 256;
        var batchX = Reference.Random(big * k, 6);
        var batchY = new float[big * n];
        var u = Reference.Random(big * big, 7);
        var weightsAndVelocity = Reference.Random(2 * big * big, 8);
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            Parallelism.MaxThreads = 2;
            void Step()
            {
                Kernels.MatMulAddABt(a, bt, c, m, n, k);
                Kernels.MatMulAddAtB(at, a, g, n, k, m);
                Kernels.MatVecAdd(w, n, k, x, y);
                Kernels.OuterAdd(g, n, k, 0.5f, y, x);
                Kernels.ColumnSumsAdd(a, m, k, x, 1e-9f);
                optimizer.Step(w, g);
                Kernels.MatMulAddABt(batchX, bt, batchY, big, n, k);
                GemmJob<MomentumStore>.Run(false, ref u[0], 1, big, ref u[0], big, 1, ref weightsAndVelocity[0], ref weightsAndVelocity[big * big], big,
                    big, big, big, 1f / big, new MomentumStore(1e-6f, 0.9f));
            }

            for (int i = 0; i < 20; i++) Step(); // warm-up: JIT, workers, per-thread packing buffers
            long dispatches = WorkerPool.Dispatches;

            // The calling thread and the workers (the test host's own threads allocate now and then).
            long self = GC.GetAllocatedBytesForCurrentThread();
            long workers = WorkerPool.WorkerAllocatedBytes;
            for (int i = 0; i < 200; i++) Step();
            Thread.Sleep(50); // the workers have recorded their last parts
            Assert.True(WorkerPool.Dispatches - dispatches >= 200 * 9, "the kernels did not run on the worker pool");
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - self);
            Assert.Equal(0, WorkerPool.WorkerAllocatedBytes - workers);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }
}
