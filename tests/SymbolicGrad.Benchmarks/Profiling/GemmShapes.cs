using System.Diagnostics;
using System.Runtime.InteropServices;
using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--gemm</c>: each matrix product of the 784-512-512-10 training step at batch 256, alone, on one thread (thread CPU
/// time, so other load on the machine does not count) and on every core (wall clock), as GFLOP/s and as a share of the
/// FMA peak measured in the same run; then the sum over the step's products and the samples/s it bounds.
/// The 784-128-10 step's products at batches 16, 64 and 256 follow (not summed into the deep step).
/// </summary>
/// <remarks>
/// The products are those of the generated step: forward <c>Y += X·Wᵀ</c>, input gradients <c>dX += dY·W</c> (the first
/// layer's is not needed), and weight gradients <c>dYᵀ·X</c> applied as a fused momentum update (the step's path), with
/// the plain <c>dW += dYᵀ·X</c> beside them. One and all-core samples are interleaved so both see the same load.
/// </remarks>
internal static class GemmShapes
{
    private const int Batch = 256;
    private const int Samples = 41;
    private const double SampleSeconds = 0.004;

    private sealed record Shape(string Name, string Kind, int M, int N, int K, bool InStep, int Batch = Batch)
    {
        public double Flops => 2.0 * M * N * K;
    }

    /// <summary>
    /// Measures the products (only those whose name contains one of <paramref name="filter"/>'s '|'-separated parts,
    /// when given); with
    /// <paramref name="wholeOnly"/> not the threads' shares one by one.
    /// </summary>
    public static void Run(string? filter = null, bool wholeOnly = false)
    {
        var (onePeak, allPeak) = FmaPeak.Measure();
        int cores = Environment.ProcessorCount;
        Console.WriteLine($"GEMMs of the 784-512-512-10 step at batch {Batch}; Kernels.IsAccelerated = {Kernels.IsAccelerated}; load {Load()}");
        Console.WriteLine($"FMA peak (thread CPU time): one core {onePeak / 1e9:F1} GFLOP/s, {cores} cores {allPeak / 1e9:F1} GFLOP/s");
        Console.WriteLine($"1 thread: thread CPU time; {cores} threads: wall clock; medians of {Samples} interleaved samples; best: the fastest {cores}-thread sample; CPU: process CPU time per call on {cores} threads (every thread's work, spinning included), CPU/1: that ÷ the 1-thread time");
        Console.WriteLine();
        Console.WriteLine($"{"product",-34} {"m×n×k",-14} {"1 thread µs",11} {"GFLOP/s",8} {"% 1-core",8} {"best %",7}   {cores + " threads µs",11} {"GFLOP/s",8} {$"% {cores}-core",8} {"speed-up",8}   {"best µs",9} {"speed-up",8}   {"CPU µs",9} {"CPU/1",7}");

        Shape[] shapes =
        [
            new("forward  Y1 += X·W1ᵀ", "ABt", Batch, 512, 784, true),
            new("forward  Y2 += A1·W2ᵀ", "ABt", Batch, 512, 512, true),
            new("forward  Y3 += A2·W3ᵀ", "ABt", Batch, 10, 512, true),
            new("backward dA2 += dY3·W3", "AB", Batch, 512, 10, true),
            new("backward dA1 += dY2·W2", "AB", Batch, 512, 512, true),
            new("weights  W1 ← momentum(dY1ᵀ·X)", "AtBMomentum", 512, 784, Batch, true),
            new("weights  W2 ← momentum(dY2ᵀ·A1)", "AtBMomentum", 512, 512, Batch, true),
            new("weights  W3 ← momentum(dY3ᵀ·A2)", "AtBMomentum", 10, 512, Batch, true),
            new("weights  dW1 += dY1ᵀ·X (plain)", "AtB", 512, 784, Batch, false),
            new("weights  dW2 += dY2ᵀ·A1 (plain)", "AtB", 512, 512, Batch, false),
            new("weights  dW3 += dY3ᵀ·A2 (plain)", "AtB", 10, 512, Batch, false),
            .. new[] { 16, 64, 256 }.SelectMany(b => new Shape[]
            {
                new($"b{b} 784-128 Y1 += X·W1ᵀ", "ABt", b, 128, 784, false, b),
                new($"b{b} 784-128 dA1 += dY2·W2", "AB", b, 128, 10, false, b),
                new($"b{b} 784-128 W1 ← momentum(dY1ᵀ·X)", "AtBMomentum", 128, 784, b, false, b),
            }),
        ];

        double stepOne = 0, stepAll = 0, stepBestAll = 0, stepParts = 0, stepFlops = 0;
        var partLines = new List<string>();
        long backOffs = WorkerPool.BackOffs;
        foreach (var shape in shapes.Where(s => filter is null || filter.Split('|').Any(f => s.Name.Contains(f, StringComparison.OrdinalIgnoreCase))))
        {
            var (whole, part) = Create(shape);
            var (one, all, bestAll, cpuAll, bestOne) = Time(whole, cores);
            Console.WriteLine($"{shape.Name,-34} {$"{shape.M}×{shape.N}×{shape.K}",-14} {one,11:F1} {shape.Flops / one / 1e3,8:F1} {shape.Flops / one / 1e3 / (onePeak / 1e9),8:P0} {shape.Flops / bestOne / 1e3 / (onePeak / 1e9),7:P0}   {all,11:F1} {shape.Flops / all / 1e3,8:F1} {shape.Flops / all / 1e3 / (allPeak / 1e9),8:P0} {one / all,7:F2}×   {bestAll,9:F1} {one / bestAll,7:F2}×   {cpuAll,9:F1} {cpuAll / one,7:P0}");
            stepBestAll += shape.InStep ? bestAll : 0;

            // What each thread of a dispatch on every core would run (its share of packing the shared operand, then its
            // chunks), one thread's share after the other on this thread (thread CPU time): the slowest is the wall
            // time the threads could reach without any cost of handing work over.
            double[] parts = wholeOnly ? [double.NaN] : Enumerable.Range(0, cores).Select(p => Time(() => part(cores, p))).ToArray();
            double slowest = parts.Max();
            if (!wholeOnly) partLines.Add($"{shape.Name,-34} shares {string.Join(" + ", parts.Select(t => t.ToString("F1")))} µs = {parts.Sum() / one:P0} of the whole on one thread; " +
                $"slowest part {slowest:F1} µs = {shape.Flops / slowest / 1e3:F1} GFLOP/s ({shape.Flops / slowest / 1e3 / (allPeak / 1e9):P0} of {cores} cores)");
            if (shape.InStep)
            {
                stepOne += one;
                stepAll += all;
                stepParts += slowest;
                stepFlops += shape.Flops;
            }
        }

        Console.WriteLine();
        Console.WriteLine($"each product cut as on {cores} threads, each thread's share timed one by one on one thread (thread CPU time):");
        partLines.ForEach(Console.WriteLine);

        Console.WriteLine();
        Console.WriteLine($"the step's products together: 1 thread {stepOne:F0} µs = {stepFlops / stepOne / 1e3:F1} GFLOP/s ({stepFlops / stepOne / 1e3 / (onePeak / 1e9):P0} of one core), " +
            $"{cores} threads {stepAll:F0} µs = {stepFlops / stepAll / 1e3:F1} GFLOP/s ({stepFlops / stepAll / 1e3 / (allPeak / 1e9):P0} of {cores} cores); " +
            $"alone they bound the step at {Batch / stepAll * 1e6:N0} samples/s on {cores} threads; best samples {stepBestAll:F0} µs = {stepFlops / stepBestAll / 1e3 / (allPeak / 1e9):P0} of {cores} cores (load {Load()})");
        Console.WriteLine($"with no cost of handing over the parts: {stepParts:F0} µs = {stepFlops / stepParts / 1e3:F1} GFLOP/s ({stepFlops / stepParts / 1e3 / (allPeak / 1e9):P0} of {cores} cores), " +
            $"{Batch / stepParts * 1e6:N0} samples/s; the pool backed off to one thread {WorkerPool.BackOffs - backOffs} times (a part late by over 2 ms: a descheduled thread)");
        Parallelism.MaxThreads = cores;
    }

    // The product on the pool, and the share of thread `part` of `parts` run alone on the calling thread.
    private static (Action Whole, Action<int, int> Part) Create(Shape shape)
    {
        var random = new Random(3);
        int m = shape.M, n = shape.N, k = shape.K;
        var c = new float[m * n];
        switch (shape.Kind)
        {
            case "ABt":
            {
                float[] a = GemmBenchmarks.Fill(random, m * k), b = GemmBenchmarks.Fill(random, n * k);
                // Kernels.MatMulAddABt's choice of kernel.
                bool dot = m < 32 || n < 32;
                return (() => Kernels.MatMulAddABt(a, b, c, m, n, k),
                    (parts, part) => GemmJob<AddStore>.RunShare(parts, part, dot, ref a[0], k, 1, ref b[0], 1, k, ref c[0], ref c[0], n, m, n, k, 1f, default));
            }

            case "AB":
            {
                float[] a = GemmBenchmarks.Fill(random, m * k), b = GemmBenchmarks.Fill(random, k * n);
                return (() => Kernels.MatMulAdd(a, b, c, m, n, k),
                    (parts, part) => GemmJob<AddStore>.RunShare(parts, part, false, ref a[0], k, 1, ref b[0], n, 1, ref c[0], ref c[0], n, m, n, k, 1f, default));
            }

            case "AtB":
            {
                float[] a = GemmBenchmarks.Fill(random, k * m), b = GemmBenchmarks.Fill(random, k * n);
                return (() => Kernels.MatMulAddAtB(a, b, c, m, n, k, 1f / Batch),
                    (parts, part) => GemmJob<AddStore>.RunShare(parts, part, false, ref a[0], 1, m, ref b[0], n, 1, ref c[0], ref c[0], n, m, n, k, 1f / Batch, default));
            }

            default:
            {
                // The fused step's call (FusedStep.ApplyTerm): W ← momentum update with the gradient α·Uᵀ·V.
                float[] u = GemmBenchmarks.Fill(random, k * m), v = GemmBenchmarks.Fill(random, k * n), velocity = new float[m * n];
                var store = new MomentumStore(1e-6f, 0.9f);
                return (() => GemmJob<MomentumStore>.Run(
                    false, ref MemoryMarshal.GetArrayDataReference(u), 1, m, ref MemoryMarshal.GetArrayDataReference(v), n, 1,
                    ref MemoryMarshal.GetArrayDataReference(c), ref MemoryMarshal.GetArrayDataReference(velocity), n, m, n, k, 1f / Batch, store),
                    (parts, part) => GemmJob<MomentumStore>.RunShare(parts, part, false, ref u[0], 1, m, ref v[0], n, 1, ref c[0], ref velocity[0], n, m, n, k, 1f / Batch, store));
            }
        }
    }

    // Median µs per call on one thread (thread CPU time) and on every core (wall clock), samples interleaved; also the
    // best every-core sample, the process CPU time per call on every core (all threads' work and waiting together), and
    // the fastest one-thread sample (under load, the least disturbed by other processes evicting the caches).
    private static (double One, double All, double BestAll, double CpuAll, double BestOne) Time(Action action, int cores)
    {
        Parallelism.MaxThreads = 1;
        Warm(action);
        int reps = Reps(action);
        Parallelism.MaxThreads = cores;
        Warm(action);
        var one = new double[Samples];
        var all = new double[Samples];
        var cpuAll = new double[Samples];
        for (int s = 0; s < Samples; s++)
        {
            Parallelism.MaxThreads = 1;
            long cpu = ThreadCpuClock.Instance.GetTimestamp();
            for (int i = 0; i < reps; i++)
            {
                action();
            }

            one[s] = (ThreadCpuClock.Instance.GetTimestamp() - cpu) * 1e-3 / reps;
            Parallelism.MaxThreads = cores;
            var processCpu = Environment.CpuUsage.TotalTime;
            long wall = Stopwatch.GetTimestamp();
            for (int i = 0; i < reps; i++)
            {
                action();
            }

            all[s] = Stopwatch.GetElapsedTime(wall).TotalMicroseconds / reps;
            cpuAll[s] = (Environment.CpuUsage.TotalTime - processCpu).TotalMicroseconds / reps;
        }

        Array.Sort(one);
        Array.Sort(all);
        Array.Sort(cpuAll);
        return (one[Samples / 2], all[Samples / 2], all[0], cpuAll[Samples / 2], one[0]);
    }

    // Median µs per call on this thread alone (thread CPU time).
    private static double Time(Action action)
    {
        Parallelism.MaxThreads = 1;
        Warm(action);
        int reps = Reps(action);
        var times = new double[Samples];
        for (int s = 0; s < Samples; s++)
        {
            long cpu = ThreadCpuClock.Instance.GetTimestamp();
            for (int i = 0; i < reps; i++)
            {
                action();
            }

            times[s] = (ThreadCpuClock.Instance.GetTimestamp() - cpu) * 1e-3 / reps;
        }

        Array.Sort(times);
        Parallelism.MaxThreads = Environment.ProcessorCount;
        return times[Samples / 2];
    }

    private static void Warm(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        int calls = 0;
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < 0.5 || calls < 50)
        {
            action();
            calls++;
        }
    }

    private static int Reps(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < 5; i++)
        {
            action();
        }

        double once = Stopwatch.GetElapsedTime(start).TotalSeconds / 5;
        return (int)Math.Clamp(SampleSeconds / once, 1, 100_000);
    }

    private static string Load()
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
}
