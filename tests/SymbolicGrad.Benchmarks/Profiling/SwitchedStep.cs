using System.Diagnostics;
using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--switch-ab [--switch NAME] [--threads 1] [256|deep]…</c>: the generated training step with one of
/// <see cref="KernelSwitches"/> on and off, in alternating blocks of about 20 ms in one process: per setting the median
/// samples/s and CPU time per step, and the median of the per-round ratios, which cancels load that changes slower than
/// a round. NAME: <c>panels</c> (<see cref="KernelSwitches.PanelRowUnits"/>, the default), <c>edges</c>
/// (<see cref="KernelSwitches.FewRowEdges"/>), <c>prefetch</c> (<see cref="KernelSwitches.PrefetchPanels"/>), <c>edges+prefetch</c> (both), <c>b-in-place</c> (<see cref="KernelSwitches.RowsOfBInPlace"/>), <c>vector512</c> (<see cref="KernelSwitches.Vector512Products"/>), <c>vectors512</c> (<see cref="KernelSwitches.Vector512Vectors"/>), <c>matvec-last-first</c> (<see cref="KernelSwitches.MatVecLastRowsFirst"/>), <c>dot-last-first</c> (<see cref="KernelSwitches.DotLastRowsOfBFirst"/>), <c>last-first-when-split</c> (the same with the small passes split, <see cref="KernelSwitches.VectorMinPerPart"/> 16 K), <c>small-split</c> (<see cref="KernelSwitches.VectorMinPerPart"/> 16 K against 64 K, untuned), <c>tuned-split</c> (the trainer's <see cref="SmallSplitTuner"/> against 64 K always). On every core: wall clock and process CPU time; with <c>--threads 1</c>:
/// the calling thread's CPU time for both figures (a loaded machine does not distort it as much).
/// </summary>
internal static class SwitchedStep
{
    private const int Rounds = 41;
    private const double BlockSeconds = 0.02;

