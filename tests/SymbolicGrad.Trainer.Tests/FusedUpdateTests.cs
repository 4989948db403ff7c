using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

/// <summary>
/// A fused step (the optimizer applied inside the backward pass) keeps the trainer's promises: a non-finite gradient
/// stops training before anything is updated, and the step is chosen only where it is exact.
/// </summary>
public class FusedUpdateTests
{
    private static (Trainer Trainer, OuterProductModel Model, Mat X, BatchTargets Targets) Setup(float[] x, int rows, IOptimizer? optimizer = null, TrainerOptions? options = null)
    {
        var model = new OuterProductModel(x.Length / rows, 3);
        var trainer = new SymbolicGrad.Trainer(model, optimizer ?? new Momentum(0.1f, 0.9f), options ?? Synthetic.Quiet());
        return (trainer, model, new Mat(x, 0, rows, x.Length / rows), new BatchTargets(new int[rows]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_gradient_that_overflows_from_finite_operands_stops_the_step_before_any_update(int rows)
    {
        var x = new float[rows * 5];
        x.AsSpan().Fill(1e20f);
        var (trainer, model, inputs, targets) = Setup(x, rows);
        Assert.True(trainer.UsesFusedUpdate);
        trainer.Step(inputs, targets);
        float[] good = model.Parameters.Values.ToArray();
        model.Scale = 1e30f; // 1e30 · 1e20 overflows float; neither operand does

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Step(inputs, targets));

        Assert.Equal("the gradient of W[0, 0] is +∞", error.Reason);
        Assert.Equal(0, error.Batch);
        Assert.True(Bits.Identical(good, model.Parameters.Values));
        Assert.Equal(1, trainer.Optimizer.StepCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void The_check_of_a_wide_batch_finds_a_nan_or_an_overflow_in_its_last_row_with_any_thread_count(int threads)
    {
        // 64 rows of 1,100 inputs: enough floats for the check to cut its rows over the threads; the bad value sits in
        // the last row, which another thread than the caller reads.
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = threads;
            const int rows = 64, inputs = 1100;
            var x = new float[rows * inputs];
            x.AsSpan().Fill(0.5f);
            var (trainer, model, batch, targets) = Setup(x, rows);
            trainer.Step(batch, targets);
            float[] good = model.Parameters.Values.ToArray();

            x[(rows - 1) * inputs + 2] = float.NaN;
            var nan = Assert.Throws<TrainingDivergedException>(() => trainer.Step(batch, targets));
            Assert.Equal("the gradient of W[0, 2] is NaN", nan.Reason);

            x[(rows - 1) * inputs + 2] = 0.5f;
            x[(rows - 1) * inputs + 5] = 3e38f;
            model.Scale = 1e3f; // 1e3 · 3e38 / 64 overflows float; no operand does
            var overflow = Assert.Throws<TrainingDivergedException>(() => trainer.Step(batch, targets));
            Assert.Equal("the gradient of W[0, 5] is +∞", overflow.Reason);
            Assert.True(Bits.Identical(good, model.Parameters.Values));
            Assert.Equal(1, trainer.Optimizer.StepCount);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void A_nan_input_stops_the_step_naming_the_element_and_changes_nothing()
    {
        var x = new float[2 * 5];
        x.AsSpan().Fill(0.5f);
        var (trainer, model, inputs, targets) = Setup(x, 2, new Nesterov(0.1f, 0.9f));
        trainer.Step(inputs, targets);
        float[] good = model.Parameters.Values.ToArray();
        float[] velocity = ((Nesterov)trainer.Optimizer).Velocity.ToArray();
        x[7] = float.NaN; // sample 1, input 2: column 2 of ∂W

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Step(inputs, targets));

        Assert.Equal("the gradient of W[0, 2] is NaN", error.Reason);
        Assert.True(Bits.Identical(good, model.Parameters.Values));
        Assert.True(Bits.Identical(velocity, ((Nesterov)trainer.Optimizer).Velocity));

        // The next good step goes through the fused path again.
        x[7] = 0.5f;
        trainer.Step(inputs, targets);
        Assert.Equal(2, trainer.Optimizer.StepCount);
    }

    [Fact]
    public void Large_but_finite_gradients_are_applied_exactly_as_the_unfused_step_applies_them()
    {
        var x = new float[3 * 5];
        for (int i = 0; i < x.Length; i++) x[i] = (i - 7) * 3e15f;
        var (fused, fusedModel, inputs, targets) = Setup(x, 3, new Sgd(1e-20f));
        var (unfused, unfusedModel, _, _) = Setup(x, 3, new Sgd(1e-20f), Synthetic.Quiet() with { FusedUpdate = false });
        fusedModel.Scale = unfusedModel.Scale = 1e20f;
        for (int step = 0; step < 3; step++)
        {
            fused.Step(inputs, targets);
            unfused.Step(inputs, targets);
        }

        Assert.True(Bits.Identical(unfusedModel.Parameters.Values, fusedModel.Parameters.Values));
    }

    [Fact]
    public void The_update_is_fused_only_where_it_is_exact()
    {
        var model = new OuterProductModel(5, 3);
        Assert.True(new SymbolicGrad.Trainer(model, new Sgd(0.1f)).UsesFusedUpdate);
        Assert.True(new SymbolicGrad.Trainer(model, new Momentum(0.1f)).UsesFusedUpdate);
        Assert.True(new SymbolicGrad.Trainer(model, new Nesterov(0.1f)).UsesFusedUpdate);
        Assert.True(new SymbolicGrad.Trainer(model, new Momentum(0.1f) { Schedule = LearningRateSchedule.Cosine(100) }).UsesFusedUpdate);
        Assert.False(new SymbolicGrad.Trainer(model, new Momentum(0.1f) { MaxGradientNorm = 1f }).UsesFusedUpdate);
        Assert.False(new SymbolicGrad.Trainer(model, new Momentum(0.1f) { WeightDecay = 1e-4f }).UsesFusedUpdate);
        Assert.False(new SymbolicGrad.Trainer(model, new Sgd(0.1f) { L1 = 1e-4f }).UsesFusedUpdate);
        Assert.False(new SymbolicGrad.Trainer(model, new Adam(0.001f)).UsesFusedUpdate);
        Assert.False(new SymbolicGrad.Trainer(model, new RmsProp(0.001f)).UsesFusedUpdate);
        Assert.False(new SymbolicGrad.Trainer(model, new Sgd(0.1f), new TrainerOptions { FusedUpdate = false }).UsesFusedUpdate);
        Assert.False(new SymbolicGrad.Trainer(new TinyMlp(5, 4, 3), new Sgd(0.1f)).UsesFusedUpdate); // adds into Gradients itself
    }

    [Fact]
    public void Without_the_fused_update_the_gradients_of_each_batch_can_be_read()
    {
        var x = new float[2 * 5];
        x.AsSpan().Fill(0.5f);
        var (trainer, model, inputs, targets) = Setup(x, 2, new Momentum(0.1f), Synthetic.Quiet() with { FusedUpdate = false });
        trainer.Step(inputs, targets);
        Assert.All(model.Parameters.Gradients[..15].ToArray(), g => Assert.Equal(0.5f, g)); // ∂W = Σ_r (1/2)·0.5
    }
}
