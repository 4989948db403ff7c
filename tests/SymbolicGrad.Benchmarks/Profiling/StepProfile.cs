using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--profile</c>: for each batch size of the 784-128-10 MLP, the generated step against the hand-written one
/// (interleaved; one thread in thread CPU time, then every core on the wall clock), the fused update against the
/// unfused step, the speed-up from the threads, and allocations. For 784-512-512-10: the same, and the share of the
/// one-thread step its GEMMs take.
/// </summary>
internal static class StepProfile
{
    private const int Inputs = TrainingData.Features;
    private const int Classes = TrainingData.Classes;

    public static void Run(int[] batches, bool deep)
    {
        Console.WriteLine($"Profile in thread CPU time, medians of 41 interleaved samples; Kernels.IsAccelerated = {Kernels.IsAccelerated}; {Environment.ProcessorCount} logical cores; load {LoadAverage()}");
        foreach (int batch in batches)
        {
            ProfileSmall(batch);
        }

        if (deep)
        {
            ProfileDeep(256);
        }
    }

    private static void ProfileSmall(int batch)
    {
        Console.WriteLine();
        Console.WriteLine($"=== 784-128-10, batch {batch} ===");
        Profile(() => new SmallMlpStepBenchmarks { Batch = batch }, () => new SmallMlpStepBenchmarks { Batch = batch, FusedUpdate = false }, batch);
    }

    /// <summary>
    /// One thread in thread CPU time: generated against hand-written, allocations, the A/A check. Every core on the
    /// wall clock: generated against hand-written, against itself on one thread, and fused against unfused.
    /// </summary>
    private static void Profile(Func<TrainingStepBenchmarks> create, Func<TrainingStepBenchmarks> createUnfused, int batch)
    {
        int cores = Environment.ProcessorCount;
        var bench = create();
        bench.Setup();
        var unfused = createUnfused();
        unfused.Setup();

        Parallelism.MaxThreads = 1;
        ProfileTimer.Wall = false;
        var steps = ProfileTimer.Compare(() => bench.Generated(), () => bench.HandWritten());
        Console.WriteLine($"1 thread, CPU time: generated {steps.A,9:F2} µs, hand-written {steps.B,9:F2} µs; samples/s {batch / steps.A * 1e6:N0} vs {batch / steps.B * 1e6:N0}; generated/hand speed {1 / steps.Ratio:F3}");
        var fusion = ProfileTimer.Compare(() => bench.Generated(), () => unfused.Generated());
        Console.WriteLine($"1 thread, CPU time: fused update {fusion.A,9:F2} µs, unfused (zero, gradient, Momentum.Step) {fusion.B,9:F2} µs; fused/unfused speed {1 / fusion.Ratio:F3}");
        Console.WriteLine($"allocated per step after warm-up (1,000 steps): generated {AllocatedPerCall(() => bench.Generated())}, hand-written {AllocatedPerCall(() => bench.HandWritten())}");
        Noise(create, bench);

        Parallelism.MaxThreads = cores;
        ProfileTimer.Wall = true;
        var threaded = ProfileTimer.Compare(() => bench.Generated(), () => bench.HandWritten());
        Console.WriteLine($"{cores} threads, wall clock: generated {threaded.A,9:F2} µs, hand-written {threaded.B,9:F2} µs; samples/s {batch / threaded.A * 1e6:N0} vs {batch / threaded.B * 1e6:N0}; generated/hand speed {1 / threaded.Ratio:F3}");
        var threadedFusion = ProfileTimer.Compare(() => bench.Generated(), () => unfused.Generated());
        Console.WriteLine($"{cores} threads, wall clock: fused {threadedFusion.A,9:F2} µs, unfused {threadedFusion.B,9:F2} µs; fused/unfused speed {1 / threadedFusion.Ratio:F3}");
        var scaling = ProfileTimer.Compare(() => bench.Generated(), () =>
        {
            Parallelism.MaxThreads = 1;
            bench.Generated();
            Parallelism.MaxThreads = cores;
        });
        Console.WriteLine($"wall clock: generated on {cores} threads {scaling.A,9:F2} µs, on 1 thread {scaling.B,9:F2} µs; speed-up {1 / scaling.Ratio:F2}× (load {LoadAverage()})");
        ProfileTimer.Wall = false;
    }

