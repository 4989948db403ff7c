using SymbolicGrad.Network.Tests.Models.Composed;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// Another thread switching the mode, evaluating, checking or saving/loading a checkpoint while a model is in a
/// training step or an evaluation: each is refused with an <see cref="InvalidOperationException"/> and changes
/// nothing, where before it changed dropout's and batch norm's mode under the step, restored the wrong mode after two
/// evaluations, perturbed the parameters under the update, or saved half-updated values. The thread holding the model
/// may still do all of these itself (an evaluation inside <c>Fit</c>).
/// </summary>
public sealed class ModeAndSnapshotMisuseTests
{
    private const int Inputs = 40, Hidden = 24, Classes = 5, Samples = 32;

    private static Dataset Data(int seed)
    {
        var random = new Random(seed);
        var x = new float[Samples * Inputs];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(2 * random.NextDouble() - 1);
        return new Dataset(x, Inputs, Enumerable.Range(0, Samples).Select(r => (r * 3 + seed) % Classes).ToArray(), Classes);
    }

    /// <summary>A model whose passes wait, once armed, until the test lets them go: a step or an evaluation held open.</summary>
    private sealed class HeldModel(DigitNet inner) : ITrainable
    {
        public readonly ManualResetEventSlim Entered = new(false), Release = new(false);
        public volatile bool Armed;

        public ParameterStore Parameters => inner.Parameters;

        public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
        {
            Hold();
            return ((ITrainable)inner).BatchLoss(inputs, targets, accumulateGradient);
        }

        public int CountCorrect(Mat inputs, in BatchTargets targets)
        {
            Hold();
            return ((ITrainable)inner).CountCorrect(inputs, targets);
        }

        private void Hold()
        {
            if (!Armed) return;
            Armed = false;
            Entered.Set();
            Assert.True(Release.Wait(TimeSpan.FromSeconds(30)), "the test never released the held pass");
        }
    }

    /// <summary>Runs <paramref name="hold"/> on another thread until its pass is inside the model, then <paramref name="meanwhile"/> here.</summary>
    private static void WhileHeld(HeldModel held, Action hold, Action meanwhile)
    {
        held.Armed = true;
        var holder = Task.Run(hold);
        Assert.True(held.Entered.Wait(TimeSpan.FromSeconds(30)), "the held pass never started");
        try
        {
            meanwhile();
        }
        finally
        {
            held.Release.Set();
            holder.GetAwaiter().GetResult();
        }
    }

    private static Trainer TrainerOf(ITrainable model) =>
        new(model, new Momentum(0.05f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent, Seed = 1 });

    private static (Mat X, BatchTargets Targets) Batch(Dataset data, int rows) =>
        (new Mat(data.Features.ToArray(), 0, rows, Inputs), new BatchTargets(data.Labels!.ToArray(), 0, rows));

    [Fact]
    public void Switching_the_mode_during_another_threads_step_is_refused_and_the_step_is_as_alone()
    {
        var model = new DigitNet(Inputs, Hidden, Classes, seed: 2);
        var data = Data(2);
        var (x, targets) = Batch(data, 16);
        var held = new HeldModel(model);
        var trainer = TrainerOf(held);
        float heldLoss = 0;
        InvalidOperationException? refused = null;
        WhileHeld(held, () => heldLoss = trainer.Step(x, targets), () => refused = Assert.Throws<InvalidOperationException>(() => model.Training = false));

        Assert.Contains("Model.Training", refused!.Message);
        Assert.Contains("another thread", refused.Message);
        Assert.True(model.Training, "the refused switch changed the mode");

        var alone = new DigitNet(Inputs, Hidden, Classes, seed: 2);
        float aloneLoss = TrainerOf(alone).Step(x, targets);
        Assert.Equal(BitConverter.SingleToInt32Bits(aloneLoss), BitConverter.SingleToInt32Bits(heldLoss));
        Checking.Expect.Identical(model.Parameters.Values, alone.Parameters.Values, "the parameters after the held step");
    }

    [Fact]
    public void Evaluating_during_another_threads_step_is_refused_and_leaves_the_model_in_training_mode()
    {
        var model = new DigitNet(Inputs, Hidden, Classes, seed: 3);
        var data = Data(3);
        var (x, targets) = Batch(data, 16);
        var held = new HeldModel(model);
        var trainer = TrainerOf(held);
        var evaluator = TrainerOf(model);
        WhileHeld(held, () => trainer.Step(x, targets), () =>
        {
            var e = Assert.Throws<InvalidOperationException>(() => evaluator.Evaluate(data));
            Assert.Contains("Trainer.Evaluate", e.Message);
            Assert.True(model.Training, "the refused evaluation switched the model to evaluation mode under the step");
        });
        Assert.True(model.Training);
    }

