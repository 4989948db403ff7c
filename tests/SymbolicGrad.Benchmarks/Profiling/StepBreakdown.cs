using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--breakdown [batch…]</c>: where one thread's 784-128-10 training step goes, part by part, in thread CPU time.
/// Each part is the runtime call the step makes (the same kernels, shapes and store calls), timed alone on its own
/// buffers; "the rest" is the whole generated step minus the parts: the trainer, the data batch, the generated code's
/// checks, locks and workspace. The parts are timed one after the other, so under load compare parts within one run.
/// </summary>
internal static class StepBreakdown
{
    private const int Inputs = TrainingData.Features;
    private const int Hidden = 128;
    private const int Classes = TrainingData.Classes;

    public static void Run(int[] batches)
    {
        Console.WriteLine($"Step breakdown, 784-128-10, one thread, thread CPU time (medians of 41 samples); load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Parallelism.MaxThreads = 1;
        foreach (int batch in batches)
        {
            Breakdown(batch);
        }

        Parallelism.MaxThreads = Environment.ProcessorCount;
    }

    private static void Breakdown(int batch)
    {
        var bench = new SmallMlpStepBenchmarks { Batch = batch };
        bench.Setup();
        Parallelism.MaxThreads = 1;
        var data = new TrainingData(4096, seed: 11);
        var x = data.Batch(0, batch, out var labelSpan);
        int[] labels = labelSpan.ToArray();
        var model = new SmallMlp(seed: 3);
        var store = model.Parameters;
        var random = new Random(7);
        float[] Fill(int n) => GemmBenchmarks.Fill(random, n);
        float[] z1 = Fill(batch * Hidden), z2 = Fill(batch * Classes), d2 = new float[batch * Classes], d1 = Fill(batch * Hidden);
        float[] lse = new float[batch], loss = new float[batch], sums = new float[Hidden];
        float[] gW1 = new float[Hidden * Inputs], gW2 = new float[Classes * Hidden];
        var momentum = new Momentum(0.01f, 0.9f);
        var velocity = new float[store.Count];
        var update = new FusedUpdate(UpdateKind.Momentum, 0.01f, 0.9f, velocity);
        var w1 = model.W1;
        var w2 = model.W2;

        var parts = new List<(string Name, double Micros)>();
        void Part(string name, Action action) => parts.Add((name, ProfileTimer.Micros(action)));

        double step = ProfileTimer.Micros(() => bench.Generated());
        double hand = ProfileTimer.Micros(() => bench.HandWritten());
        Part("forward product x·W1ᵀ (GEMM written over z1)", () =>
        {
            if (batch == 1) Kernels.MatVec(w1.Span, Hidden, Inputs, x.Span, z1);
            else Kernels.MatMulABt(x.Span, w1.Span, z1, batch, Hidden, Inputs);
        });
        Part("bias + ReLU", () => Kernels.AddBiasReluRows(z1, batch, Hidden, model.b1.Span));
        Part("forward product h·W2ᵀ (GEMM written over z2)", () =>
        {
            if (batch == 1) Kernels.MatVec(w2.Span, Classes, Hidden, z1, z2);
            else Kernels.MatMulABt(z1, w2.Span, z2, batch, Classes, Hidden);
        });
        Part("logits bias", () => Kernels.AddBiasRows(z2, batch, Classes, model.b2.Span));
        Part("softmax CE, fused kernel (hand-written)", () => Kernels.SoftmaxCrossEntropyRows(z2, batch, Classes, labels, d2, 1f / batch));
        Part("softmax CE, log-sum-exp + scalar exp per logit (generated before)", () => SoftmaxCrossEntropyAsGeneratedBefore(z2, batch, labels, lse, loss, d2));
        Part("softmax CE, log-sum-exp + softmax kernel (generated)", () => SoftmaxCrossEntropyAsGenerated(z2, batch, labels, lse, loss, d2));
        Part("input gradient δ·W2 (GEMM written over d1)", () =>
        {
            if (batch == 1) Kernels.MatTVec(w2.Span, Classes, Hidden, d2, d1);
            else Kernels.MatMul(d2, w2.Span, d1, batch, Hidden, Classes);
        });
        Part("ReLU backward", () => Kernels.ReluBackward(z1, d1, d1));
        Part("bias gradients (column sums b2, b1)", () =>
        {
            Kernels.ColumnSumsAdd(d2, batch, Classes, sums.AsSpan(0, Classes));
            Kernels.ColumnSumsAdd(d1, batch, Hidden, sums);
        });
        Part("weight gradients alone, unfused (GEMMs into a buffer)", () =>
        {
            Kernels.MatMulAddAtB(d2, z1, gW2, Classes, Hidden, batch);
            Kernels.MatMulAddAtB(d1, x.Span, gW1, Hidden, Inputs, batch);
        });
        var dRows2 = new Mat(d2, 0, batch, Classes);
        var dRows1 = new Mat(d1, 0, batch, Hidden);
        var hRows = new Mat(z1, 0, batch, Hidden);
        Part("fused update: terms, finiteness check (no apply)", () =>
        {
            store.BeginFusedStep(update);
            store.AddOuterProducts(model.W2, dRows2, hRows);
            store.AddColumnSums(model.b2, dRows2);
            store.AddOuterProducts(model.W1, dRows1, x);
            store.AddColumnSums(model.b1, dRows1);
            store.CheckFusedStep();
            store.EndFusedStep();
        });
        Part("fused update: terms, check, apply (weight-gradient GEMMs + momentum)", () =>
        {
            store.BeginFusedStep(update);
            store.AddOuterProducts(model.W2, dRows2, hRows);
            store.AddColumnSums(model.b2, dRows2);
            store.AddOuterProducts(model.W1, dRows1, x);
            store.AddColumnSums(model.b1, dRows1);
            store.CheckFusedStep();
            store.ApplyFusedStep();
            store.EndFusedStep();
        });
        Part("data batch (TrainingData.Next)", () => data.Next(batch, out BatchTargets _));
        _ = momentum;

        // The step's own parts: everything but the two softmax variants' other one and the stand-alone products.
        string[] inStep =
        [
            "forward product x·W1ᵀ (clear + GEMM)", "bias + ReLU", "forward product h·W2ᵀ (clear + GEMM)", "logits bias",
            "softmax CE, log-sum-exp + softmax kernel (generated)", "input gradient δ·W2 (clear + GEMM)", "ReLU backward",
            "fused update: terms, check, apply (weight-gradient GEMMs + momentum)", "data batch (TrainingData.Next)",
        ];
        double sum = parts.Where(p => inStep.Contains(p.Name)).Sum(p => p.Micros);
        Console.WriteLine();
        Console.WriteLine($"=== 784-128-10, batch {batch}: generated step {step:F2} µs, hand-written step {hand:F2} µs (generated ÷ hand-written speed {hand / step:F3}, timed one after the other) ===");
        foreach (var (name, micros) in parts)
        {
            Console.WriteLine($"  {name,-72} {micros,9:F2} µs  {100 * micros / step,5:F1}%{(inStep.Contains(name) ? "" : "  (not summed)")}");
        }

        Console.WriteLine($"  {"the rest: trainer, checks, locks, workspace (step − summed parts)",-72} {step - sum,9:F2} µs  {100 * (step - sum) / step,5:F1}%");

        // The gradients alone (no trainer, no fused update: both add into Parameters.Gradients), interleaved.
        var generatedModel = new SmallMlp(seed: 3);
        var handModel = new SmallMlp(seed: 3);
        var handGradient = new HandWrittenMlp(handModel.Parameters, handModel.Layers, batch);
        var gradients = ProfileTimer.Compare(() => generatedModel.LossGradientBatch(x, labels), () => handGradient.GradientBatch(x, labels));
        Console.WriteLine($"  gradient alone, interleaved: generated LossGradientBatch {gradients.A:F2} µs, hand-written GradientBatch {gradients.B:F2} µs; generated ÷ hand-written speed {1 / gradients.Ratio:F3}");

        // The softmax forms side by side (interleaved samples, so the load treats them alike).
        var now = ProfileTimer.Compare(() => SoftmaxCrossEntropyAsGenerated(z2, batch, labels, lse, loss, d2), () => Kernels.SoftmaxCrossEntropyRows(z2, batch, Classes, labels, d2, 1f / batch));
        var before = ProfileTimer.Compare(() => SoftmaxCrossEntropyAsGeneratedBefore(z2, batch, labels, lse, loss, d2), () => Kernels.SoftmaxCrossEntropyRows(z2, batch, Classes, labels, d2, 1f / batch));
        Console.WriteLine($"  softmax CE interleaved: generated {now.A:F2} µs ÷ hand-written kernel {now.B:F2} µs = {now.Ratio:F2}; generated before {before.A:F2} µs ÷ hand-written {before.B:F2} µs = {before.Ratio:F2}");
    }

    // The generated step's softmax cross-entropy, statement for statement: the log-sum-exp of every row by one kernel
    // call in the forward pass; in the backward pass the softmax of the whole batch from it by another, then − onehot.
    private static void SoftmaxCrossEntropyAsGenerated(float[] t4, int batch, int[] label, float[] logsumexp, float[] f, float[] dT4)
    {
        Kernels.LogSumExpRows(t4.AsSpan(0, batch * Classes), batch, Classes, logsumexp.AsSpan(0, batch));

        for (int r = 0; r < batch; r++)
        {
            f[r] = logsumexp[r] - t4[r * Classes + label[r]];
        }

        float sampleWeight = 1f / batch;
        Kernels.SoftmaxFromLogSumExp(t4.AsSpan(0, batch * Classes), logsumexp.AsSpan(0, batch), batch, Classes, dT4.AsSpan(0, batch * Classes));
        for (int r = 0; r < batch; r++)
        {
            for (int i = 0; i < Classes; i++)
                dT4[r * Classes + i] = (i == label[r] ? -sampleWeight : 0f) + sampleWeight * dT4[r * Classes + i];
        }
    }

    // The same two changes before: LogSumExp per row in the forward pass, a scalar exp per logit in the backward pass.
    private static void SoftmaxCrossEntropyAsGeneratedBefore(float[] t4, int batch, int[] label, float[] logsumexp, float[] f, float[] dT4)
    {
        for (int r = 0; r < batch; r++)
        {
            logsumexp[r] = Kernels.LogSumExp(t4.AsSpan(r * Classes, Classes));
        }

        for (int r = 0; r < batch; r++)
        {
            f[r] = logsumexp[r] - t4[r * Classes + label[r]];
        }

        float sampleWeight = 1f / batch;
        for (int r = 0; r < batch; r++)
        {
            for (int i = 0; i < Classes; i++)
                dT4[r * Classes + i] = (i == label[r] ? -sampleWeight : 0f) + sampleWeight * MathF.Exp(t4[r * Classes + i] - logsumexp[r]);
        }
    }
}