    public static void Run(string[] args)
    {
        var rest = args.ToList();
        string name = "panels";
        int at = rest.IndexOf("--switch");
        if (at >= 0)
        {
            name = rest[at + 1];
            rest.RemoveRange(at, 2);
        }

        int threads = Environment.ProcessorCount;
        at = rest.IndexOf("--threads");
        if (at >= 0)
        {
            threads = int.Parse(rest[at + 1], System.Globalization.CultureInfo.InvariantCulture);
            rest.RemoveRange(at, 2);
        }

        Action<bool> set = name switch
        {
            "panels" => on => KernelSwitches.PanelRowUnits = on,
            "edges" => on => KernelSwitches.FewRowEdges = on,
            "prefetch" => on => KernelSwitches.PrefetchPanels = on,
            "edges+prefetch" => on => KernelSwitches.FewRowEdges = KernelSwitches.PrefetchPanels = on,
            "b-in-place" => on => KernelSwitches.RowsOfBInPlace = on,
            "vector512" => on => KernelSwitches.Vector512Products = on,
            "vectors512" => on => KernelSwitches.Vector512Vectors = on,
            "matvec-last-first" => on => KernelSwitches.MatVecLastRowsFirst = on,
            "dot-last-first" => on => KernelSwitches.DotLastRowsOfBFirst = on,
            "small-split" => on => (KernelSwitches.TuneSmallSplit, KernelSwitches.VectorMinPerPart) = (false, on ? 16 * 1024 : 64 * 1024),
            "last-first-when-split" => on => (KernelSwitches.TuneSmallSplit, KernelSwitches.VectorMinPerPart, KernelSwitches.MatVecLastRowsFirst) = (false, 16 * 1024, on),
            "tuned-split" => on => KernelSwitches.TuneSmallSplit = on,
            _ => throw new ArgumentException($"--switch-ab: unknown switch '{name}' (panels, edges, prefetch, edges+prefetch, b-in-place, vector512, vectors512, matvec-last-first, dot-last-first, last-first-when-split, small-split, tuned-split)."),
        };
        bool cpuClock = threads == 1;
        foreach (string size in rest.Count > 0 ? rest : ["256", "deep"])
        {
            if (size == "products")
            {
                Products(name, set);
                continue;
            }

            if (size == "kernels")
            {
                VectorKernelTimes.Run(name, set);
                continue;
            }

            TrainingStepBenchmarks bench = size == "deep" ? new DeepMlpStepBenchmarks { Batch = 256 } : new SmallMlpStepBenchmarks { Batch = int.Parse(size, System.Globalization.CultureInfo.InvariantCulture) };
            bench.Setup();
            Parallelism.MaxThreads = threads;
            int batch = bench.Batch;
            foreach (bool on in new[] { true, false, true, false })
            {
                set(on);
                var warm = Stopwatch.StartNew();
                while (warm.Elapsed.TotalSeconds < 1.5)
                {
                    bench.Generated();
                }
            }

            var rates = new[] { new double[Rounds], new double[Rounds] };
            var cpu = new[] { new double[Rounds], new double[Rounds] };
            var ratio = new double[Rounds];
            for (int r = 0; r < Rounds; r++)
            {
                for (int o = 0; o < 2; o++)
                {
                    int s = (r + o) % 2; // 0: on (new), 1: off (before)
                    set(s == 0);
                    for (int w = 0; w < 3; w++)
                    {
                        bench.Generated();
                    }

                    var processCpu = Environment.CpuUsage.TotalTime;
                    long threadCpu = ThreadCpuClock.Instance.GetTimestamp();
                    long start = Stopwatch.GetTimestamp();
                    int steps = 0;
                    while (Stopwatch.GetElapsedTime(start).TotalSeconds < BlockSeconds)
                    {
                        bench.Generated();
                        steps++;
                    }

                    double seconds = cpuClock ? (ThreadCpuClock.Instance.GetTimestamp() - threadCpu) * 1e-9 : Stopwatch.GetElapsedTime(start).TotalSeconds;
                    rates[s][r] = batch * steps / seconds;
                    cpu[s][r] = cpuClock ? seconds * 1e6 / steps : (Environment.CpuUsage.TotalTime - processCpu).TotalMicroseconds / steps;
                }

                ratio[r] = rates[0][r] / rates[1][r];
            }

            set(true);
            Console.WriteLine($"{size}, switch {name}, {threads} thread(s), {(cpuClock ? "thread CPU time" : "wall clock")}: on {Median(rates[0]):N0} samples/s ({Median(cpu[0]):F0} µs CPU/step), off {Median(rates[1]):N0} samples/s ({Median(cpu[1]):F0} µs CPU/step); " +
                $"median per-round ratio on ÷ off {Median(ratio):F3} (quartiles {Quantile(ratio, 0.25):F3}–{Quantile(ratio, 0.75):F3}; best rounds {rates[0].Max():N0} vs {rates[1].Max():N0}); load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        }
    }

    /// <summary>
    /// The products of the 784-128-10 and 784-512-512-10 steps at batch 256 alone, one thread, thread CPU time: each sample times the product
    /// with the switch on and off (order alternating); medians of the times and of the per-sample ratios.
    /// </summary>
    private static void Products(string name, Action<bool> set)
    {
        const int Samples = 201;
        Parallelism.MaxThreads = 1;
        (string Name, Kind Kind, int M, int N, int K)[] shapes =
        [
            ("Y1 = X·W1ᵀ", Kind.Forward, 256, 128, 784),
            ("W1 ← momentum(dY1ᵀ·X)", Kind.Update, 128, 784, 256),
            ("W2 ← momentum(dY2ᵀ·A1)", Kind.Update, 10, 128, 256),
            ("deep Y1 = X·W1ᵀ", Kind.Forward, 256, 512, 784),
            ("deep Y2 = A1·W2ᵀ", Kind.Forward, 256, 512, 512),
            ("deep dA1 = dY2·W2", Kind.InputGradient, 256, 512, 512),
            ("deep W1 ← momentum", Kind.Update, 512, 784, 256),
            ("deep W2 ← momentum", Kind.Update, 512, 512, 256),
        ];
        foreach (var (title, kind, m, n, k) in shapes)
        {
            var random = new Random(5);
            var a = GemmBenchmarks.Fill(random, m * k);
            var bFilled = GemmBenchmarks.Fill(random, k * n);
            var b = GC.AllocateArray<float>(k * n + 16, pinned: true);
            int bAt = Environment.GetEnvironmentVariable("SG_B_OFFSET") is { } offsetText ? int.Parse(offsetText, System.Globalization.CultureInfo.InvariantCulture) : 0;
            nint bAddress = System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(b, 0);
            bAt = (int)(((64 - (bAddress & 63)) / 4 % 16) + bAt) % 16;

            bFilled.CopyTo(b, bAt);
            var c = new float[m * n];
            var velocity = new float[m * n];
            var store = new MomentumStore(1e-6f, 0.9f);
            void Run()
            {
                switch (kind)
                {
                    case Kind.Update:
                        // FusedStep's layout: ∂W = Uᵀ·V with U batch × rows.
                        PackedGemm.Run(ref a[0], 1, m, ref b[bAt], n, 1, ref c[0], ref velocity[0], n, m, n, k, 1f / 256, store);
                        break;
                    case Kind.InputGradient:
                        // dX = dY·W, W row-major k × n.
                        PackedGemm.Run(ref a[0], k, 1, ref b[bAt], n, 1, ref c[0], ref c[0], n, m, n, k, 1f, default(SetStore));
                        break;
                    default:
                        PackedGemm.Run(ref a[0], k, 1, ref b[0], 1, k, ref c[0], ref c[0], n, m, n, k, 1f, default(SetStore));
                        break;
                }
            }

            var times = new[] { new double[Samples], new double[Samples] };
            var ratio = new double[Samples];
            for (int w = 0; w < 50; w++)
            {
                set(w % 2 == 0);
                Run();
            }

            for (int s = 0; s < Samples; s++)
            {
                for (int o = 0; o < 2; o++)
                {
                    int which = (s + o) % 2;
                    set(which == 0);
                    long start = ThreadCpuClock.Instance.GetTimestamp();
                    Run();
                    Run();
                    times[which][s] = (ThreadCpuClock.Instance.GetTimestamp() - start) * 1e-3 / 2;
                }

                ratio[s] = times[1][s] / times[0][s];
            }

            set(true);
            double gflop = 2e-3 * m * n * k;
            Console.WriteLine($"{title,-24} {m}×{n}×{k}, switch {name}, one thread, thread CPU time: on {Median(times[0]):F1} µs (best {times[0].Min():F1}, {gflop / Median(times[0]):F0} GFLOP/s), off {Median(times[1]):F1} µs (best {times[1].Min():F1}, {gflop / Median(times[1]):F0} GFLOP/s); " +
                $"median per-sample speed on ÷ off {Median(ratio):F3} (quartiles {Quantile(ratio, 0.25):F3}–{Quantile(ratio, 0.75):F3}); load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        }

        Parallelism.MaxThreads = Environment.ProcessorCount;
    }

    private enum Kind
    {
        Forward,
        Update,
        InputGradient,
    }

    internal static double Median(double[] x) => Quantile(x, 0.5);

    internal static double Quantile(double[] x, double q)
    {
        var y = (double[])x.Clone();
        Array.Sort(y);
        return y[(int)(q * (y.Length - 1))];
    }
}
