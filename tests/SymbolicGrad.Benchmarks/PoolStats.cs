using System.Diagnostics;
using System.Globalization;
using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks;

/// <summary>
/// <c>--pool-stats [--small] [--batch B] [--seconds S] [--cpu] [--unaligned] [--a H/C[/off]] [--b H/C[/off]] [--late N]</c>: the deep MLP step (784-512-512-10, batch
/// 256; <c>--small</c>: 784-128-10; <c>--batch B</c>: another batch size) on every core, with the worker pool's counters: how long the caller waited for the helper after its own parts,
/// how often the helper had to be woken and how fast it came, back-offs by cause, and the long waits one by one (which
/// product, how late, the JIT's and the GC's counts at that moment). The first second (warm-up, JIT tiering) is
/// reported apart from the rest.
/// </summary>
/// <remarks>
/// <c>--cpu</c> reads the helper's CPU time around each part, which tells a descheduled helper from a slow part (a
/// system call a part). <c>--a H/C</c> sets how the threads wait: the worker spins H µs for the next dispatch before it
/// sleeps, the caller spins C µs for the others' parts before it sleeps (−1: it never sleeps); with <c>--b H/C</c> too,
/// 0.25 s blocks of both alternate in one run and each is reported, with the ratio of their medians and of their CPU
/// time per step, which a loaded machine disturbs less than absolute speeds. A third field turns changes off
/// (<c>chunks</c>, <c>packing</c>, <c>check</c>, <c>rows</c>, <c>overwrite</c>, <c>inplace</c>, joined by <c>+</c>; <see cref="KernelSwitches"/>), e.g.
/// <c>--a 1000/-1 --b 200/-1/chunks+packing+check</c> alternates this branch's pool with what it replaced. <c>--unaligned</c> starts the packing
/// buffers wherever their arrays landed (before they were aligned to 64 bytes).
/// The last line (<c>RESULT …</c>) is one line for scripts that run this in many fresh processes.
/// </remarks>
internal static class PoolStats
{
    private const double BlockSeconds = 0.25;

    public static void Run(string[] args)
    {
        double seconds = Option(args, "--seconds", 4.0);
        int lateShown = (int)Option(args, "--late", 12);
        PoolStatistics.Enabled = true;
        PoolStatistics.MeasureHelperCpu = args.Contains("--cpu");
        var configs = new List<Waits> { Waits.Parse(Text(args, "--a") ?? Waits.Current.ToString()) };
        if (Text(args, "--b") is { } b)
        {
            configs.Add(Waits.Parse(b));
        }

        configs[0].Apply();
        AlignedBuffer.Align = !args.Contains("--unaligned");

        int batch = (int)Option(args, "--batch", 256);
        TrainingStepBenchmarks bench = args.Contains("--small") ? new SmallMlpStepBenchmarks { Batch = batch } : new DeepMlpStepBenchmarks { Batch = batch };
        bench.Setup();
        long backOffs = WorkerPool.BackOffs;
        PoolStatistics.Reset();
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1)
        {
            bench.Generated();
        }

        Console.WriteLine($"warm-up 1 s: {Describe(WorkerPool.BackOffs - backOffs)}");
        PrintLate(lateShown);

