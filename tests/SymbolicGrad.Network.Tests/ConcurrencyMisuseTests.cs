using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using SymbolicGrad.CompilerServices;
using SymbolicGrad.Network.Tests.Models.Composed;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// Two threads using what they should not share, or sharing what they may: every call either gives the value a
/// single-threaded run gives or throws an <see cref="InvalidOperationException"/> that names what was shared; nothing
/// silently computes a wrong value. (Calls on one model's convenience methods, which may be shared, are in
/// <see cref="ThreadSafetyTests"/>.)
/// </summary>
[Collection(ThreadCountCollection.Name)]
public sealed class ConcurrencyMisuseTests
{
    private const int Inputs = 150, Hidden = 70, Classes = 10, Samples = 96;

    private static (float[] X, int[] Labels) Data(int seed)
    {
        var random = new Random(seed);
        var x = new float[Samples * Inputs];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(2 * random.NextDouble() - 1);
        return (x, Enumerable.Range(0, Samples).Select(r => (r * 7 + seed) % Classes).ToArray());
    }

    private static Mat Rows(float[] x, int start, int count) => new(x, start * Inputs, count, Inputs);

    [Fact]
    public void Two_models_sharing_nothing_train_on_two_threads_at_once_as_each_does_alone()
    {
        // Both threads dispatch to the one process-wide worker pool; a caller that finds it busy runs alone.
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            Parallelism.MaxThreads = 2;
            float[] Train(int seed, int batch)
            {
                var model = new DigitNet(Inputs, Hidden, Classes, seed);
                var (x, labels) = Data(seed);
                var trainer = new Trainer(model, new Momentum(0.05f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent });
                for (int step = 0; step < 60; step++)
                {
                    int start = step * batch % (Samples - batch);
                    trainer.Step(Rows(x, start, batch), new BatchTargets(labels, start, batch));
                }
                return model.Parameters.Values.ToArray();
            }

            var alone = new[] { Train(1, 32), Train(2, 7) };
            var together = Checking.Concurrently.Run(2, 1, (t, _) => Train(t + 1, t == 0 ? 32 : 7));
            for (int t = 0; t < 2; t++) Checking.Expect.Identical(together[t][0], alone[t], $"the parameters of model {t + 1} trained beside the other");
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    [Fact]
    public void One_Trainer_stepped_from_two_threads_refuses_the_second_step_or_gives_a_sequential_result()
    {
        var model = new DigitNet(Inputs, Hidden, Classes, seed: 3);
        var (x, labels) = Data(3);
        var trainer = new Trainer(model, new Momentum(0.05f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent });
        var refused = new ConcurrentQueue<InvalidOperationException>();
        var losses = Checking.Concurrently.Run(2, 200, (t, j) =>
        {
            int start = (t * 40 + j) % (Samples - 16);
            try
            {
                return trainer.Step(Rows(x, start, 16), new BatchTargets(labels, start, 16));
            }
            catch (InvalidOperationException e)
            {
                refused.Enqueue(e);
                return float.NaN;
            }
        });
        // Two steps at once would interleave two updates of one set of velocities and parameters: refused, by name.
        Assert.All(refused, e => Assert.Contains("Trainer", e.Message));
        Assert.Equal(400, refused.Count + losses.Sum(l => l.Count(float.IsFinite)));
        AssertReplaysSequentially(model, x, labels, losses, (t, j) => (t * 40 + j) % (Samples - 16), 16, seed: 3);
    }

    [Fact]
    public void A_gradient_call_on_another_thread_during_a_fused_training_step_is_refused_not_mixed_into_the_step()
    {
        var model = new DigitNet(Inputs, Hidden, Classes, seed: 4);
        var (x, labels) = Data(4);
        var trainer = new Trainer(model, new Momentum(0.05f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent });
        Assert.True(trainer.UsesFusedUpdate);
        var refused = new ConcurrentQueue<InvalidOperationException>();
        var before = model.Parameters.Values.ToArray();
        // Thread 0 trains; thread 1 asks for gradients of the same model (say, for a gradient norm).
        var losses = Checking.Concurrently.Run(2, 200, (t, j) =>
        {
            int start = (t * 40 + j) % (Samples - 16);
            if (t == 0) return trainer.Step(Rows(x, start, 16), new BatchTargets(labels, start, 16));
            try
            {
                model.LossGradientBatch(Rows(x, start, 16), labels.AsSpan(start, 16));
                return 0f;
            }
            catch (InvalidOperationException e)
            {
                refused.Enqueue(e);
                return float.NaN;
            }
        });
        Assert.All(refused, e => Assert.Contains("training step", e.Message));
        // The training thread's steps are exactly those of a run alone: nothing of the other thread's gradients got in.
        before.CopyTo(model.Parameters.Values);
        var alone = new Trainer(model, new Momentum(0.05f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent });
        for (int j = 0; j < 200; j++)
        {
            int start = j % (Samples - 16);
            float loss = alone.Step(Rows(x, start, 16), new BatchTargets(labels, start, 16));
            Assert.Equal(BitConverter.SingleToInt32Bits(losses[0][j]), BitConverter.SingleToInt32Bits(loss));
        }
    }

    [Fact]
    public void Losses_computed_on_another_thread_during_fused_training_steps_leave_the_steps_exact()
    {
        // A fused step reads its gradient terms' operands (buffers of the workspace its pass used) after the pass; a
        // workspace given back to the model's pool before then was rented and overwritten by the other thread's LossBatch.
        var model = new DigitNet(Inputs, Hidden, Classes, seed: 6);
        var (x, labels) = Data(6);
        var before = model.Parameters.Values.ToArray();
        var trainer = new Trainer(model, new Momentum(0.05f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent });
        Assert.True(trainer.UsesFusedUpdate);
        int Start(int t, int j) => (t * 40 + j) % (Samples - 16);
        var losses = Checking.Concurrently.Run(2, 300, (t, j) => t == 0
            ? trainer.Step(Rows(x, Start(t, j), 16), new BatchTargets(labels, Start(t, j), 16))
            : model.LossBatch(Rows(x, Start(t, j), 16), labels.AsSpan(Start(t, j), 16)));

        var replay = new DigitNet(Inputs, Hidden, Classes, seed: 6);
        Checking.Expect.Identical(replay.Parameters.Values, before, "the replay's initial parameters");
        var alone = new Trainer(replay, new Momentum(0.05f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent });
        for (int j = 0; j < 300; j++)
        {
            float loss = alone.Step(Rows(x, Start(0, j), 16), new BatchTargets(labels, Start(0, j), 16));
            Assert.True(BitConverter.SingleToInt32Bits(losses[0][j]) == BitConverter.SingleToInt32Bits(loss), $"step {j}: {losses[0][j]:R} beside LossBatch calls, {loss:R} alone");
        }
        Checking.Expect.Identical(model.Parameters.Values, replay.Parameters.Values, "the parameters after the steps");
    }

    [Fact]
    public void A_workspace_shared_by_two_threads_gives_right_values_or_a_clear_refusal()
    {
        var model = new DigitNet(Inputs, Hidden, Classes, seed: 5);
        var (x, labels) = Data(5);
        var workspace = new DigitNet.LossWorkspace();
        int Start(int t, int j) => (t * 40 + j * 3) % (Samples - 16);
        int Count(int t, int j) => 1 + (t + j) % 16;

        // What each call gives alone: the loss and the gradient it adds.
        var single = new DigitNet.LossWorkspace();
        var expected = new (float Loss, float[] Gradient)[2, 300];
        for (int t = 0; t < 2; t++)
        {
            for (int j = 0; j < 300; j++)
            {
                model.Parameters.ZeroGradients();
                var rows = Rows(x, Start(t, j), Count(t, j));
                float loss = model.LossForwardBatch(single, rows, labels.AsSpan(Start(t, j), Count(t, j)));
                model.LossBackwardBatch(single, rows, labels.AsSpan(Start(t, j), Count(t, j)));
                expected[t, j] = (loss, model.Parameters.Gradients.ToArray());
            }
        }

        model.Parameters.ZeroGradients();
        var refused = new ConcurrentQueue<InvalidOperationException>();
        var completed = new ConcurrentQueue<(int T, int J)>();
        var wrong = new ConcurrentQueue<string>();
        Checking.Concurrently.Run(2, 300, (t, j) =>
        {
            var rows = Rows(x, Start(t, j), Count(t, j));
            try
            {
                float loss = model.LossForwardBatch(workspace, rows, labels.AsSpan(Start(t, j), Count(t, j)));
                if (BitConverter.SingleToInt32Bits(loss) != BitConverter.SingleToInt32Bits(expected[t, j].Loss))
                    wrong.Enqueue($"thread {t} call {j}: the forward pass gave {loss:R}, alone {expected[t, j].Loss:R}");
                model.LossBackwardBatch(workspace, rows, labels.AsSpan(Start(t, j), Count(t, j)));
                completed.Enqueue((t, j));
            }
            catch (InvalidOperationException e)
            {
                refused.Enqueue(e);
            }
            return 0;
        });

        Assert.True(wrong.IsEmpty, string.Join(Environment.NewLine, wrong.Take(5)));
        Assert.All(refused, e => Assert.Contains("LossWorkspace", e.Message));
        // The gradients added are those of the calls that completed (a refused pass adds nothing).
        var sum = new double[model.Parameters.Count];
        var size = new double[sum.Length];
        foreach (var (t, j) in completed)
        {
            for (int k = 0; k < sum.Length; k++)
            {
                sum[k] += expected[t, j].Gradient[k];
                size[k] += Math.Abs(expected[t, j].Gradient[k]);
            }
        }
        for (int k = 0; k < sum.Length; k++)
        {
            double error = Math.Abs(model.Parameters.Gradients[k] - sum[k]);
            Assert.True(error <= 1e-5 * size[k] + 1e-12, $"gradient {k} is {model.Parameters.Gradients[k]:R}, the completed calls' sum {sum[k]:R} ({completed.Count} completed, {refused.Count} refused)");
        }
    }

    [Fact]
    public void Parameters_added_on_another_thread_during_a_step_are_refused_not_moved_under_the_update()
    {
        // The optimizer below updates half the parameters, lets another thread add a parameter (and trim the buffers,
        // which moves them), then updates the other half through the span it was given: the moment a built-in kernel
        // can meet when an allocation races a step. The buffers moved in between would lose the second half.
        var model = new DigitNet(Inputs, Hidden, Classes, seed: 7);
        var (x, labels) = Data(7);
        int count = model.Parameters.Count;
        var refused = new ConcurrentQueue<Exception>();
        var optimizer = new HalfwayOptimizer(0.05f, () => Task.Run(() =>
        {
            try
            {
                model.Parameters.Vector(1);
                model.Parameters.TrimExcess();
            }
            catch (Exception e)
            {
                refused.Enqueue(e);
            }
        }).Wait());
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Progress = TrainingProgress.Silent });
        for (int step = 0; step < 3; step++) trainer.Step(Rows(x, 16 * step, 16), new BatchTargets(labels, 16 * step, 16));

