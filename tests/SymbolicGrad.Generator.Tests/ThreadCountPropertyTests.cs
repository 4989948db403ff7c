using CsCheck;
using SymbolicGrad.CompilerServices;
using SymbolicGrad.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SymbolicGrad.Generator.Tests;

/// <summary>Tests that set <see cref="Parallelism.MaxThreads"/> for the whole process run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadCountPropertyCollection
{
    public const string Name = "Generator tests that set the thread count";
}

/// <summary>
/// Random models (<see cref="RandomModel"/>: dense layers written out or a loop over layers, or a convolution first;
/// random activations; awkward names) of random widths — 1, odd sizes, sizes just off the 6 × 16 tiles of the matrix
/// kernels, and widths large enough that the products, outer products and updates split over threads — trained a few
/// steps on random batches (1 included, and batches smaller than the thread count) with 1, 2, 3, 4 and 8 threads: the
/// parameters must be the same bits every time, fused update or not. Then the batched gradient must be the mean of the
/// per-sample gradients to rounding, and the gradient must match central differences of the loss. A failure prints
/// CsCheck's seed; rerun it with CsCheck_Seed. <c>SYMBOLICGRAD_THREAD_MODELS</c> runs that many batches of fresh models.
/// </summary>
[Collection(ThreadCountPropertyCollection.Name)]
public sealed class ThreadCountPropertyTests(ITestOutputHelper output)
{
    private static readonly int Batches =
        int.TryParse(Environment.GetEnvironmentVariable("SYMBOLICGRAD_THREAD_MODELS"), out int n) && n > 0 ? n : 1;
    // The default run draws one fixed batch so that CI never meets an undiagnosed case by chance; a larger opt-in run
    // (SYMBOLICGRAD_THREAD_MODELS) draws fresh models, or replays CsCheck_Seed.
    private static readonly string? Seed = Environment.GetEnvironmentVariable("SYMBOLICGRAD_THREAD_MODELS") is null
        && Environment.GetEnvironmentVariable("CsCheck_Seed") is null ? "1kaYQ2nT8dE1" : null;
    private const int ModelsPerBatch = 5;
    private const int Steps = 3;

    private static readonly int[] Widths = [1, 2, 3, 5, 6, 7, 13, 16, 17, 23, 31, 33, 64, 97, 130, 257];
    private static readonly int[] BatchSizes = [1, 1, 2, 3, 5, 7, 13, 17, 40, 70];
    private static readonly int[] ThreadCounts = [1, 2, 3, 4, 8];
    private static readonly string[] Reserved = ["direction", "gradient", "hv", "tangent"];

