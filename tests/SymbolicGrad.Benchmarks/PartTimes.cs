using System.Diagnostics;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks;

/// <summary>
/// <c>--part-times [--batch16]</c>: the 784-128 layer's passes over W1 at batch 1 (the forward <c>A·x</c> and the fused
/// momentum outer product) or at batch 16 (the forward dot product and the fused momentum product, on one thread and
/// as the threads' shares), as two-part dispatches on the worker pool, each part timed on the thread that ran it:
/// tells a slow helper (its part takes longer than the caller's same-sized part) from a late one (it starts late), and
/// an empty dispatch gives the pool's round trip between the cores. First, on one thread: <c>A·x</c> over more and
/// more rows, and the fused update of all 128 rows followed by <c>A·x</c>, against <c>A·x</c> of each four rows right
/// after (or four rows after) their update: what folding the next forward pass into the update would save.
/// </summary>
internal static class PartTimes
{
    private const int Rows = 128, Cols = 784;

    public static void Run(string[] args)
    {
        if (args.Contains("--memory"))
        {
            RunMemory();
            return;
        }

        if (args.Contains("--batch16"))
        {
            RunBatch16();
            return;
        }

        var w = AlignedBuffer.AllocateArray(Rows * Cols);
        var v = AlignedBuffer.AllocateArray(Rows * Cols);
        var x = AlignedBuffer.AllocateArray(Cols);
        var u = AlignedBuffer.AllocateArray(Rows);
        var y = AlignedBuffer.AllocateArray(Rows);
        var random = new Random(1);
        for (int i = 0; i < w.Length; i++) w[i] = (float)(random.NextDouble() - 0.5) * 0.1f;
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        for (int i = 0; i < u.Length; i++) u[i] = (float)(random.NextDouble() - 0.5) * 1e-3f;

        // A·x alone on one thread over more and more rows of W: the rate at which a core reads a layer from its caches.
        foreach (int rows in new[] { 16, 32, 64, 96, 128 })
        {
            var times = new List<double>();
            for (int round = 0; round < 10; round++)
            {
                var clock = Stopwatch.StartNew();
                int calls = 0;
                while (clock.Elapsed.TotalSeconds < 0.025)
                {
                    Kernels.MatVecFma(ref w[0], rows, Cols, ref x[0], ref y[0], overwrite: true);
                    calls++;
                }

                times.Add(clock.Elapsed.TotalMicroseconds / calls);
            }

            Console.WriteLine($"A·x {rows}×{Cols} ({rows * Cols * 4 / 1024} KB), one thread: {times.Order().ElementAt(5):F2} µs, {rows * Cols * 4 / times.Order().ElementAt(5) / 1e3:F0} GB/s");
        }


        // The fold: per round, the four variants one after the other; medians of 21 rounds.
        {
            var store = new MomentumStore(0.01f, 0.9f);
            var t = new List<double>[4];
            for (int i = 0; i < 4; i++) t[i] = new List<double>();
            for (int round = 0; round < 21; round++)
            {
                for (int variant = 0; variant < 4; variant++)
                {
                    var clock = Stopwatch.StartNew();
                    int calls = 0;
                    while (clock.Elapsed.TotalSeconds < 0.01)
                    {
                        if (variant == 0)
                        {
                            Kernels.OuterFma(ref w[0], ref v[0], Rows, Cols, -1f, ref u[0], ref x[0], store);
                            Kernels.MatVecFma(ref w[0], Rows, Cols, ref x[0], ref y[0], overwrite: true);
                        }
                        else if (variant == 3)
                        {
                            Kernels.OuterFma(ref w[0], ref v[0], Rows, Cols, -1f, ref u[0], ref x[0], store);
                        }
                        else
                        {
                            int lag = variant == 1 ? 0 : 4;
                            for (int r = 0; r < Rows; r += 4)
                            {
                                Kernels.OuterFma(ref w[r * Cols], ref v[r * Cols], 4, Cols, -1f, ref u[r], ref x[0], store);
                                if (r >= lag) Kernels.MatVecFma(ref w[(r - lag) * Cols], 4, Cols, ref x[0], ref y[r - lag], overwrite: true);
                            }
                            if (lag > 0) Kernels.MatVecFma(ref w[(Rows - lag) * Cols], lag, Cols, ref x[0], ref y[Rows - lag], overwrite: true);
                        }
                        calls++;
                    }
                    t[variant].Add(clock.Elapsed.TotalMicroseconds / calls);
                }
            }
            Console.WriteLine($"one thread: update then A·x {t[0].Order().ElementAt(10):F2} µs; A·x of each 4 rows right after their update {t[1].Order().ElementAt(10):F2} µs, 4 rows later {t[2].Order().ElementAt(10):F2} µs; update alone {t[3].Order().ElementAt(10):F2} µs");
        }

        var forward = new Job(w, v, x, u, y, outer: false);
        var outer = new Job(w, v, x, u, y, outer: true);
        var empty = new EmptyJob();
        for (int round = 0; round < 3; round++)
        {
            var idle = Stopwatch.StartNew();
            int dispatches = 0;
            while (idle.Elapsed.TotalSeconds < 0.5)
            {
                Dispatch(empty);
                dispatches++;
            }

            Console.WriteLine($"round {round}, empty two-part dispatch: {idle.Elapsed.TotalMicroseconds / dispatches:F2} µs each");
        }

        for (int round = 0; round < 3; round++)
        {
            foreach (bool withForward in new[] { true, false })
            {
                forward.Reset();
                outer.Reset();
                var clock = Stopwatch.StartNew();
                int steps = 0;
                while (clock.Elapsed.TotalSeconds < 1)
                {
                    if (withForward) Dispatch(forward);
                    Dispatch(outer);
                    steps++;
                }

                Console.WriteLine($"round {round}, {(withForward ? "forward + outer" : "outer alone")}: {clock.Elapsed.TotalMicroseconds / steps:F2} µs a step");
                if (withForward) Console.WriteLine($"  forward: {forward.Describe()}");
                Console.WriteLine($"  outer:   {outer.Describe()}");
            }
        }
    }

