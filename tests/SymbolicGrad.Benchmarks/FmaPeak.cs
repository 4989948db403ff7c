using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SymbolicGrad.Benchmarks.Training;

namespace SymbolicGrad.Benchmarks;

/// <summary>
/// <c>--peak</c>: the machine's single-precision FMA peak, measured with a loop of twelve independent FMA chains (more
/// than the two FMA units × four cycles of latency need to stay busy) of 8 floats (AVX2) and, where AVX-512 runs
/// natively, of 16 floats, on one thread and on every core at once; the widest is the machine's peak; then the 784-512-512-10 training step at batch 256 on every core, warmed up until the JIT is quiet, as a
/// fraction of that peak, with the worker pool's counters for the warm-up and the measurement (the step is
/// 3.21 MFLOP a sample: 2 × (784·512 + 512·512 + 512·10) multiply-adds forward, twice that backward, less the input
/// gradient of the first layer, which is not needed).
/// </summary>
/// <remarks>
/// The peak rates are per thread CPU time (a thread descheduled by other work does not lower them); the step is timed
/// on the wall clock, because its work is spread over threads: its median over interleaved samples is meaningful only
/// on a quiet machine.
/// </remarks>
internal static class FmaPeak
{
    private const long Iterations = 40_000_000;
    private const double FlopsPerIteration = 12 * 8 * 2;
    private const double DeepFlopsPerSample = 2.0 * (784 * 512 + 512 * 512 + 512 * 10) * 3 - 2.0 * 784 * 512;

    public static void Run()
    {
        if (!Fma.IsSupported)
        {
            Console.WriteLine("no FMA on this machine");
            return;
        }

        int cores = Environment.ProcessorCount;
        var (one256, all256, each256) = MeasureEach(wide: false);
        Console.WriteLine($"FMA peak, 8-float vectors (thread CPU time, load {Load()}): one core {one256 / 1e9:F1} GFLOP/s; {cores} cores at once {all256 / 1e9:F1} GFLOP/s ({Join(each256)})");
        double all = all256;
        if (Avx512F.IsSupported)
        {
            var (one512, all512, each512) = MeasureEach(wide: true);
            Console.WriteLine($"FMA peak, 16-float vectors (thread CPU time, load {Load()}): one core {one512 / 1e9:F1} GFLOP/s; {cores} cores at once {all512 / 1e9:F1} GFLOP/s ({Join(each512)}); {all512 / all256:F2}x the 8-float peak");
            all = Math.Max(all, all512);
        }
        else
        {
            Console.WriteLine("no AVX-512 on this machine: the 8-float peak is the machine's");
        }

        Console.WriteLine($"deep MLP step: {DeepFlopsPerSample / 1e6:F2} MFLOP a sample; at {cores} cores' peak that is {all / DeepFlopsPerSample:N0} samples/s");

        var bench = new DeepMlpStepBenchmarks { Batch = 256 };
        bench.Setup();
        long backOffs = CompilerServices.WorkerPool.BackOffs;
        CompilerServices.PoolStatistics.Enabled = true;
        CompilerServices.PoolStatistics.Reset();
        var warm = WarmUp(bench);
        Console.WriteLine($"warm-up {warm.TotalSeconds:F1} s (until the JIT had compiled nothing for {JitQuietSeconds} s): {PoolStats.Describe(CompilerServices.WorkerPool.BackOffs - backOffs)}");
        backOffs = CompilerServices.WorkerPool.BackOffs;
        CompilerServices.PoolStatistics.Reset();
        var samples = new double[15];
        for (int s = 0; s < samples.Length; s++)
        {
            int steps = 0;
            long start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start).TotalSeconds < 0.25)
            {
                bench.Generated();
                steps++;
            }