    [Fact]
    public void RandomModelsTrainToTheSameBitsWithAnyThreadCount()
    {
        var one = Gen.Select(Gen.OneOf(RandomModel.Pool).Array[12], Gen.Int[0, 1 << 10].Array[24], Gen.Int[0, Widths.Length - 1].Array[4], Gen.Int[0, BatchSizes.Length - 1].Array[Steps + 1]);
        var stats = new Stats();
        int saved = Parallelism.MaxThreads;
        long dispatches = WorkerPool.Dispatches;
        WorkerPool.BackOffWhenLate = false; // split whenever the size allows, even on a busy machine
        try
        {
            one.Array[ModelsPerBatch].Sample(batch =>
            {
                var models = batch.Select((m, k) => Build(k, m.Item1, m.Item2, m.Item3)).ToList();
                using var assembly = ModelDerivativePropertyTests.Compile(models.Select(m => new ModelDerivativePropertyTests.Unit(m.Type, m.Method, m.Conflicts, m.Source)).ToList());
                for (int k = 0; k < models.Count; k++)
                {
                    int[] sizes = batch[k].Item4.Select(b => BatchSizes[b]).ToArray();
                    if (k == 0) sizes[0] = 40; // the first model's first step splits its products
                    Check(assembly, models[k], sizes, stats);
                }
            }, seed: Seed, iter: Batches, threads: 1, print: batch => string.Join(Environment.NewLine, batch.Select((m, k) => Build(k, m.Item1, m.Item2, m.Item3).Source)));
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
        output.WriteLine($"{stats}; {WorkerPool.Dispatches - dispatches} dispatches to the worker pool");
        Assert.True(WorkerPool.Dispatches > dispatches, "no kernel was split over threads: the comparison says little");
        Assert.True(stats.Partials > 0, stats.ToString());
    }

    private static RandomModel Build(int k, string[] names, int[] choices, int[] widths)
    {
        // No name the contract fixes (SG0017 would leave the model unchecked); the first model is large enough to split.
        var plain = names.Where(n => !n.Contains("{M}", StringComparison.Ordinal) && !Reserved.Contains(n)).ToArray();
        int[] sizes = widths.Select(w => Widths[w]).ToArray();
        if (k == 0) sizes = [130, 97, sizes[2], sizes[3]];
        return RandomModel.Build("M" + k, plain, choices, sizes);
    }

    private sealed class Stats
    {
        public int Models, Steps, Partials, Skipped;

        public override string ToString() => $"{Models} models, {Steps} steps per thread count, {Partials} partials against finite differences ({Skipped} near a kink)";
    }

    private static void Check(LoadedAssembly assembly, RandomModel m, int[] batches, Stats stats)
    {
        var type = assembly.Type("P." + m.Type);
        int seed = m.Source.Length % 89;
        int rows = batches.Max();
        var random = new Random(seed);
        var x = Enumerable.Range(0, rows * m.Inputs).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        var labels = Enumerable.Range(0, rows).Select(_ => random.Next(m.Outputs)).ToArray();
        var targets = Enumerable.Range(0, rows * m.Outputs).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        BatchTargets Targets(int count) => m.Labels ? new BatchTargets(labels, 0, count) : new BatchTargets(new Mat(targets, 0, count, m.Outputs));
        BatchTargets Row(int r) => m.Labels ? new BatchTargets(labels, r, 1) : new BatchTargets(new Mat(targets, r * m.Outputs, 1, m.Outputs));
        Mat Inputs(int first, int count) => new(x, first * m.Inputs, count, m.Inputs);
        string where = $"{m.Type}.{m.Method} ({m.Shape}, widths {m.Inputs}…{m.Outputs}, batches {string.Join(" ", batches)})";
        ITrainable Create() => (ITrainable)Activator.CreateInstance(type, seed)!;
        stats.Models++;

        // The same steps with every thread count, fused and not: the same bits.
        bool fused = seed % 2 == 0;
        float[]? expected = null;
        foreach (int threads in ThreadCounts)
        {
            Parallelism.MaxThreads = threads;
            var model = Create();
            var trainer = new Trainer(model, new Momentum(0.01f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent, FusedUpdate = fused });
            foreach (int batch in batches.Take(Steps)) trainer.Step(Inputs(0, batch), Targets(batch));
            float[] values = model.Parameters.Values.ToArray();
            if (expected is null)
            {
                expected = values;
                continue;
            }
            for (int i = 0; i < values.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(values[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                    throw Fail(where, m, $"with {threads} threads (fused {fused}) parameter {i} is {values[i]:R} after {Steps} steps, with one {expected[i]:R}");
            }
        }
        stats.Steps += Steps;

        // The batched gradient is the mean of the per-sample gradients (the order of the sums differs: rounding only).
        Parallelism.MaxThreads = 4;
        var trained = Create();
        var store = trained.Parameters;
        int last = batches[Steps];
        store.ZeroGradients();
        float batchLoss = trained.BatchLoss(Inputs(0, last), Targets(last), accumulateGradient: true);
        float[] batched = store.Gradients.ToArray();
        var sum = new double[batched.Length];
        var size = new double[batched.Length];
        double lossSum = 0;
        for (int r = 0; r < last; r++)
        {
            store.ZeroGradients();
            lossSum += trained.BatchLoss(Inputs(r, 1), Row(r), accumulateGradient: true);
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += store.Gradients[i];
                size[i] += Math.Abs(store.Gradients[i]);
            }
        }
        if (!(Math.Abs(batchLoss - lossSum / last) <= 1e-5 * (1 + Math.Abs(batchLoss))))
            throw Fail(where, m, $"the batch of {last} has mean loss {batchLoss:R}, its samples' mean {lossSum / last:R}");
        // A softmax over one class has loss 0 and gradient 0, but the batched softmax rounds to 1 ± 1 ulp, so its
        // gradient is that ulp times the activations: there the floor is absolute (an ulp of 1 times activations below ~100).
        bool oneClass = m.Labels && m.Outputs == 1;
        double floor = oneClass ? 1e-4 : 1e-6 * size.Max() / last + 1e-7;
        for (int i = 0; i < sum.Length; i++)
        {
            if (!(Math.Abs(batched[i] - sum[i] / last) <= 1e-5 * size[i] / last + floor))
                throw Fail(where, m, $"gradient {i} of the batch of {last} is {batched[i]:R}, the mean of its samples' {sum[i] / last:R} (Σ|terms| {size[i]:G4})");
        }

        // The gradient against central differences of the batch's mean loss, at a few parameters.
        int count = store.Count;
        var picks = Enumerable.Range(0, 16).Select(_ => random.Next(count)).Distinct().ToList();
        foreach (int i in picks)
        {
            float saved = store.Values[i];
            double Along(double t)
            {
                store.Values[i] = (float)t;
                return trained.BatchLoss(Inputs(0, last), Targets(last), accumulateGradient: false);
            }
            var check = FiniteDifference.Check(Along, saved, batched[i], FiniteDifferenceSettings.Single);
            store.Values[i] = saved;
            if (check.Verdict == FiniteDifferenceVerdict.NotSmooth)
            {
                stats.Skipped++;
                continue;
            }
            if (check.Verdict == FiniteDifferenceVerdict.Mismatch) throw Fail(where, m, $"parameter {i}: {check}");
            stats.Partials++;
        }
    }

    private static Xunit.Sdk.XunitException Fail(string where, RandomModel m, string message) =>
        new($"{where}: {message}{Environment.NewLine}{m.Source}");
}