        var rates = configs.ToDictionary(c => c, _ => new List<double>());
        var cpuPerStep = configs.ToDictionary(c => c, _ => new List<double>());
        var callerCpuPerStep = configs.ToDictionary(c => c, _ => new List<double>()); // the calling thread's share: its parts and the serial code
        var counters = configs.ToDictionary(c => c, _ => new Counters());
        long jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        int gcBefore = GC.CollectionCount(0);
        for (int block = 0; block < seconds / BlockSeconds; block++)
        {
            var config = configs[block % configs.Count];
            config.Apply();
            backOffs = WorkerPool.BackOffs;
            PoolStatistics.Reset();
            var cpuStart = Environment.CpuUsage.TotalTime; // every thread of the process
            long callerStart = ThreadCpuClock.Instance.GetTimestamp();
            int steps = 0;
            long start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start).TotalSeconds < BlockSeconds)
            {
                bench.Generated();
                steps++;
            }

            double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
            rates[config].Add(batch * steps / wall);
            cpuPerStep[config].Add((Environment.CpuUsage.TotalTime - cpuStart).TotalMilliseconds / steps);
            callerCpuPerStep[config].Add((ThreadCpuClock.Instance.GetTimestamp() - callerStart) * 1e-6 / steps);
            counters[config].Add(WorkerPool.BackOffs - backOffs);
            counters[config].Steps += steps;
        }

        Console.WriteLine($"measured {seconds:F1} s in {BlockSeconds} s blocks (load {Load()}; the JIT compiled {System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore} methods and the GC ran {GC.CollectionCount(0) - gcBefore} times meanwhile)");
        foreach (var config in configs)
        {
            var c = counters[config];
            Console.WriteLine($"{config}: median {Median(rates[config]):N0} samples/s (blocks {rates[config].Min():N0}–{rates[config].Max():N0}), process CPU {Median(cpuPerStep[config]):F2} ms a step, the caller's {Median(callerCpuPerStep[config]):F2} ms");
            Console.WriteLine($"  {c}");
            foreach (var late in c.Late.Take(lateShown))
            {
                Console.WriteLine($"  {Format(late)}");
            }

            Console.WriteLine(c.PerStep());
        }

        if (configs.Count == 2)
        {
            Console.WriteLine($"({configs[1]}) ÷ ({configs[0]}): samples/s {Median(rates[configs[1]]) / Median(rates[configs[0]]):F3}, process CPU a step {Median(cpuPerStep[configs[1]]) / Median(cpuPerStep[configs[0]]):F3}, the caller's CPU a step {Median(callerCpuPerStep[configs[1]]) / Median(callerCpuPerStep[configs[0]]):F3}");
        }

        var all = counters[configs[0]];
        var (packA, packB) = PackedGemm.PackingAddresses();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT samples/s {Median(rates[configs[0]]):F0} cpu-ms/step {Median(cpuPerStep[configs[0]]):F3} backoffs {all.BackOffs} late {all.LateCount} wait-us/dispatch {all.WaitMicroseconds / Math.Max(1, all.Dispatches):F1} same-cpu {all.SameCpu} dispatches {all.Dispatches} wakes {all.Wakes} main-cpu {Thread.GetCurrentProcessorId()} min {rates[configs[0]].Min():F0} max {rates[configs[0]].Max():F0} pack-a {packA % 4096} pack-b {packB % 4096} shared {SharedBuffer.Address % 4096}"));
    }

    /// <summary>The pool's counters since the last reset, in one line.</summary>
    internal static string Describe(long backOffs)
    {
        var c = new Counters();
        c.Add(backOffs);
        return c.ToString();
    }

    private static void PrintLate(int count)
    {
        foreach (var late in PoolStatistics.LateDispatches[..Math.Min(count, PoolStatistics.LateDispatches.Length)])
        {
            Console.WriteLine($"  {Format(late)}");
        }
    }

    private static string Format(LateDispatch d) =>
        $"{d.Seconds:F3} s {d.Job} {d.Shape.M}×{d.Shape.N}×{d.Shape.K} ({d.Parts} parts): waited {d.WaitMicroseconds:F0} µs, {d.Cause}" +
        $" (helper {(d.Parked ? "asleep, woke" : "awake, saw it")} after {d.WakeMicroseconds:F0} µs, began the late part at {d.StartMicroseconds:F0} µs, part {d.PartMicroseconds:F0} µs wall" +
        $"{(d.PartCpuMicroseconds >= 0 ? $" / {d.PartCpuMicroseconds:F0} µs CPU" : "")}{(d.SameCpu ? ", same CPU as the caller" : "")}){(d.BackedOff ? " BACK-OFF" : "")}; JIT {d.JitMethods} methods, GC {d.Collections}";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    private static string? Text(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    /// <summary>
    /// How the pool's threads wait: the worker's spin before it sleeps, the caller's (−1: never sleeps), in µs; and which
    /// <see cref="KernelSwitches"/> are off (<c>H/C/chunks+packing+check+overwrite</c>).
    /// </summary>
    private readonly record struct Waits(int HelperSpin, int CallerSpin, string Off = "")
    {
        public static Waits Current => new(WorkerPool.SpinMicroseconds, WorkerPool.CallerSpinMicroseconds);

        public static Waits Parse(string text)
        {
            var parts = text.Split('/');
            return new(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), parts.Length > 2 ? parts[2] : "");
        }

        public void Apply()
        {
            WorkerPool.SpinMicroseconds = HelperSpin;
            WorkerPool.CallerSpinMicroseconds = CallerSpin;
            var off = Off.Split('+');
            KernelSwitches.HalvingChunks = !off.Contains("chunks");
            KernelSwitches.VectorPacking = !off.Contains("packing");
            KernelSwitches.ParallelCheck = !off.Contains("check");
            KernelSwitches.ParallelRows = !off.Contains("rows");
            KernelSwitches.OverwritingProducts = !off.Contains("overwrite");
            KernelSwitches.RowsOfBInPlace = !off.Contains("inplace");
            KernelSwitches.MinSplitWork = off.FirstOrDefault(o => o.StartsWith("small", StringComparison.Ordinal)) is { } small ? long.Parse(small[5..], CultureInfo.InvariantCulture) : 0;
        }

        public override string ToString() => Off.Length == 0 ? $"{HelperSpin}/{CallerSpin}" : $"{HelperSpin}/{CallerSpin}/{Off}";
    }

    private static double Option(string[] args, string name, double fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? double.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    internal static string Load()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>The pool's counters summed over blocks.</summary>
    private sealed class Counters
    {
        public long Dispatches, Wakes, WokeAfterCallerParts, HelperIdle, SameCpu, CallerSlept, BackOffs, LateCount;
        public double WakeMicroseconds, WaitMicroseconds;
        public readonly long[] Waits = new long[PoolStatistics.WaitBucketMicroseconds.Length + 1];
        public readonly long[] ByCause = new long[Enum.GetValues<Lateness>().Length];
        public readonly List<LateDispatch> Late = [];
        public readonly long[] Gaps = new long[PoolStatistics.GapBucketMicroseconds.Length + 1];
        public double GapMicroseconds;
        public long Steps;
        public readonly Dictionary<(string Job, (int, int, int) Shape, int Parts), (long Count, double Dispatch, double Wait)> Jobs = [];

        /// <summary>Per step: the time between dispatches, and each job's dispatches, wall time and waits.</summary>
        public string PerStep()
        {
            double steps = Math.Max(1, Steps);
            var bounds = PoolStatistics.GapBucketMicroseconds;
            var text = new System.Text.StringBuilder();
            text.AppendLine($"  per step ({Steps} steps): between dispatches {GapMicroseconds / steps:F0} µs ({string.Join(", ", Gaps.Select((n, i) => $"{(i < bounds.Length ? $"<{bounds[i]}" : $"≥{bounds[^1]}")} µs {n / steps:F2}"))})");
            text.AppendLine($"  {"job",-36} {"m×n×k",-14} {"parts",5} {"/step",6} {"µs/step",8} {"wait µs/step",12}");
            foreach (var (key, (count, dispatch, wait)) in Jobs.OrderByDescending(j => j.Value.Dispatch))
            {
                var (m, n, k) = key.Shape;
                text.AppendLine($"  {key.Job,-36} {$"{m}×{n}×{k}",-14} {key.Parts,5} {count / steps,6:F2} {dispatch / steps,8:F1} {wait / steps,12:F1}");
            }

            return text.ToString();
        }

        public void Add(long backOffs)
        {
            Dispatches += PoolStatistics.Dispatches;
            Wakes += PoolStatistics.Wakes;
            WokeAfterCallerParts += PoolStatistics.WokeAfterCallerParts;
            HelperIdle += PoolStatistics.HelperIdle;
            SameCpu += PoolStatistics.SameCpu;
            CallerSlept += PoolStatistics.CallerSlept;
            BackOffs += backOffs;
            LateCount += PoolStatistics.LateCount;
            WakeMicroseconds += PoolStatistics.WakeMicroseconds;
            WaitMicroseconds += PoolStatistics.WaitMicroseconds;
            for (int i = 0; i < Waits.Length; i++) Waits[i] += PoolStatistics.Waits[i];
            for (int i = 0; i < ByCause.Length; i++) ByCause[i] += PoolStatistics.BackOffsByCause[i];
            Late.AddRange(PoolStatistics.LateDispatches.ToArray());
            for (int i = 0; i < Gaps.Length; i++) Gaps[i] += PoolStatistics.Gaps[i];
            GapMicroseconds += PoolStatistics.GapMicroseconds;
            foreach (var job in PoolStatistics.Jobs)
            {
                var key = (job.Job, job.Shape, job.Parts);
                var (count, dispatch, wait) = Jobs.GetValueOrDefault(key);
                Jobs[key] = (count + job.Count, dispatch + job.DispatchMicroseconds, wait + job.WaitMicroseconds);
            }
        }

        public override string ToString()
        {
            var bounds = PoolStatistics.WaitBucketMicroseconds;
            string waits = string.Join(", ", Waits.Select((n, i) => $"{(i < bounds.Length ? $"<{bounds[i]}" : $"≥{bounds[^1]}")} µs {n}"));
            string causes = string.Join(", ", Enum.GetValues<Lateness>().Select(l => $"{l} {ByCause[(int)l]}"));
            return $"{Dispatches} dispatches; caller's wait after its parts {WaitMicroseconds / Math.Max(1, Dispatches):F1} µs on average ({waits}); " +
                $"slept {CallerSlept}; helper woken {Wakes} times ({WakeMicroseconds / Math.Max(1, Wakes):F0} µs on average), saw the dispatch after the caller's own parts {WokeAfterCallerParts}, ran nothing {HelperIdle}, " +
                $"same CPU as the caller {SameCpu}; waits ≥ {PoolStatistics.RecordMicroseconds} µs {LateCount}; back-offs {BackOffs} ({causes})";
        }
    }
}