            samples[s] = 256.0 * steps / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Array.Sort(samples);
        double median = samples[samples.Length / 2];
        Console.WriteLine($"deep MLP step, batch 256, {Parallelism.MaxThreads} threads, wall clock: median {median:N0} samples/s = {median * DeepFlopsPerSample / 1e9:F1} GFLOP/s = {median * DeepFlopsPerSample / all:P0} of the machine's widest {cores}-core peak, {median * DeepFlopsPerSample / all256:P0} of the 8-float one (samples {samples[0]:N0}–{samples[^1]:N0}; load {Load()}; the pool backed off to one thread {CompilerServices.WorkerPool.BackOffs - backOffs} times)");
        Console.WriteLine($"worker pool: {PoolStats.Describe(CompilerServices.WorkerPool.BackOffs - backOffs)}");
    }

    private const double JitQuietSeconds = 0.25;

    // Steps for at least a second and until the JIT has compiled nothing for a while (at most 5 s): tiered compilation
    // recompiles the step's methods during its first second or so, and its thread takes a core from the pool's.
    private static TimeSpan WarmUp(DeepMlpStepBenchmarks bench)
    {
        var clock = Stopwatch.StartNew();
        long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        var quietSince = TimeSpan.Zero;
        while (clock.Elapsed.TotalSeconds < 5)
        {
            bench.Generated();
            long now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                compiled = now;
                quietSince = clock.Elapsed;
            }
            else if (clock.Elapsed.TotalSeconds >= 1 && (clock.Elapsed - quietSince).TotalSeconds >= JitQuietSeconds)
            {
                break;
            }
        }

        return clock.Elapsed;
    }

    /// <summary>
    /// The peak FLOP per second of CPU time of one core, and of every core at once (summed), with the widest vectors
    /// the machine runs natively (16 floats with AVX-512, else 8).
    /// </summary>
    internal static (double One, double All) Measure()
    {
        var (one, all, _) = MeasureEach(wide: false);
        if (Avx512F.IsSupported)
        {
            var (one512, all512, _) = MeasureEach(wide: true);
            (one, all) = (Math.Max(one, one512), Math.Max(all, all512));
        }

        return (one, all);
    }

    private static (double One, double All, double[] Each) MeasureEach(bool wide)
    {
        RunLoop(wide, Iterations / 10); // compile
        double one = PerThreadRate(1, wide).Sum();
        double[] each = PerThreadRate(Environment.ProcessorCount, wide);
        return (one, each.Sum(), each);
    }

    private static string Join(double[] rates) => string.Join(" + ", rates.Select(r => (r / 1e9).ToString("F1")));

    private static float RunLoop(bool wide, long iterations) => wide ? Loop512(iterations) : Loop(iterations);

    // FLOP per second of CPU time of each of `threads` threads running the loop at the same time.
    private static double[] PerThreadRate(int threads, bool wide)
    {
        var rates = new double[threads];
        double flops = Iterations * FlopsPerIteration * (wide ? 2 : 1);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            long start = ThreadCpuClock.Instance.GetTimestamp();
            RunLoop(wide, Iterations);
            double seconds = (ThreadCpuClock.Instance.GetTimestamp() - start) * 1e-9;
            rates[t] = flops / seconds;
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        return rates;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop(long iterations)
    {
        // x ← x·m + a stays near a/(1 − m): no overflow, no denormals.
        var m = Vector256.Create(0.999f);
        var a = Vector256.Create(0.001f);
        var c0 = Vector256.Create(1f);
        var c1 = c0; var c2 = c0; var c3 = c0; var c4 = c0; var c5 = c0;
        var c6 = c0; var c7 = c0; var c8 = c0; var c9 = c0; var c10 = c0; var c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, m, a);
            c1 = Fma.MultiplyAdd(c1, m, a);
            c2 = Fma.MultiplyAdd(c2, m, a);
            c3 = Fma.MultiplyAdd(c3, m, a);
            c4 = Fma.MultiplyAdd(c4, m, a);
            c5 = Fma.MultiplyAdd(c5, m, a);
            c6 = Fma.MultiplyAdd(c6, m, a);
            c7 = Fma.MultiplyAdd(c7, m, a);
            c8 = Fma.MultiplyAdd(c8, m, a);
            c9 = Fma.MultiplyAdd(c9, m, a);
            c10 = Fma.MultiplyAdd(c10, m, a);
            c11 = Fma.MultiplyAdd(c11, m, a);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    // The same chains on 16-float vectors (callers check Avx512F.IsSupported).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop512(long iterations)
    {
        var m = Vector512.Create(0.999f);
        var a = Vector512.Create(0.001f);
        var c0 = Vector512.Create(1f);
        var c1 = c0; var c2 = c0; var c3 = c0; var c4 = c0; var c5 = c0;
        var c6 = c0; var c7 = c0; var c8 = c0; var c9 = c0; var c10 = c0; var c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, m, a);
            c1 = Avx512F.FusedMultiplyAdd(c1, m, a);
            c2 = Avx512F.FusedMultiplyAdd(c2, m, a);
            c3 = Avx512F.FusedMultiplyAdd(c3, m, a);
            c4 = Avx512F.FusedMultiplyAdd(c4, m, a);
            c5 = Avx512F.FusedMultiplyAdd(c5, m, a);
            c6 = Avx512F.FusedMultiplyAdd(c6, m, a);
            c7 = Avx512F.FusedMultiplyAdd(c7, m, a);
            c8 = Avx512F.FusedMultiplyAdd(c8, m, a);
            c9 = Avx512F.FusedMultiplyAdd(c9, m, a);
            c10 = Avx512F.FusedMultiplyAdd(c10, m, a);
            c11 = Avx512F.FusedMultiplyAdd(c11, m, a);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
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