    [Fact]
    public void Two_threads_evaluating_at_once_cannot_leave_the_model_in_the_wrong_mode()
    {
        // Before: the second evaluation saved "false" (the first had switched) and restored it after the first restored
        // "true", so a model in training mode silently stayed in evaluation mode.
        var model = new DigitNet(Inputs, Hidden, Classes, seed: 4);
        var data = Data(4);
        var expected = TrainerOf(model).Evaluate(data);
        var held = new HeldModel(model);
        WhileHeld(held, () => TrainerOf(held).Evaluate(data), () =>
        {
            Assert.Throws<InvalidOperationException>(() => TrainerOf(model).Evaluate(data));
            Assert.False(model.Training, "the held evaluation runs in evaluation mode");
        });
        Assert.True(model.Training, "the mode after both evaluations");
        var again = TrainerOf(model).Evaluate(data);
        Assert.Equal(expected.Loss, again.Loss);
        Assert.Equal(expected.Accuracy, again.Accuracy);
    }

    [Fact]
    public void A_gradient_check_during_another_threads_step_is_refused_and_perturbs_nothing()
    {
        var model = new DigitNet(Inputs, Hidden, Classes, seed: 5);
        var data = Data(5);
        var (x, targets) = Batch(data, 16);
        var held = new HeldModel(model);
        var trainer = TrainerOf(held);
        WhileHeld(held, () => trainer.Step(x, targets), () =>
        {
            var e = Assert.Throws<InvalidOperationException>(() => GradientCheck.Run(model, x, targets, samples: 5));
            Assert.Contains("GradientCheck.Run", e.Message);
        });

        var alone = new DigitNet(Inputs, Hidden, Classes, seed: 5);
        TrainerOf(alone).Step(x, targets);
        Checking.Expect.Identical(model.Parameters.Values, alone.Parameters.Values, "the parameters after the step beside the refused check");
        Assert.True(GradientCheck.Run(model, x, targets, samples: 5).Passed, "the check on the thread that trained, after the step");
    }

    [Fact]
    public void Saving_or_loading_a_checkpoint_during_another_threads_step_is_refused_and_writes_nothing()
    {
        var model = new DigitNet(Inputs, Hidden, Classes, seed: 6);
        var data = Data(6);
        var (x, targets) = Batch(data, 16);
        string directory = Directory.CreateTempSubdirectory("sg-mode").FullName;
        try
        {
            string saved = Path.Combine(directory, "before.sgc"), during = Path.Combine(directory, "during.sgc");
            Checkpoint.Save(model, saved);
            var before = model.Parameters.Values.ToArray();
            var held = new HeldModel(model);
            var trainer = TrainerOf(held);
            WhileHeld(held, () => trainer.Step(x, targets), () =>
            {
                Assert.Contains("Checkpoint.Save", Assert.Throws<InvalidOperationException>(() => Checkpoint.Save(model, during)).Message);
                Assert.Contains("Checkpoint.Load", Assert.Throws<InvalidOperationException>(() => Checkpoint.Load(model, saved)).Message);
            });
            Assert.False(File.Exists(during), "a refused save wrote a file");

            var alone = new DigitNet(Inputs, Hidden, Classes, seed: 6);
            TrainerOf(alone).Step(x, targets);
            Checking.Expect.Identical(model.Parameters.Values, alone.Parameters.Values, "the parameters after the step beside the refused load");

            // The thread itself may save and load between steps.
            Checkpoint.Load(model, saved);
            Checking.Expect.Identical(model.Parameters.Values, before, "the parameters loaded back");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_training_thread_still_evaluates_checks_and_saves_inside_fit()
    {
        var model = new DigitNet(Inputs, Hidden, Classes, seed: 7);
        var data = Data(7);
        string directory = Directory.CreateTempSubdirectory("sg-mode").FullName;
        try
        {
            var options = new TrainerOptions { Progress = TrainingProgress.Silent, Seed = 1, CheckpointPath = Path.Combine(directory, "fit.sgc") };
            var history = new Trainer(model, new Momentum(0.05f, 0.9f), options).Fit(data, epochs: 2, batchSize: 8, validation: data);
            Assert.Equal(2, history.Epochs.Count);
            Assert.True(File.Exists(options.CheckpointPath));
            Assert.True(model.Training);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
