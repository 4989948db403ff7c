using SymbolicGrad.Benchmarks.Training;
using System.Runtime.Intrinsics;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--phases [--threads N] [batch… deep]</c>: the generated forward and backward passes (<c>LossForwardBatch</c>,
/// <c>LossBackwardBatch</c>) against the hand-written ones (<see cref="HandWrittenMlp.Forward"/>,
/// <see cref="HandWrittenMlp.Backward"/>) on one fixed batch, without the trainer. Each sample times every variant once
/// (the order alternating) over about 1 ms, so load drifts hit the variants of a sample alike; the figure is the median
/// over the samples of generated ÷ hand-written time. One thread in thread CPU time; more threads on the wall clock.
/// </summary>
internal static class PhaseComparison
{
    private const int Samples = 61;
    private const double SampleSeconds = 0.001;

    public static void Run(string[] sizes, int threads)
    {
        bool wall = threads > 1;
        Parallelism.MaxThreads = threads;
        Console.WriteLine($"Passes, generated vs hand-written, {threads} thread(s), {(wall ? "wall clock" : "thread CPU time")}, medians of {Samples} interleaved samples of ~{SampleSeconds * 1e3:F0} ms; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        foreach (string size in sizes)
        {
            bool deep = size == "deep";
            int batch = deep ? 256 : int.Parse(size, System.Globalization.CultureInfo.InvariantCulture);
            var data = new TrainingData(4096, seed: 11);
            var x = data.Batch(0, batch, out var labelSpan);
            int[] labels = labelSpan.ToArray();
            var model = deep ? StepModel.Deep : StepModel.Small;
            var generated = model.Create();
            var handModel = model.Create();
            var hand = new HandWrittenMlp(handModel.Parameters, model.Layers(handModel), batch);
            var handModel2 = model.Create();
            var hand2 = new HandWrittenMlp(handModel2.Parameters, model.Layers(handModel2), batch);
            var generated2 = model.Create();
            var gen = Passes(generated, x, labels);
            var gen2 = Passes(generated2, x, labels);
            var variants = new (string Name, Action Run)[]
            {
                ("generated forward", gen.Forward),
                ("hand forward", () => hand.Forward(x, labels)),
                ("generated backward", gen.Backward),
                ("hand backward", () => hand.Backward(x)),
                ("copy: gen forward", gen2.Forward),
                ("copy: hand forward", () => hand2.Forward(x, labels)),
                ("copy: gen backward", gen2.Backward),
                ("copy: hand backward", () => hand2.Backward(x)),
            };

            // Warm up (tiered compilation), then the backward passes run after their own forward pass once.
            for (int i = 0; i < 200; i++)
            {
                gen.Forward();
                gen.Backward();
                hand.Forward(x, labels);
                hand.Backward(x);
                gen2.Forward();
                gen2.Backward();
                hand2.Forward(x, labels);
                hand2.Backward(x);
            }

            var times = variants.Select(_ => new double[Samples]).ToArray();
            for (int s = 0; s < Samples; s++)
            {
                generated.Parameters.ZeroGradients();
                handModel.Parameters.ZeroGradients();
                generated2.Parameters.ZeroGradients();
                handModel2.Parameters.ZeroGradients();
                for (int k = 0; k < variants.Length; k++)
                {
                    int m = s % 2 == 0 ? k : variants.Length - 1 - k;
                    times[m][s] = Time(variants[m].Run, wall);
                }
            }

            Console.WriteLine();
            Console.WriteLine($"=== {model.Network}, batch {batch} ===");
            Console.WriteLine($"placement (bytes past a 64-byte line): generated {gen.Placement()}; hand-written {hand.Placement()}");
            Console.WriteLine($"copies:                                generated {gen2.Placement()}; hand-written {hand2.Placement()}");
            for (int m = 0; m < variants.Length; m++)
            {
                Console.WriteLine($"{variants[m].Name,-20} {Median(times[m]),9:F2} µs");
            }

            double Ratio(int a, int b) => Median(times[a].Zip(times[b], (g, h) => h / g).ToArray());
            double Whole(int g, int h) => Median(Enumerable.Range(0, Samples).Select(s => (times[h][s] + times[h + 2][s]) / (times[g][s] + times[g + 2][s])).ToArray());
            Console.WriteLine($"speed generated ÷ hand-written: forward {Ratio(0, 1):F3}, backward {Ratio(2, 3):F3}, both {Whole(0, 1):F3}; copies: forward {Ratio(4, 5):F3}, backward {Ratio(6, 7):F3}, both {Whole(4, 5):F3}");
            Console.WriteLine($"A/A (÷ its copy): generated forward {Ratio(0, 4):F3}, backward {Ratio(2, 6):F3}; hand forward {Ratio(1, 5):F3}, backward {Ratio(3, 7):F3}");
        }
    }

    /// <summary>The element-wise and softmax parts that differ between the two forward passes, interleaved alike.</summary>
    public static void Parts(int batch, int hidden)
    {
        const int Classes = 10;
        var rng = new Random(5);
        float[] Fill(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        float[] z = Fill(batch * hidden), z2 = (float[])z.Clone(), bias = Fill(hidden);
        float[] logits = Fill(batch * Classes), lse = new float[batch], f = new float[batch], soft = new float[batch * Classes], delta = new float[batch * Classes];
        int[] labels = Enumerable.Range(0, batch).Select(r => r % Classes).ToArray();
        var biasVec = new Vec(bias);
        var variants = new (string Name, Action Run)[]
        {
            ("gen bias+relu (RowLoop, Lanes)", () => SymbolicGrad.CompilerServices.RowLoop.Run(new BiasReluLanes { t1 = z, t2 = z, w1Rows = hidden, b1 = biasVec }, batch, hidden)),
            ("gen, spans in locals", () => RowLoop.Run(new BiasReluLocals { t1 = z, t2 = z, w1Rows = hidden, b1 = biasVec }, batch, hidden)),
            ("gen, locals + Vector256.Max", () => RowLoop.Run(new BiasReluV256 { t1 = z, t2 = z, w1Rows = hidden, b1 = biasVec }, batch, hidden)),
            ("gen, rows checked once", () => RowLoop.Run(new BiasReluRowsChecked { t1 = z, t2 = z, w1Rows = hidden, b1 = biasVec }, batch, hidden)),
            ("hand AddBiasReluRows", () => SymbolicGrad.CompilerServices.Kernels.AddBiasReluRows(z2, batch, hidden, bias)),
            ("gen LogSumExpRows + f", () =>
            {
                SymbolicGrad.CompilerServices.Kernels.LogSumExpRows(logits, batch, Classes, lse);
                for (int r = 0; r < batch; r++) f[r] = lse[r] - logits[r * Classes + labels[r]];
            }),
            ("gen SoftmaxFromLSE + onehot", () =>
            {
                SymbolicGrad.CompilerServices.Kernels.SoftmaxFromLogSumExp(logits, lse, batch, Classes, soft);
                float w = 1f / batch;
                for (int r = 0; r < batch; r++)
                {
                    for (int i = 0; i < Classes; i++) soft[r * Classes + i] = (i == labels[r] ? -w : 0f) + w * soft[r * Classes + i];
                }
            }),
            ("hand SoftmaxCrossEntropyRows", () => SymbolicGrad.CompilerServices.Kernels.SoftmaxCrossEntropyRows(logits, batch, Classes, labels, delta, 1f / batch)),
        };
        for (int i = 0; i < 300; i++) foreach (var v in variants) v.Run();
        var times = variants.Select(_ => new double[Samples]).ToArray();
        for (int s = 0; s < Samples; s++)
        {
            for (int k = 0; k < variants.Length; k++)
            {
                int m = s % 2 == 0 ? k : variants.Length - 1 - k;
                times[m][s] = Time(variants[m].Run, wall: false);
            }
        }

        Console.WriteLine($"=== parts, batch {batch}, hidden {hidden} (thread CPU time) ===");
        for (int m = 0; m < variants.Length; m++)
        {
            Console.WriteLine($"{variants[m].Name,-32} {Median(times[m]),9:F2} µs");
        }
    }

    // A copy of the generated bias + ReLU row loop (LossT2Rows of SmallMlp.Loss.g.cs) before its rows were checked once.
    private struct BiasReluLanes : SymbolicGrad.CompilerServices.IRowLoop
    {
        internal float[] t1;
        internal float[] t2;
        internal int w1Rows;
        internal Vec b1;

        public void Run(int first, int end)
        {
            var b1Values = b1.Span;
            for (int r = first; r < end; r++)
            {
                int i = 0;
                for (; i <= w1Rows - Lanes.Width; i += Lanes.Width)
                    Lanes.Store(t2, r * w1Rows + i, Lanes.Max(Lanes.Load(t1, r * w1Rows + i) + Lanes.Load(b1Values, i), Lanes.Splat(0f)));
                for (; i < w1Rows; i++)
                    t2[r * w1Rows + i] = MathF.Max(t1[r * w1Rows + i] + b1Values[i], 0f);
            }
        }
    }

    private struct BiasReluLocals : SymbolicGrad.CompilerServices.IRowLoop
    {
        internal float[] t1;
        internal float[] t2;
        internal int w1Rows;
        internal Vec b1;

        public void Run(int first, int end)
        {
            var b1Values = b1.Span;
            ReadOnlySpan<float> t1 = this.t1;
            Span<float> t2 = this.t2;
            int w1Rows = this.w1Rows;
            for (int r = first; r < end; r++)
            {
                int i = 0;
                for (; i <= w1Rows - Lanes.Width; i += Lanes.Width)
                    Lanes.Store(t2, r * w1Rows + i, Lanes.Max(Lanes.Load(t1, r * w1Rows + i) + Lanes.Load(b1Values, i), Lanes.Splat(0f)));
                for (; i < w1Rows; i++)
                    t2[r * w1Rows + i] = MathF.Max(t1[r * w1Rows + i] + b1Values[i], 0f);
            }
        }
    }

    // The generated loop since its rows are checked once (Lanes.CheckRows) and loaded without a check per vector.
    private struct BiasReluRowsChecked : SymbolicGrad.CompilerServices.IRowLoop
    {
        internal float[] t1;
        internal float[] t2;
        internal int w1Rows;
        internal Vec b1;

        public void Run(int first, int end)
        {
            var b1Values = b1.Span;
            Span<float> t1 = this.t1;
            Span<float> t2 = this.t2;
            int w1Rows = this.w1Rows;
            Lanes.CheckRows(t1, first, end, w1Rows);
            Lanes.CheckLength(b1Values, w1Rows);
            Lanes.CheckRows(t2, first, end, w1Rows);
            for (int r = first; r < end; r++)
            {
                int i = 0;
                for (; i <= w1Rows - Lanes.Width; i += Lanes.Width)
                    Lanes.StoreInRows(t2, r * w1Rows + i, Lanes.Max(Lanes.LoadInRows(t1, r * w1Rows + i) + Lanes.LoadInRows(b1Values, i), Lanes.Splat(0f)));
                for (; i < w1Rows; i++)
                    t2[r * w1Rows + i] = MathF.Max(t1[r * w1Rows + i] + b1Values[i], 0f);
            }
        }
    }

    private struct BiasReluV256 : SymbolicGrad.CompilerServices.IRowLoop
    {
        internal float[] t1;
        internal float[] t2;
        internal int w1Rows;
        internal Vec b1;

        public void Run(int first, int end)
        {
            var b1Values = b1.Span;
            float[] t1 = this.t1, t2 = this.t2;
            int w1Rows = this.w1Rows;
            for (int r = first; r < end; r++)
            {
                int i = 0;
                for (; i <= w1Rows - Lanes.Width; i += Lanes.Width)
                    Lanes.Store(t2, r * w1Rows + i, System.Runtime.Intrinsics.Vector256.Max(Lanes.Load(t1, r * w1Rows + i).AsVector256() + Lanes.Load(b1Values, i).AsVector256(), System.Runtime.Intrinsics.Vector256<float>.Zero).AsVector());
                for (; i < w1Rows; i++)
                    t2[r * w1Rows + i] = MathF.Max(t1[r * w1Rows + i] + b1Values[i], 0f);
            }
        }
    }

    private static (Action Forward, Action Backward, Func<string> Placement) Passes(Model model, Mat x, int[] labels) => model switch
    {
        SmallMlp small => Passes(small, x, labels),
        DeepMlp deep => Passes(deep, x, labels),
        _ => throw new ArgumentException("--phases: the small or the deep MLP.", nameof(model)),
    };

    private static (Action, Action, Func<string>) Passes(SmallMlp model, Mat x, int[] labels)
    {
        var workspace = new SmallMlp.LossWorkspace();
        model.LossForwardBatch(workspace, x, labels);
        return (() => model.LossForwardBatch(workspace, x, labels), () => model.LossBackwardBatch(workspace, x, labels), () => SmallMlp.WorkspacePlacement(workspace));
    }

    private static (Action, Action, Func<string>) Passes(DeepMlp model, Mat x, int[] labels)
    {
        var workspace = new DeepMlp.LossWorkspace();
        model.LossForwardBatch(workspace, x, labels);
        return (() => model.LossForwardBatch(workspace, x, labels), () => model.LossBackwardBatch(workspace, x, labels), () => DeepMlp.WorkspacePlacement(workspace));
    }

    // Mean µs per run over about SampleSeconds of consecutive runs.
    private static double Time(Action run, bool wall)
    {
        long Now() => wall ? System.Diagnostics.Stopwatch.GetTimestamp() * (1_000_000_000 / System.Diagnostics.Stopwatch.Frequency) : ThreadCpuClock.Instance.GetTimestamp();
        long t = Now();
        run();
        int count = Math.Max(1, (int)(SampleSeconds * 1e9 / Math.Max(1, Now() - t)));
        long begin = Now();
        for (int i = 0; i < count; i++) run();
        return (Now() - begin) * 1e-3 / count;
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
