using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

public class DivergenceTests
{
    static Dataset Data() => Synthetic.Blobs(64, features: 6, classes: 3, separation: 1.5f, seed: 4);

    // 64 rows in batches of 16: 4 steps per epoch, so gradient call 7 is epoch 2, batch 3.
    static (TrainingDivergedException Error, ParameterStore Store, float[] LastGood, IOptimizer Optimizer) RunUntilFault(FaultyModel.Fault kind, int element = 0)
    {
        var inner = new TinyMlp(6, 8, 3, seed: 2);
        var model = new FaultyModel(inner) { Kind = kind, FromCall = 7, Element = element };
        var optimizer = new Momentum(0.05f, 0.9f);
        var trainer = new SymbolicGrad.Trainer(model, optimizer, Synthetic.Quiet());
        float[] lastGood = inner.Parameters.Values.ToArray();
        trainer.BatchCompleted += (_, _) => lastGood = inner.Parameters.Values.ToArray();

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Data(), epochs: 5, batchSize: 16));
        return (error, inner.Parameters, lastGood, optimizer);
    }

    [Theory]
    [InlineData(FaultyModel.Fault.NanLoss, "the loss is NaN")]
    [InlineData(FaultyModel.Fault.InfiniteLoss, "the loss is +∞")]
    public void A_non_finite_loss_stops_training_naming_epoch_and_batch_and_keeps_the_last_good_step(FaultyModel.Fault kind, string reason)
    {
        var (error, store, lastGood, optimizer) = RunUntilFault(kind);

        Assert.Equal(2, error.Epoch);
        Assert.Equal(3, error.Batch);
        Assert.Equal(reason, error.Reason);
        Assert.Contains("epoch 2, batch 3", error.Message);
        Assert.Equal(6, optimizer.StepCount);
        Assert.True(Bits.Identical(lastGood, store.Values));
        Assert.Single(error.History.Epochs);
    }

    [Fact]
    public void A_nan_gradient_stops_training_naming_the_parameter_element()
    {
        // Element 75 of the 6-8-3 MLP: W1 (48) + b1 (8) come first, so it is W2[2, 3] (56 + 2·8 + 3).
        var (error, store, lastGood, optimizer) = RunUntilFault(FaultyModel.Fault.NanGradient, element: 75);

        Assert.Equal("the gradient of W2[2, 3] is NaN", error.Reason);
        Assert.True(float.IsFinite(error.Loss));
        Assert.Equal(6, optimizer.StepCount);
        Assert.True(Bits.Identical(lastGood, store.Values));
    }

    [Fact]
    public void An_infinite_gradient_is_caught_too()
    {
        var (error, store, lastGood, _) = RunUntilFault(FaultyModel.Fault.InfiniteGradient, element: 50);

        Assert.Equal("the gradient of b1[2] is −∞", error.Reason);
        Assert.True(Bits.Identical(lastGood, store.Values));
    }

    [Fact]
    public void A_learning_rate_far_too_large_diverges_with_a_clear_error_and_finite_parameters()
    {
        // Least squares with a step far beyond 2/λmax: the error grows geometrically until the squared loss overflows.
        var model = new LinearRegression(5, 1, seed: 1);
        var trainer = new SymbolicGrad.Trainer(model, new Sgd(5f), Synthetic.Quiet());
        var data = Synthetic.Linear(64, features: 5, targets: 1, seed: 4);

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data, epochs: 1000, batchSize: 16));

        Assert.Equal("the loss is +∞", error.Reason);
        Assert.InRange(error.Epoch, 2, 200);
        Assert.Contains("learning rate", error.Message);
        Assert.All(model.Parameters.Values.ToArray(), v => Assert.True(float.IsFinite(v)));
    }
}