    // The batch-16 step's W1 products: the forward x·W1ᵀ (dot kernel) and the fused momentum update W1 −= η·v,
    // v = βv + δ1ᵀ·x, each as its threads' shares (GemmJob.RunShare) in a two-part dispatch, each part timed.
    private static void RunBatch16()
    {
        const int Batch = 16;
        var w = AlignedBuffer.AllocateArray(Rows * Cols);
        var v = AlignedBuffer.AllocateArray(Rows * Cols);
        var x = AlignedBuffer.AllocateArray(Batch * Cols);
        var d = AlignedBuffer.AllocateArray(Batch * Rows);
        var z = AlignedBuffer.AllocateArray(Batch * Rows);
        var random = new Random(1);
        for (int i = 0; i < w.Length; i++) w[i] = (float)(random.NextDouble() - 0.5) * 0.1f;
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        for (int i = 0; i < d.Length; i++) d[i] = (float)(random.NextDouble() - 0.5) * 1e-3f;
        var forward = new ShareJob((thread, threads) => GemmJob<SetStore>.RunShare(threads, thread, true, ref x[0], Cols, 1, ref w[0], 1, Cols, ref z[0], ref z[0], Rows, Batch, Rows, Cols, 1f, default));
        var update = new ShareJob((thread, threads) => GemmJob<MomentumStore>.RunShare(threads, thread, false, ref d[0], 1, Rows, ref x[0], Cols, 1, ref w[0], ref v[0], Cols, Rows, Cols, Batch, 1f / Batch, new MomentumStore(0.01f, 0.9f)));
        // The dot kernel alone, one thread, its variants in interleaved blocks (KernelSwitches): its rate against the
        // FMA peak (--peak) says what bounds it.
        var variants = new (string Name, bool Wide)[] { ("256-bit", false), ("512-bit", true) };
        foreach (var (mm, kk) in new[] { (16, 784), (4, 784) })
        {
            var rates = variants.Select(_ => new List<double>()).ToArray();
            for (int round = 0; round < 10; round++)
            {
                for (int variant = 0; variant < variants.Length; variant++)
                {
                    KernelSwitches.Vector512Products = variants[variant].Wide;
                    var dot = Stopwatch.StartNew();
                    int calls = 0;
                    while (dot.Elapsed.TotalSeconds < 0.05)
                    {
                        DotGemm.Run(ref x[0], Cols, ref w[0], Cols, ref z[0], Rows, mm, Rows, kk, 1f, overwrite: true);
                        calls++;
                    }

                    rates[variant].Add(2.0 * mm * Rows * kk * calls / dot.Elapsed.TotalMicroseconds / 1e3);
                }
            }

            KernelSwitches.Vector512Products = true;
            Console.WriteLine($"dot kernel {mm}×{Rows}×{kk}, one thread, GFLOP/s (median of 10 interleaved blocks): " +
                string.Join(", ", variants.Select((v, i) => $"{v.Name} {rates[i].Order().ElementAt(rates[i].Count / 2):F1}")));
        }

        // The update's two shares one after the other on the calling thread: a share's time alone against its time
        // beside the other tells the cut's own cost from what running at once costs.
        for (int round = 0; round < 3; round++)
        {
            var times = new List<double>[] { [], [] };
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < 0.5)
            {
                for (int share = 0; share < 2; share++)
                {
                    long start = Stopwatch.GetTimestamp();
                    GemmJob<MomentumStore>.RunShare(2, share, false, ref d[0], 1, Rows, ref x[0], Cols, 1, ref w[0], ref v[0], Cols, Rows, Cols, Batch, 1f / Batch, new MomentumStore(0.01f, 0.9f));
                    times[share].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                }
            }

            Console.WriteLine($"round {round}, the update's shares one after the other on one thread: {string.Join(", ", times.Select((t, i) => $"share {i} {t.Order().ElementAt(t.Count / 2):F2} µs"))}");
        }

