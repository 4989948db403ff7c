using System.Runtime.InteropServices;
using SymbolicGrad.CompilerServices;
using SymbolicGrad.Network.Tests.Models.Composed;

namespace SymbolicGrad.Network.Tests;

/// <summary>Tests that depend on <see cref="Parallelism.MaxThreads"/> staying as they set it run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadCountCollection
{
    public const string Name = "Thread count";
}

/// <summary>
/// Training is deterministic whatever the number of threads: the kernels split only over output elements and every
/// sum keeps its order, so the same seed gives bit-identical parameters with 1, 2, 4 or 8 threads.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public sealed class ThreadCountTests
{
    private static Dataset Blobs(int count, int features, int classes, int seed)
    {
        var random = new Random(seed);
        var centres = new float[classes * features];
        for (int i = 0; i < centres.Length; i++) centres[i] = (float)(random.NextDouble() * 2 - 1);
        var x = new float[count * features];
        var labels = new int[count];
        for (int r = 0; r < count; r++)
        {
            labels[r] = r % classes;
            for (int j = 0; j < features; j++) x[r * features + j] = centres[labels[r] * features + j] + (float)(random.NextDouble() - 0.5);
        }

        return new Dataset(x, features, labels, classes);
    }

    /// <summary>
    /// Trains a fresh 400-128-10 MLP (400-384-10 at batch 1, whose layer passes are then large enough to be cut over
    /// threads) and returns its parameters and the number of dispatches to the worker pool.
    /// </summary>
    private static (float[] Parameters, long Dispatches, double Accuracy) Train(int threads, int batchSize, bool fused, Func<Optimizer> optimizer)
    {
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false; // split every time, even on a busy machine
        try
        {
            Parallelism.MaxThreads = threads;
            var model = new DigitNet(400, batchSize == 1 ? 384 : 128, 10, seed: 4);
            var data = Blobs(600, 400, 10, seed: 2);
            var trainer = new Trainer(model, optimizer(), new TrainerOptions { Progress = TrainingProgress.Silent, Seed = 9, FusedUpdate = fused, ValidationFraction = 0.2 });
            long before = WorkerPool.Dispatches;
            var history = trainer.Fit(data, epochs: 3, batchSize: batchSize);
            return (model.Parameters.Values.ToArray(), WorkerPool.Dispatches - before, history.Last!.ValidationAccuracy!.Value);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    [Theory]
    [InlineData(32, true)]
    [InlineData(32, false)]
    [InlineData(1, true)]
    [InlineData(200, true)]
    public void The_same_seed_gives_bit_identical_parameters_with_1_2_4_and_8_threads(int batchSize, bool fused)
    {
        var one = Train(1, batchSize, fused, () => new Momentum(0.02f, 0.9f));
        Assert.Equal(0, one.Dispatches);
        Assert.True(one.Accuracy > 0.9, $"the network did not learn ({one.Accuracy:P1}): the comparison would say little");
        foreach (int threads in new[] { 2, 4, 8 })
        {
            var run = Train(threads, batchSize, fused, () => new Momentum(0.02f, 0.9f));
            Assert.True(run.Dispatches > 0, $"with {threads} threads no kernel was split");
            int differ = FirstDifference(one.Parameters, run.Parameters);
            Assert.True(differ < 0, $"with {threads} threads parameter {differ} is {run.Parameters[Math.Max(0, differ)]:R}, with one {one.Parameters[Math.Max(0, differ)]:R}");
        }
    }

    [Fact]
    public void The_trainers_choice_of_splitting_the_small_passes_changes_no_bit()
    {
        // The 784-128-10 net at batch 1: its layer passes (100,352 floats) are where a Trainer times splitting against
        // not (SmallSplitTuner). Tuned, always split, never split and one thread: the same parameters.
        (float[] Parameters, long Dispatches, int Probes) Run(int threads, bool? choice)
        {
            int saved = Parallelism.MaxThreads;
            WorkerPool.BackOffWhenLate = false;
            SmallSplit.Choice = choice;
            try
            {
                Parallelism.MaxThreads = threads;
                var model = new DigitNet(784, 128, 10, seed: 4);
                var data = Blobs(300, 784, 10, seed: 2);
                var trainer = new Trainer(model, new Momentum(0.01f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent, Seed = 9 });
                long before = WorkerPool.Dispatches;
                trainer.Fit(data, epochs: 1, batchSize: 1);
                return (model.Parameters.Values.ToArray(), WorkerPool.Dispatches - before, trainer.SmallSplitTuning.Probes);
            }
            finally
            {
                SmallSplit.Choice = null;
                Parallelism.MaxThreads = saved;
                WorkerPool.BackOffWhenLate = true;
            }
        }

        var one = Run(1, null);
        var tuned = Run(2, null);
        var split = Run(2, true);
        var alone = Run(2, false);
        Assert.Equal(0, one.Dispatches);
        Assert.Equal(0, alone.Dispatches);
        Assert.True(split.Dispatches >= 2 * 300, $"{split.Dispatches} dispatches: the forward and the update of W1 were not split at every step");
        Assert.True(tuned.Probes >= 1 && tuned.Dispatches > 0, $"the tuner did not probe ({tuned.Probes} probes, {tuned.Dispatches} dispatches)");
        Assert.Equal(0, split.Probes); // a choice set by the caller is kept, untimed
        Assert.Equal(-1, FirstDifference(one.Parameters, tuned.Parameters));
        Assert.Equal(-1, FirstDifference(one.Parameters, split.Parameters));
        Assert.Equal(-1, FirstDifference(one.Parameters, alone.Parameters));
    }

    [Fact]
    public void Nesterov_and_sgd_are_deterministic_across_thread_counts_too()
    {
        foreach (var optimizer in new Func<Optimizer>[] { () => new Nesterov(0.02f, 0.9f), () => new Sgd(0.05f) })
        {
            var one = Train(1, 16, fused: true, optimizer);
            var two = Train(2, 16, fused: true, optimizer);
            Assert.Equal(-1, FirstDifference(one.Parameters, two.Parameters));
        }
    }

    [Theory]
    [InlineData(1, 400, 384)]
    [InlineData(1, 784, 128)] // the trainer times its small passes split and not (SmallSplitTuner)
    [InlineData(32, 400, 128)]
    [InlineData(256, 400, 128)] // the hidden layer's element-wise passes run split over threads too (row loops)
    public void A_threaded_fused_training_step_allocates_nothing_on_any_thread_once_warm(int batch, int inputs, int hidden)
    {
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            Parallelism.MaxThreads = 2;
            // At batch 1 a hidden layer of 384: the passes over a 400-128 layer run on the calling thread alone.
            var model = new DigitNet(inputs, hidden, 10, seed: 4);
            var data = Blobs(batch * 8, inputs, 10, seed: 2);
            var trainer = new Trainer(model, new Momentum(0.02f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent });
            Assert.True(trainer.UsesFusedUpdate);
            int position = 0;
            void Step()
            {
                var rows = new Mat(data.Features, position * inputs, batch, inputs);
                var targets = new BatchTargets(data.Labels!, position, batch);
                trainer.Step(rows, targets);
                position = (position + batch) % data.Count;
            }

            // Warm-up: JIT, workspaces, velocity, workers, packing buffers. On a busy machine the caller used to take
            // every part of a product whose worker was descheduled, so a worker could meet its first part of some
            // product (and grow its per-thread packing buffers for it) only in the measured steps, after a window that
            // was quiet because it had not run at all. Here every thread runs its own parts of every dispatch.
            WorkerPool.OwnPartsOnly = true;
            for (int i = 0; i < 30; i++) Step();
            WorkerPool.OwnPartsOnly = false;

            // Then warm until a window of steps allocates nothing on any thread (tiered JIT, anything else lazy).
            // A step that allocates every time never gets there, and the assertions below still catch it.
            for (int window = 0; window < 20; window++)
            {
                long callerBefore = GC.GetAllocatedBytesForCurrentThread();
                long workersBefore = WorkerPool.WorkerAllocatedBytes;
                for (int i = 0; i < 50; i++) Step();
                Thread.Sleep(50);
                if (GC.GetAllocatedBytesForCurrentThread() == callerBefore && WorkerPool.WorkerAllocatedBytes == workersBefore) break;
            }

            // The tuned case runs long enough to end a probe (its choice decides whether the steps split).
            bool tuned = batch == 1 && inputs * hidden < 2 * KernelSwitches.VectorMinPerPart;
            int steps = tuned ? SmallSplitTuner.StepsBetweenProbes + 4 * SmallSplitTuner.BlockSteps * SmallSplitTuner.ProbeRounds : 200;
            int probes = trainer.SmallSplitTuning.Probes;
            long dispatches = WorkerPool.Dispatches;
            long self = GC.GetAllocatedBytesForCurrentThread();
            long workers = WorkerPool.WorkerAllocatedBytes;
            for (int i = 0; i < steps; i++) Step();
            Thread.Sleep(50); // the workers have recorded their last parts
            if (tuned) Assert.True(trainer.SmallSplitTuning.Probes > probes, "no probe ended in the measured steps");
            Assert.True(WorkerPool.Dispatches - dispatches >= (tuned ? 2 * SmallSplitTuner.BlockSteps : 200), "the steps did not run on the worker pool");
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - self);
            Assert.Equal(0, WorkerPool.WorkerAllocatedBytes - workers);
        }
        finally
        {
            WorkerPool.OwnPartsOnly = false;
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    [Fact]
    public void A_layer_loop_step_that_runs_alone_after_threaded_steps_allocates_nothing()
    {
        // On a busy machine a late part makes the next dispatches run on the calling thread alone (the straggler
        // back-off); a product that ran split before must then find its packing buffers big enough for all its columns.
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            Parallelism.MaxThreads = 2;
            var model = new Models.LayerLoops.LayerLoopNet([400, 128, 128, 10], seed: 4);
            var data = Blobs(32, 400, 10, seed: 2);
            var x = new Mat(data.Features, 0, 32, 400);
            long dispatches = WorkerPool.Dispatches;
            for (int i = 0; i < 5; i++) model.LossGradientBatch(x, data.Labels!);
            Assert.True(WorkerPool.Dispatches > dispatches, "the warm-up steps did not run on the worker pool");
            Parallelism.CallingThreadOnly = true;
            long self = GC.GetAllocatedBytesForCurrentThread();
            model.LossGradientBatch(x, data.Labels!);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - self);
        }
        finally
        {
            Parallelism.CallingThreadOnly = false;
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    private static int FirstDifference(float[] a, float[] b)
    {
        var x = MemoryMarshal.Cast<float, int>(a);
        var y = MemoryMarshal.Cast<float, int>(b);
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] != y[i]) return i;
        }

        return -1;
    }
}
