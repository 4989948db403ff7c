using System.Reflection;
using SymbolicGrad.CompilerServices;
using SymbolicGrad.Network.Tests.Checking;
using SymbolicGrad.Network.Tests.Models.Composed;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// The convenience methods of one model called from several threads at once, each thread on data of its own, against
/// the same calls made one after another: every call's loss is the same bits, and the gradients they add into
/// <c>Parameters.Gradients</c> sum to what the sequential run sums, up to the order of the float additions.
/// </summary>
public sealed class ThreadSafetyTests
{
    private const int Samples = 96;
    private const int Iterations = 150;

    /// <summary>
    /// Reordering n float additions moves the sum by at most about n·ε·Σ|terms| (ε = 2⁻²⁴); the calls here add a few
    /// hundred terms per entry, so 1e-5·Σ|terms| bounds it with a margin and still catches a lost or doubled call.
    /// </summary>
    private const double ReorderingTolerance = 1e-5;

    public static TheoryData<string, int> CasesAndThreads => new()
    {
        { "digits", 2 }, { "digits", 4 }, { "decay", 2 }, { "decay", 4 }, { "custom layer", 2 }, { "custom layer", 4 },
    };

    [Theory]
    [MemberData(nameof(CasesAndThreads))]
    public void LossGradientBatch_from_several_threads_sums_as_a_sequential_run(string name, int threads)
    {
        // Batches of 1 to 16 samples (batch 1 takes the matrix–vector kernels), and per-sample LossGradient calls.
        float Call(NetworkCase c, int t, int j)
        {
            var (start, count) = BatchOf(t, j);
            return j % 5 == 4 ? c.LossGradient(start) : c.LossGradientBatch(start, count);
        }

        NetworkCase sequential = Create(name);
        sequential.Parameters.ZeroGradients();
        var absolute = new double[sequential.Parameters.Count];
        var before = new float[absolute.Length];
        var expected = new float[threads][];
        for (int t = 0; t < threads; t++)
        {
            expected[t] = new float[Iterations];
            for (int j = 0; j < Iterations; j++)
            {
                sequential.Parameters.Gradients.CopyTo(before);
                expected[t][j] = Call(sequential, t, j);
                for (int k = 0; k < absolute.Length; k++) absolute[k] += Math.Abs(sequential.Parameters.Gradients[k] - before[k]);
            }
        }
        float[] sequentialSum = sequential.Parameters.Gradients.ToArray();

        NetworkCase concurrent = Create(name);
        concurrent.Parameters.ZeroGradients();
        float[][] losses = Concurrently.Run(threads, Iterations, (t, j) => Call(concurrent, t, j));

        AssertSameLosses(expected, losses, $"{name} on {threads} threads");
        double worst = 0;
        for (int k = 0; k < absolute.Length; k++)
        {
            double error = Math.Abs(concurrent.Parameters.Gradients[k] - sequentialSum[k]);
            double bound = ReorderingTolerance * absolute[k] + 1e-12;
            Assert.True(error <= bound, $"{name} on {threads} threads: gradient {k} is {concurrent.Parameters.Gradients[k]:R}, the sequential run's {sequentialSum[k]:R} (Σ|terms| {absolute[k]:G4})");
            worst = Math.Max(worst, error / bound);
        }
        Assert.True(worst <= 1, $"worst error {worst:G3} of the bound");
    }