        for (int round = 0; round < 3; round++)
        {
            foreach (int threads in new[] { 1, 2 })
            {
                forward.Reset();
                update.Reset();
                var clock = Stopwatch.StartNew();
                int steps = 0;
                while (clock.Elapsed.TotalSeconds < 1)
                {
                    if (threads == 1)
                    {
                        forward.Run(0);
                        update.Run(0);
                    }
                    else
                    {
                        Dispatch(forward);
                        Dispatch(update);
                    }

                    steps++;
                }

                Console.WriteLine($"round {round}, {threads} thread(s): {clock.Elapsed.TotalMicroseconds / steps:F2} µs a step");
                Console.WriteLine($"  forward: {forward.Describe()}");
                Console.WriteLine($"  update:  {update.Describe()}");
            }
        }
    }

    private sealed class ShareJob(Action<int, int> share) : TimedJob
    {
        protected override void RunPart(int part, int parts) => share(part, parts);
    }

    // Each part negates its own block of floats in place (no value ever decays toward subnormals): on a machine whose
    // cores have caches of their own two parts at once take as long as one alone while the block fits in a core's cache.
    private sealed class ScaleJob(float[] data, int partLength) : TimedJob
    {
        protected override void RunPart(int part, int parts)
        {
            var block = data.AsSpan(part * partLength, partLength);
            System.Numerics.Tensors.TensorPrimitives.Negate(block, block);
        }
    }

    /// <summary><c>--part-times --memory</c>: <see cref="ScaleJob"/> over blocks of 64 KB to 2 MB, one part alone and two at once.</summary>
    internal static void RunMemory()
    {
        foreach (int kilobytes in new[] { 64, 256, 384, 512, 768, 1024, 2048 })
        {
            int length = kilobytes * 256;
            var data = AlignedBuffer.AllocateArray(2 * length);
            data.AsSpan().Fill(1f);
            var job = new ScaleJob(data, length);
            job.Reset();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < 0.3) job.Run(0);
            string alone = job.Describe();
            job.Reset();
            clock.Restart();
            while (clock.Elapsed.TotalSeconds < 0.3) Dispatch(job);
            Console.WriteLine($"{kilobytes} KB a part: alone {alone}");
            Console.WriteLine($"{kilobytes} KB a part: two at once {job.Describe()}");
        }
    }

    private sealed class EmptyJob : ParallelJob
    {
        internal override void Run(int part)
        {
        }
    }

    private static void Dispatch(ParallelJob job)
    {
        if (!WorkerPool.TryEnter()) throw new InvalidOperationException("pool busy");
        try
        {
            if (job is TimedJob timed) timed.Published = Stopwatch.GetTimestamp();
            WorkerPool.Run(job, 2);
        }
        finally
        {
            WorkerPool.Exit();
        }
    }

    private sealed class Job(float[] w, float[] v, float[] x, float[] u, float[] y, bool outer) : TimedJob
    {
        protected override void RunPart(int part, int parts)
        {
            var (first, end) = WorkerPool.Range(Rows, parts, 4, part);
            nint at = (nint)first * Cols;
            if (outer)
            {
                Kernels.OuterFma(ref w[at], ref v[at], end - first, Cols, -1f, ref u[first], ref x[0], new MomentumStore(0.01f, 0.9f));
            }
            else
            {
                Kernels.MatVecFma(ref w[at], end - first, Cols, ref x[0], ref y[first], overwrite: true);
            }
        }
    }

    /// <summary>A two-part job whose parts are timed from the dispatch's start (or, run directly, from the call).</summary>
    private abstract class TimedJob : ParallelJob
    {
        public long Published;
        private readonly List<double>[] _start = [[], []], _length = [[], []];
        private readonly int[] _byCaller = new int[2];
        private readonly int _callerThread = Environment.CurrentManagedThreadId;

        public void Reset()
        {
            Published = 0;
            foreach (var l in _start) l.Clear();
            foreach (var l in _length) l.Clear();
            _byCaller[0] = _byCaller[1] = 0;
        }

        protected abstract void RunPart(int part, int parts);

        // Run directly (not dispatched): the whole job on the calling thread, timed as part 0.
        internal override void Run(int part)
        {
            bool direct = Published == 0;
            long start = Stopwatch.GetTimestamp();
            if (direct) Published = start;
            RunPart(part, direct ? 1 : 2);
            if (direct) Published = 0;
            long stop = Stopwatch.GetTimestamp();
            if (_start[part].Count < 1_000_000)
            {
                _start[part].Add((start - (direct ? start : Published)) * 1e6 / Stopwatch.Frequency);
                _length[part].Add((stop - start) * 1e6 / Stopwatch.Frequency);
            }

            if (Environment.CurrentManagedThreadId == _callerThread) _byCaller[part]++;
        }

        public string Describe() =>
            string.Join("; ", Enumerable.Range(0, 2).Select(p =>
                $"part {p} (caller ran {_byCaller[p]} of {_length[p].Count}) starts {Median(_start[p]):F2} µs, lasts {Median(_length[p]):F2} µs"));

        private static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);
    }
}
