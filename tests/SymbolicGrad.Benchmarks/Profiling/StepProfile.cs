using SymbolicGrad.Benchmarks.Training;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--profile</c>: where the time of one training step goes. For each batch size of the 784-128-10 MLP: the
/// generated step against the hand-written one (interleaved, thread CPU time), its allocations, the phases of the
/// emitted step timed in context (<see cref="GeneratedStepReplica"/>), and each <see cref="StepVariant"/> change
/// applied to the whole step. For 784-512-512-10: the GEMMs' share of the step.
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

        // The replica of the emitted step must match the real one in results and in time before its phases mean anything.
        var emitted = NewReplica(batch, StepVariant.AsEmitted, out var emittedData);
        var generated = new SmallMlp(seed: 3);
        var generatedOptimizer = new Momentum(0.01f, 0.9f);
        var generatedData = new TrainingData(4096, seed: 11);
        var versusReal = ProfileTimer.Compare(
            () => emitted.Step(emittedData.Next(batch, out var l), l, time: false),
            () =>
            {
                var x = generatedData.Next(batch, out var l);
                generated.Parameters.ZeroGradients();
                generated.LossGradientBatch(x, l);
                generatedOptimizer.Step(generated.Parameters.Values, generated.Parameters.Gradients);
            });
        Console.WriteLine($"replica of the emitted step {versusReal.A:F2} µs vs the generated step {versusReal.B:F2} µs (ratio {versusReal.Ratio:F3})");

        // Phases in context: each step runs all phases in order; per-phase medians over the steps.
        var timed = NewReplica(batch, StepVariant.AsEmitted, out var timedData);
        int count = (int)Math.Clamp(1.5e6 / versusReal.A, 300, 20_000);
        var ticks = new long[GeneratedStepReplica.Phases.Length][];
        for (int q = 0; q < ticks.Length; q++) ticks[q] = new long[count];
        for (int i = 0; i < 200; i++) timed.Step(timedData.Next(batch, out var l), l, time: true);
        for (int i = 0; i < count; i++)
        {
            timed.Step(timedData.Next(batch, out var l), l, time: true);
            for (int q = 0; q < ticks.Length; q++) ticks[q][i] = timed.Ticks[q];
        }

        var medians = ticks.Select(t => { Array.Sort(t); return t[t.Length / 2] * 1e6 / System.Diagnostics.Stopwatch.Frequency; }).ToArray();
        double total = medians.Sum();
        Console.WriteLine($"{"phase (in context, median over " + count + " steps)",-46} {"µs",9} {"share",7}");
        for (int q = 0; q < medians.Length; q++)
        {
            Console.WriteLine($"{GeneratedStepReplica.Phases[q],-46} {medians[q],9:F2} {100 * medians[q] / total,6:F1}%");
        }

        double gemm = medians[1] + medians[3] + medians[6] + medians[8] + medians[9];
        double elementwise = medians[2] + medians[4] + medians[5] + medians[7] + medians[10];
        double update = medians[0] + medians[11];
        Console.WriteLine($"sum {total:F2} µs: GEMMs {100 * gemm / total:F0}%, element-wise {100 * elementwise / total:F0}%, ZeroGradients + Momentum.Step {100 * update / total:F0}%");

        // Each suggested change on the whole step, against the step as emitted (interleaved, own models and data).
        Console.WriteLine($"{"change to the emitted step",-28} {"emitted µs",10} {"changed µs",10} {"speed-up",9}");
        foreach (var variant in new[] { StepVariant.NoBoundsChecks, StepVariant.FuseBiasRelu, StepVariant.VectorReluMask, StepVariant.FusedSoftmaxCrossEntropy, StepVariant.BiasPrefill, StepVariant.All })
        {
            var changed = NewReplica(batch, variant, out var changedData);
            var baseline = NewReplica(batch, StepVariant.AsEmitted, out var baselineData);
            var c = ProfileTimer.Compare(
                () => baseline.Step(baselineData.Next(batch, out var l), l, time: false),
                () => changed.Step(changedData.Next(batch, out var l), l, time: false));
            Console.WriteLine($"{variant,-28} {c.A,10:F2} {c.B,10:F2} {c.Ratio,8:F3}×");
        }

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
            () => SuggestedLoops.MomentumStepAndZero(model.Parameters.Values, model.Parameters.Gradients, velocity, 0.01f, 0.9f));
        Console.WriteLine($"ZeroGradients + Momentum.Step {c.A:F2} µs → one pass that also zeroes the gradients {c.B:F2} µs (saves {c.A - c.B:F2} µs per step)");

        // W1's share at batch 1: zero dW1, dW1 += δ·xᵀ, momentum over W1 — against the update fused into the outer product.
        var random = new Random(9);
        const int Hidden = 128;
        float[] w = GemmBenchmarks.Fill(random, Hidden * Inputs), g = new float[w.Length], v = new float[w.Length], v2 = new float[w.Length];
        float[] delta = GemmBenchmarks.Fill(random, Hidden), x = GemmBenchmarks.Fill(random, Inputs);
        var layerOptimizer = new Momentum(1e-6f, 0.9f);
        var fused = ProfileTimer.Compare(
            () => { g.AsSpan().Clear(); Kernels.OuterAdd(g, Hidden, Inputs, 1f, delta, x); layerOptimizer.Step(w, g); },
            () => SuggestedLoops.OuterProductMomentumStep(w, v2, Hidden, Inputs, delta, x, 1e-6f, 0.9f));
        Console.WriteLine($"W1 at batch 1: clear dW1 + OuterAdd + Momentum.Step {fused.A:F2} µs → momentum fused into the outer product {fused.B:F2} µs (saves {fused.A - fused.B:F2} µs per step)");
    }

    /// <summary>A replica on a fresh model, checked against the generated gradient of the first batch.</summary>
    private static GeneratedStepReplica NewReplica(int batch, StepVariant variant, out TrainingData data)
    {
        data = new TrainingData(4096, seed: 11);
        var reference = new SmallMlp(seed: 3);
        var x = data.Batch(0, batch, out var labels);
        reference.Parameters.ZeroGradients();
        reference.LossGradientBatch(x, labels);

        var model = new SmallMlp(seed: 3);
        var replica = new GeneratedStepReplica(model, batch, variant);
        replica.Step(x, labels, time: false);
        ReadOnlySpan<float> g = model.Parameters.Gradients, r = reference.Parameters.Gradients;
        float worst = 0f;
        for (int i = 0; i < g.Length; i++) worst = MathF.Max(worst, MathF.Abs(g[i] - r[i]));
        if (worst > GradientAgreement.Tolerance)
        {
            throw new InvalidOperationException($"The replica step ({variant}) differs from the generated gradient by {worst:E2}.");
        }

        return replica;
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

        // The emitted element-wise loops of one 256×512 hidden layer against their Vector256 replacements (×2 layers in a step).
        float[] b = Fill(H), z = Fill(batch * H), zb = new float[batch * H], a = new float[batch * H], g = Fill(batch * H), dz = new float[batch * H];
        bool[] c = new bool[batch * H];
        var biasRelu = ProfileTimer.Compare(
            () => { EmittedLoops.BiasAdd(z, b, zb, batch, H); EmittedLoops.ReluCondition(zb, c, batch, H); EmittedLoops.ReluSelect(c, zb, a, batch, H); },
            () => SuggestedLoops.BiasReluFused(z, b, a, batch, H));
        var mask = ProfileTimer.Compare(
            () => EmittedLoops.ReluMask(c, g, dz, batch, H),
            () => SuggestedLoops.ReluMaskVector(a, g, dz, batch * H));
        Console.WriteLine($"one hidden layer (256×512): bias + relu loops {biasRelu.A:F0} µs → fused Vector256 {biasRelu.B:F0} µs; relu mask loop {mask.A:F0} µs → Vector256 {mask.B:F0} µs; " +
            $"both layers save ≈ {2 * (biasRelu.A - biasRelu.B + mask.A - mask.B):F0} µs ({100 * 2 * (biasRelu.A - biasRelu.B + mask.A - mask.B) / steps.A:F0}% of the step)");
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
