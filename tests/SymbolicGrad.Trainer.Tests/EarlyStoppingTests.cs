using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

public class EarlyStoppingTests
{
    // A 64-unit MLP on 100 noisy rows overfits: the validation loss bottoms out after a few epochs, then rises.
    static (Dataset Train, Dataset Validation) NoisyBlobs()
    {
        var all = Synthetic.Blobs(500, features: 20, classes: 3, separation: 0.5f, seed: 3, labelNoise: 0.3);
        return (all.Slice(0, 100), all.Slice(100, 400));
    }

    static (TinyMlp Model, SymbolicGrad.Trainer Trainer, List<float[]> Snapshots) Setup(TrainerOptions options)
    {
        var model = new TinyMlp(20, 64, 3, seed: 1);
        var trainer = new SymbolicGrad.Trainer(model, new Momentum(0.005f, 0.9f), options);
        var snapshots = new List<float[]>();
        trainer.EpochCompleted += (_, _) => snapshots.Add(model.Parameters.Values.ToArray());
        return (model, trainer, snapshots);
    }

    [Fact]
    public void Early_stopping_ends_patience_epochs_after_the_best_and_restores_its_parameters()
    {
        var (train, validation) = NoisyBlobs();
        var (model, trainer, snapshots) = Setup(Synthetic.Quiet() with { Patience = 3 });

        var history = trainer.Fit(train, epochs: 30, batchSize: 10, validation);

        var losses = history.Epochs.Select(e => e.ValidationLoss!.Value).ToList();
        int best = losses.IndexOf(losses.Min()) + 1;
        Assert.Equal(best, history.BestEpoch);
        Assert.InRange(best, 2, 10); // the scenario really overfits after some learning
        Assert.True(history.StoppedEarly);
        Assert.Equal(best + 3, history.Epochs.Count);
        Assert.Equal(best, history.RestoredEpoch);
        Assert.True(Bits.Identical(snapshots[best - 1], model.Parameters.Values));
        Assert.False(Bits.Identical(snapshots[^1], model.Parameters.Values));
        // The restored parameters reproduce the best validation loss.
        Assert.Equal(losses[best - 1], trainer.Evaluate(validation, batchSize: 10).Loss, 12);
    }

    [Fact]
    public void Without_restoring_the_last_parameters_stay()
    {
        var (train, validation) = NoisyBlobs();
        var (model, trainer, snapshots) = Setup(Synthetic.Quiet() with { Patience = 3, RestoreBestParameters = false });

        var history = trainer.Fit(train, epochs: 30, batchSize: 10, validation);

        Assert.True(history.StoppedEarly);
        Assert.Null(history.RestoredEpoch);
        Assert.True(Bits.Identical(snapshots[^1], model.Parameters.Values));
    }

    [Fact]
    public void A_large_min_delta_counts_small_improvements_as_none()
    {
        var (train, validation) = NoisyBlobs();
        var (_, trainer, _) = Setup(Synthetic.Quiet() with { Patience = 2, MinDelta = 10 });

        var history = trainer.Fit(train, epochs: 30, batchSize: 10, validation);

        Assert.Equal(1, history.BestEpoch); // only the first epoch improves on +∞ by more than 10
        Assert.Equal(3, history.Epochs.Count);
        Assert.Equal(1, history.RestoredEpoch);
    }

    [Fact]
    public void Early_stopping_works_on_a_validation_fraction()
    {
        var (train, _) = NoisyBlobs();
        var (_, trainer, _) = Setup(Synthetic.Quiet() with { Patience = 2, ValidationFraction = 0.3 });

        var history = trainer.Fit(train, epochs: 40, batchSize: 10);

        Assert.All(history.Epochs, e => Assert.Equal(70, e.Samples));
        Assert.True(history.StoppedEarly);
        Assert.Equal(history.BestEpoch + 2, history.Epochs.Count);
    }
}
