using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--profile</c>: for each batch size of the 784-128-10 MLP, the generated step against the hand-written one
/// (interleaved, thread CPU time) and their allocations; at batch 1, what fusing the optimizer into the step would
/// save (<see cref="FusedUpdates"/>). For 784-512-512-10: the same comparison and the GEMMs' share of the step.
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
        var bench = new SmallMlpStepBenchmarks { Batch = batch };
        bench.Setup();
        var steps = ProfileTimer.Compare(() => bench.Generated(), () => bench.HandWritten());
        Console.WriteLine($"full step: generated {steps.A,9:F2} µs, hand-written {steps.B,9:F2} µs; samples/s {batch / steps.A * 1e6:N0} vs {batch / steps.B * 1e6:N0}; generated/hand speed {1 / steps.Ratio:F3}");
        Console.WriteLine($"allocated per step after warm-up (1,000 steps): generated {AllocatedPerCall(() => bench.Generated())}, hand-written {AllocatedPerCall(() => bench.HandWritten())}");
        Noise(() => new SmallMlpStepBenchmarks { Batch = batch }, bench);

        if (batch == 1)
        {
            ProfileUpdate(new SmallMlp(seed: 3));
        }
    }

    private static void ProfileUpdate(SmallMlp model)
    {
        var optimizer = new Momentum(0.01f, 0.9f);
        var velocity = new float[model.Parameters.Count];
        var c = ProfileTimer.Compare(
            () => { model.Parameters.ZeroGradients(); optimizer.Step(model.Parameters.Values, model.Parameters.Gradients); },
            () => FusedUpdates.MomentumStepAndZero(model.Parameters.Values, model.Parameters.Gradients, velocity, 0.01f, 0.9f));
        Console.WriteLine($"ZeroGradients + Momentum.Step {c.A:F2} µs → one pass that also zeroes the gradients {c.B:F2} µs (saves {c.A - c.B:F2} µs per step)");

        // W1's share at batch 1: zero dW1, dW1 += δ·xᵀ, momentum over W1 — against the update fused into the outer product.
        var random = new Random(9);
        const int Hidden = 128;
        float[] w = GemmBenchmarks.Fill(random, Hidden * Inputs), g = new float[w.Length], v = new float[w.Length], v2 = new float[w.Length];
        float[] delta = GemmBenchmarks.Fill(random, Hidden), x = GemmBenchmarks.Fill(random, Inputs);
        var layerOptimizer = new Momentum(1e-6f, 0.9f);
        var fused = ProfileTimer.Compare(
            () => { g.AsSpan().Clear(); Kernels.OuterAdd(g, Hidden, Inputs, 1f, delta, x); layerOptimizer.Step(w, g); },
            () => FusedUpdates.OuterProductMomentumStep(w, v2, Hidden, Inputs, delta, x, 1e-6f, 0.9f));
        Console.WriteLine($"W1 at batch 1: clear dW1 + OuterAdd + Momentum.Step {fused.A:F2} µs → momentum fused into the outer product {fused.B:F2} µs (saves {fused.A - fused.B:F2} µs per step)");
    }

    private static void ProfileDeep(int batch)
    {
        Console.WriteLine();
        Console.WriteLine($"=== 784-512-512-10, batch {batch} ===");
        var bench = new DeepMlpStepBenchmarks { Batch = batch };
        bench.Setup();
        var steps = ProfileTimer.Compare(() => bench.Generated(), () => bench.HandWritten());
        Console.WriteLine($"full step: generated {steps.A,9:F2} µs, hand-written {steps.B,9:F2} µs; samples/s {batch / steps.A * 1e6:N0} vs {batch / steps.B * 1e6:N0}; generated/hand speed {1 / steps.Ratio:F3}");
        Console.WriteLine($"allocated per step after warm-up (1,000 steps): generated {AllocatedPerCall(() => bench.Generated())}, hand-written {AllocatedPerCall(() => bench.HandWritten())}");
        Noise(() => new DeepMlpStepBenchmarks { Batch = batch }, bench);

        var random = new Random(5);
        float[] Fill(int n) => GemmBenchmarks.Fill(random, n);
        const int H = 512;
        float[] x = Fill(batch * Inputs), w1 = Fill(H * Inputs), w2 = Fill(H * H), w3 = Fill(Classes * H);
        float[] a1 = Fill(batch * H), a2 = Fill(batch * H), logits = new float[batch * Classes];
        float[] d3 = Fill(batch * Classes), d2 = Fill(batch * H), d1 = Fill(batch * H);
        float[] g1 = new float[w1.Length], g2 = new float[w2.Length], g3 = new float[w3.Length];
        double gemmFwd = ProfileTimer.Micros(() =>
        {
            a1.AsSpan().Clear(); Kernels.MatMulAddABt(x, w1, a1, batch, H, Inputs);
            a2.AsSpan().Clear(); Kernels.MatMulAddABt(a1, w2, a2, batch, H, H);
            logits.AsSpan().Clear(); Kernels.MatMulAddABt(a2, w3, logits, batch, Classes, H);
        });
        double gemmBackX = ProfileTimer.Micros(() =>
        {
            d2.AsSpan().Clear(); Kernels.MatMulAdd(d3, w3, d2, batch, H, Classes);
            d1.AsSpan().Clear(); Kernels.MatMulAdd(d2, w2, d1, batch, H, H);
        });
        double gemmBackW = ProfileTimer.Micros(() =>
        {
            Kernels.MatMulAddAtB(d1, x, g1, H, Inputs, batch);
            Kernels.MatMulAddAtB(d2, a1, g2, H, H, batch);
            Kernels.MatMulAddAtB(d3, a2, g3, Classes, H, batch);
        });
        double flops = 2.0 * batch * (H * Inputs + H * H + Classes * H);
        double rest = steps.A - gemmFwd - gemmBackX - gemmBackW;
        Console.WriteLine($"forward GEMMs {gemmFwd:F0} µs ({flops / gemmFwd / 1e3:F1} GFLOP/s), input-gradient GEMMs {gemmBackX:F0} µs, weight-gradient GEMMs {gemmBackW:F0} µs " +
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