        var replay = new DigitNet(Inputs, Hidden, Classes, seed: 7);
        var alone = new Trainer(replay, new HalfwayOptimizer(0.05f, () => { }), new TrainerOptions { Progress = TrainingProgress.Silent });
        for (int step = 0; step < 3; step++) alone.Step(Rows(x, 16 * step, 16), new BatchTargets(labels, 16 * step, 16));
        Checking.Expect.Identical(model.Parameters.Values[..count].ToArray(), replay.Parameters.Values.ToArray(), "the parameters after steps beside another thread's Parameters.Vector and TrimExcess");
        Assert.Equal(3, refused.Count);
        Assert.All(refused, e => Assert.Contains("Parameters.Vector(length: 1): the model's parameters are in a training step", Assert.IsType<InvalidOperationException>(e).Message));
        Assert.Equal(count, model.Parameters.Count);
    }

    [Fact]
    public void One_optimizer_given_to_the_Trainers_of_two_models_is_refused_at_the_second_models_step()
    {
        // Two models of one shape: one Momentum would apply the first model's velocity to the second's parameters.
        var first = new DigitNet(Inputs, Hidden, Classes, seed: 8);
        var second = new DigitNet(Inputs, Hidden, Classes, seed: 9);
        var (x, labels) = Data(8);
        var shared = new Momentum(0.05f, 0.9f);
        var options = new TrainerOptions { Progress = TrainingProgress.Silent };
        var (firstTrainer, secondTrainer) = (new Trainer(first, shared, options), new Trainer(second, shared, options));
        var secondBefore = second.Parameters.Values.ToArray();
        var refused = new List<InvalidOperationException>();
        for (int step = 0; step < 4; step++)
        {
            firstTrainer.Step(Rows(x, 16 * step, 16), new BatchTargets(labels, 16 * step, 16));
            try
            {
                secondTrainer.Step(Rows(x, 16 * step + 8, 16), new BatchTargets(labels, 16 * step + 8, 16));
            }
            catch (InvalidOperationException e)
            {
                refused.Add(e);
            }
        }

        // The first model trains as with an optimizer of its own; the second is refused, unchanged, by name.
        var alone = new DigitNet(Inputs, Hidden, Classes, seed: 8);
        var aloneTrainer = new Trainer(alone, new Momentum(0.05f, 0.9f), options);
        for (int step = 0; step < 4; step++) aloneTrainer.Step(Rows(x, 16 * step, 16), new BatchTargets(labels, 16 * step, 16));
        Checking.Expect.Identical(first.Parameters.Values.ToArray(), alone.Parameters.Values.ToArray(), "the first model's parameters, its optimizer shared with a second model's Trainer");
        Assert.Equal(4, refused.Count);
        Assert.All(refused, e => Assert.Contains("Momentum(lr 0.05, β 0.9) already holds the state of another model's parameters (DigitNet)", e.Message));
        Checking.Expect.Identical(second.Parameters.Values.ToArray(), secondBefore, "the second model's parameters after its refused steps");

        // Reset gives the optimizer to the next model that steps with it.
        shared.Reset();
        secondTrainer.Step(Rows(x, 0, 16), new BatchTargets(labels, 0, 16));
        Assert.Throws<InvalidOperationException>(() => firstTrainer.Step(Rows(x, 0, 16), new BatchTargets(labels, 0, 16)));
    }

    [Fact]
    public void Two_Trainers_of_one_model_sharing_its_optimizer_take_one_sequence_of_steps()
    {
        // One model's parameters, one optimizer state: the steps of both Trainers are one run, as one Trainer's are.
        var model = new DigitNet(Inputs, Hidden, Classes, seed: 10);
        var (x, labels) = Data(10);
        var shared = new Momentum(0.05f, 0.9f);
        var fused = new Trainer(model, shared, new TrainerOptions { Progress = TrainingProgress.Silent });
        var plain = new Trainer(model, shared, new TrainerOptions { Progress = TrainingProgress.Silent, FusedUpdate = false });
        var replay = new DigitNet(Inputs, Hidden, Classes, seed: 10);
        var one = new Trainer(replay, new Momentum(0.05f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent, FusedUpdate = false });
        for (int step = 0; step < 6; step++)
        {
            var trainer = step % 2 == 0 ? fused : plain;
            float loss = trainer.Step(Rows(x, 8 * step, 16), new BatchTargets(labels, 8 * step, 16));
            float expected = one.Step(Rows(x, 8 * step, 16), new BatchTargets(labels, 8 * step, 16));
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(loss));
        }
        Assert.True(fused.UsesFusedUpdate && !plain.UsesFusedUpdate);
        var values = model.Parameters.Values.ToArray();
        var expectedValues = replay.Parameters.Values.ToArray();
        for (int i = 0; i < values.Length; i++)
            Assert.True(Math.Abs(values[i] - expectedValues[i]) <= 1e-6f * (1 + Math.Abs(expectedValues[i])), $"parameter {i}: {values[i]:R} after alternating Trainers, {expectedValues[i]:R} with one");
    }

    /// <summary>Plain SGD that calls <c>midway</c> after updating the first half of the parameters.</summary>
    private sealed class HalfwayOptimizer(float learningRate, Action midway) : IOptimizer
    {
        public long StepCount { get; private set; }

        public float CurrentLearningRate => learningRate;

        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            int half = parameters.Length / 2;
            for (int i = 0; i < half; i++) parameters[i] -= learningRate * gradients[i];
            midway();
            for (int i = half; i < parameters.Length; i++) parameters[i] -= learningRate * gradients[i];
            StepCount++;
        }

        public void Reset() => StepCount = 0;
    }

    /// <summary>
    /// The steps that ran must form some sequential run: each thread's in its own order, interleaved somehow. Replays
    /// them on a fresh copy, at each point taking the next step of whichever thread reported the loss the replay's
    /// parameters give, and checks the final parameters are the same bits.
    /// </summary>
    private static void AssertReplaysSequentially(DigitNet model, float[] x, int[] labels, float[][] losses, Func<int, int, int> start, int batch, int seed)
    {
        var replay = new DigitNet(Inputs, Hidden, Classes, seed);
        var trainer = new Trainer(replay, new Momentum(0.05f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent });
        var next = new int[losses.Length];
        bool Ran(int t, int j) => float.IsFinite(losses[t][j]);
        while (true)
        {
            for (int t = 0; t < losses.Length; t++)
            {
                while (next[t] < losses[t].Length && !Ran(t, next[t])) next[t]++;
            }
            int chosen = -1;
            for (int t = 0; t < losses.Length && chosen < 0; t++)
            {
                if (next[t] == losses[t].Length) continue;
                int s = start(t, next[t]);
                float loss = replay.LossBatch(Rows(x, s, batch), labels.AsSpan(s, batch));
                if (BitConverter.SingleToInt32Bits(loss) == BitConverter.SingleToInt32Bits(losses[t][next[t]])) chosen = t;
            }
            if (chosen < 0)
            {
                Assert.True(next.Select((j, t) => j == losses[t].Length).All(done => done),
                    $"no sequential order of the steps gives the losses reported (replayed up to {string.Join(", ", next)})");
                break;
            }
            int first = start(chosen, next[chosen]);
            trainer.Step(Rows(x, first, batch), new BatchTargets(labels, first, batch));
            next[chosen]++;
        }
        Checking.Expect.Identical(model.Parameters.Values.ToArray(), replay.Parameters.Values.ToArray(), "the parameters after the steps that ran");
    }
}