    private static void ProfileDeep(int batch)
    {
        Console.WriteLine();
        Console.WriteLine($"=== 784-512-512-10, batch {batch} ===");
        Profile(() => new DeepMlpStepBenchmarks { Batch = batch }, () => new DeepMlpStepBenchmarks { Batch = batch, FusedUpdate = false }, batch);

        // Where the one-thread step's time goes.
        var bench = new DeepMlpStepBenchmarks { Batch = batch };
        bench.Setup();
        Parallelism.MaxThreads = 1;
        var steps = (A: ProfileTimer.Micros(() => bench.Generated()), B: 0.0);

        var random = new Random(5);
        float[] Fill(int n) => GemmBenchmarks.Fill(random, n);
        const int H = 512;
        float[] x = Fill(batch * Inputs), w1 = Fill(H * Inputs), w2 = Fill(H * H), w3 = Fill(Classes * H);
        float[] a1 = Fill(batch * H), a2 = Fill(batch * H), logits = new float[batch * Classes];
        float[] d3 = Fill(batch * Classes), d2 = Fill(batch * H), d1 = Fill(batch * H);
        float[] g1 = new float[w1.Length], g2 = new float[w2.Length], g3 = new float[w3.Length];
        double gemmFwd = ProfileTimer.Micros(() =>
        {
            Kernels.MatMulABt(x, w1, a1, batch, H, Inputs);
            Kernels.MatMulABt(a1, w2, a2, batch, H, H);
            Kernels.MatMulABt(a2, w3, logits, batch, Classes, H);
        });
        double gemmBackX = ProfileTimer.Micros(() =>
        {
            Kernels.MatMul(d3, w3, d2, batch, H, Classes);
            Kernels.MatMul(d2, w2, d1, batch, H, H);
        });
        double gemmBackW = ProfileTimer.Micros(() =>
        {
            Kernels.MatMulAddAtB(d1, x, g1, H, Inputs, batch);
            Kernels.MatMulAddAtB(d2, a1, g2, H, H, batch);
            Kernels.MatMulAddAtB(d3, a2, g3, Classes, H, batch);
        });
        double flops = 2.0 * batch * (H * Inputs + H * H + Classes * H);
        double rest = steps.A - gemmFwd - gemmBackX - gemmBackW;
        Parallelism.MaxThreads = Environment.ProcessorCount;
        Console.WriteLine($"1 thread, CPU time: forward GEMMs {gemmFwd:F0} µs ({flops / gemmFwd / 1e3:F1} GFLOP/s), input-gradient GEMMs {gemmBackX:F0} µs, weight-gradient GEMMs {gemmBackW:F0} µs " +
            $"({flops / gemmBackW / 1e3:F1} GFLOP/s); everything else {rest:F0} µs ({100 * rest / steps.A:F0}% of the generated step)");
    }

    /// <summary>
    /// The same comparison between two copies of the hand-written step (an A/A test): how far from 1 the harness puts
    /// two identical steps, which bounds what a generated/hand ratio can tell.
    /// </summary>
    private static void Noise(Func<TrainingStepBenchmarks> create, TrainingStepBenchmarks bench)
    {
        var twin = create();
        twin.Setup();
        var same = ProfileTimer.Compare(() => twin.HandWritten(), () => bench.HandWritten());
        Console.WriteLine($"A/A check, hand-written against a second copy of itself: speed ratio {1 / same.Ratio:F3}");
    }

    /// <summary>Bytes per call on this thread, and in the whole process (which also counts the runtime's background threads).</summary>
    private static string AllocatedPerCall(Action action)
    {
        for (int i = 0; i < 100; i++)
        {
            action();
        }

        long thread = GC.GetAllocatedBytesForCurrentThread();
        long process = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < 1000; i++)
        {
            action();
        }

        long processBytes = GC.GetTotalAllocatedBytes(precise: true) - process;
        long threadBytes = GC.GetAllocatedBytesForCurrentThread() - thread;
        return $"{threadBytes / 1000.0:F1} B (process-wide {processBytes / 1000.0:F1} B)";
    }

    private static string LoadAverage()
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