    [Theory]
    [MemberData(nameof(CasesAndThreads))]
    public void LossBatch_from_several_threads_gives_the_sequential_losses_and_no_gradient(string name, int threads)
    {
        NetworkCase sequential = Create(name);
        float[][] expected = Enumerable.Range(0, threads)
            .Select(t => Enumerable.Range(0, Iterations).Select(j => sequential.LossBatch(BatchOf(t, j).Start, BatchOf(t, j).Count)).ToArray())
            .ToArray();

        NetworkCase concurrent = Create(name);
        concurrent.Parameters.ZeroGradients();
        float[][] losses = Concurrently.Run(threads, Iterations, (t, j) => concurrent.LossBatch(BatchOf(t, j).Start, BatchOf(t, j).Count));

        AssertSameLosses(expected, losses, $"{name}.LossBatch on {threads} threads");
        Assert.All(concurrent.Parameters.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void CountCorrect_and_BatchLoss_from_several_threads_give_the_sequential_results(int threads)
    {
        // ITrainable, as the Trainer calls it: CountCorrect reads the logits its own forward pass left in its workspace.
        NetworkCase sequential = Create("digits");
        int[] labels = sequential.Data.LabelBatch(0, Samples).ToArray();
        var model = (ITrainable)sequential.Model;
        float Call(ITrainable m, NetworkCase c, int t, int j)
        {
            var (start, count) = BatchOf(t, j);
            var targets = new BatchTargets(labels, start, count);
            return j % 2 == 0 ? m.CountCorrect(c.Data.InputBatch(start, count), targets) : m.BatchLoss(c.Data.InputBatch(start, count), targets, accumulateGradient: false);
        }
        float[][] expected = Enumerable.Range(0, threads).Select(t => Enumerable.Range(0, Iterations).Select(j => Call(model, sequential, t, j)).ToArray()).ToArray();
        Assert.Contains(expected.SelectMany(e => e.Where((_, j) => j % 2 == 0)), correct => correct > 0);

        NetworkCase concurrent = Create("digits");
        var concurrentModel = (ITrainable)concurrent.Model;
        float[][] results = Concurrently.Run(threads, Iterations, (t, j) => Call(concurrentModel, concurrent, t, j));

        AssertSameLosses(expected, results, $"CountCorrect and BatchLoss on {threads} threads");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Calls_from_several_threads_allocate_nothing_after_warm_up(int threads)
    {
        NetworkCase c = Create("digits");
        int[] labels = c.Data.LabelBatch(0, Samples).ToArray();
        var model = (ITrainable)c.Model;
        // The pool holds a workspace for each thread, grown to the batch; each thread then warms its own JIT and
        // kernel buffers (the GEMMs pack per thread).
        WarmPool(c, threads, batch: 16);
        void Calls(int t)
        {
            int start = 16 * t;
            var targets = new BatchTargets(labels, start, 16);
            c.LossGradientBatch(start, 16);
            c.LossGradient(start + 1);
            c.LossBatch(start, 16);
            model.CountCorrect(c.Data.InputBatch(start, 16), targets);
            model.BatchLoss(c.Data.InputBatch(start, 16), targets, accumulateGradient: true);
        }

        long[][] allocated = Concurrently.Run(threads, 1, (t, _) =>
        {
            Calls(t);
            Calls(t);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++) Calls(t);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

        Assert.All(allocated, bytes => Assert.Equal(0L, bytes[0]));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void A_static_function_of_vectors_on_several_threads_gives_the_sequential_results_without_allocating(int threads)
    {
        // Each thread adds into gradient buffers of its own; the function's workspace is per thread.
        var data = new SampleData(DataSpec.Labels(37, 10), Samples, seed: 5, DataLayout.Copies);
        var random = new Random(3);
        var weights = new Mat(Enumerable.Range(0, 10 * 37).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray(), 10, 37);
        var bias = new Vec(Enumerable.Range(0, 10).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
        float[][] Run(bool concurrently, out float[][] gradients, out long[] allocated)
        {
            var dW = Enumerable.Range(0, threads).Select(_ => new Mat(10, 37)).ToArray();
            var dB = Enumerable.Range(0, threads).Select(_ => new Vec(10)).ToArray();
            var bytes = new long[threads];
            float Call(int t, int j) => Models.Functions.DenseFunction.LossGradient(weights, bias, data.Input((t * 29 + j * 11) % Samples), data.Label((t * 29 + j * 11) % Samples), dW[t], dB[t]);
            float[][] losses = concurrently
                ? Concurrently.Run(threads, Iterations, (t, j) =>
                {
                    if (j == 2) bytes[t] = GC.GetAllocatedBytesForCurrentThread();
                    float loss = Call(t, j);
                    if (j == Iterations - 1) bytes[t] = GC.GetAllocatedBytesForCurrentThread() - bytes[t];
                    return loss;
                })
                : Enumerable.Range(0, threads).Select(t => Enumerable.Range(0, Iterations).Select(j => Call(t, j)).ToArray()).ToArray();
            gradients = Enumerable.Range(0, threads).Select(t => dW[t].Span.ToArray().Concat(dB[t].Span.ToArray()).ToArray()).ToArray();
            allocated = bytes;
            return losses;
        }

        float[][] expected = Run(concurrently: false, out float[][] expectedGradients, out _);
        float[][] losses = Run(concurrently: true, out float[][] gradients, out long[] allocated);

        AssertSameLosses(expected, losses, $"DenseFunction.LossGradient on {threads} threads");
        for (int t = 0; t < threads; t++) Expect.Identical(gradients[t], expectedGradients[t], $"the gradient buffers of thread {t}");
        Assert.All(allocated, bytes => Assert.Equal(0, bytes));
    }

    [Fact]
    public void The_pool_keeps_one_workspace_per_call_in_flight_and_reuses_them()
    {
        var pool = new WorkspacePool<object>();
        object first = pool.Rent(), second = pool.Rent();
        Assert.NotSame(first, second);
        pool.Return(first);
        pool.Return(second);
        var again = new[] { pool.Rent(), pool.Rent() };
        Assert.Contains(first, again);
        Assert.Contains(second, again);
        Assert.NotSame(again[0], again[1]);
        // Beyond its capacity a call gets a workspace of its own, dropped afterwards.
        var many = Enumerable.Range(0, pool.Capacity + 3).Select(_ => pool.Rent()).ToList();
        Assert.Equal(many.Count, many.Distinct().Count());
        foreach (object workspace in many) pool.Return(workspace);
        Assert.Equal(pool.Capacity, Enumerable.Range(0, pool.Capacity).Select(_ => pool.Rent()).Count(w => many.Contains(w)));
    }

    /// <summary>The batch of call <paramref name="j"/> of thread <paramref name="t"/>: 1 to 16 samples, different per thread.</summary>
    private static (int Start, int Count) BatchOf(int t, int j)
    {
        int count = 1 + (t * 7 + j * 3) % 16;
        int start = (t * 29 + j * 11) % (Samples - count);
        return (start, count);
    }

    private static NetworkCase Create(string name) => name switch
    {
        "digits" => new LabelCase<DigitNet, DigitNet.LossWorkspace>("DigitNet", "composed", new DigitNet(37, 20, 10, seed: 1),
            new SampleData(DataSpec.Labels(37, 10), Samples, seed: 5, DataLayout.Copies)),
        // A regression with a penalty on parameters alone.
        "decay" => new TargetCase<WeightDecayNet, WeightDecayNet.LossWorkspace>("WeightDecayNet", "composed", new WeightDecayNet(seed: 1),
            new SampleData(DataSpec.Targets(5, 3, DataSpec.Uniform), Samples, seed: 5, DataLayout.Copies)),
        // Custom dense layers: the rule adds into per-call buffers, then into the store under its lock.
        "custom layer" => new LabelCase<Models.CustomLayers.DenseNet, Models.CustomLayers.DenseNet.LossWorkspace>("DenseNet", "custom layer",
            new Models.CustomLayers.DenseNet(seed: 1), new SampleData(DataSpec.Labels(4, 3), Samples, seed: 5, DataLayout.Copies)),
        _ => throw new ArgumentException(name, nameof(name)),
    };

    private static void AssertSameLosses(float[][] expected, float[][] actual, string what)
    {
        for (int t = 0; t < expected.Length; t++)
        {
            for (int j = 0; j < expected[t].Length; j++)
            {
                if (BitConverter.SingleToInt32Bits(expected[t][j]) != BitConverter.SingleToInt32Bits(actual[t][j]))
                    throw new Xunit.Sdk.XunitException($"{what}: call {j} of thread {t} gave {actual[t][j]:R}, the same call alone {expected[t][j]:R}");
            }
        }
    }

    /// <summary>Puts <paramref name="count"/> workspaces grown to <paramref name="batch"/> samples in the model's pool.</summary>
    private static void WarmPool(NetworkCase c, int count, int batch)
    {
        var field = c.Model.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
            .Single(f => f.FieldType.IsGenericType && f.FieldType.GetGenericTypeDefinition() == typeof(WorkspacePool<>));
        object pool = field.GetValue(c.Model)!;
        var rent = pool.GetType().GetMethod(nameof(WorkspacePool<object>.Rent))!;
        var giveBack = pool.GetType().GetMethod(nameof(WorkspacePool<object>.Return), [pool.GetType().GetGenericArguments()[0]])!;
        var workspaces = Enumerable.Range(0, count).Select(_ => rent.Invoke(pool, null)!).ToList();
        foreach (object workspace in workspaces)
        {
            c.LossForwardBatch(workspace, 0, batch);
            c.LossBackwardBatch(workspace, 0, batch);
        }
        foreach (object workspace in workspaces) giveBack.Invoke(pool, [workspace]);
    }
}
