using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

public class TrainerTests
{
    static Dataset Blobs(int count = 200, int seed = 11) => Synthetic.Blobs(count, features: 10, classes: 4, separation: 1.5f, seed);

    static (TinyMlp Model, TrainingHistory History) Train(int seed, int epochs = 3, IOptimizer? optimizer = null)
    {
        var model = new TinyMlp(10, 16, 4, seed: 5);
        var trainer = new SymbolicGrad.Trainer(model, optimizer ?? new Momentum(0.05f, 0.9f),
            new TrainerOptions { Seed = seed, ValidationFraction = 0.2, Progress = TrainingProgress.Silent });
        return (model, trainer.Fit(Blobs(), epochs, batchSize: 16));
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_parameters_and_history()
    {
        var (a, historyA) = Train(seed: 7);
        var (b, historyB) = Train(seed: 7);

        Assert.True(Bits.Identical(a.Parameters.Values, b.Parameters.Values));
        Assert.Equal(historyA.Epochs.Select(e => e.TrainLoss), historyB.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(historyA.Epochs.Select(e => e.ValidationLoss), historyB.Epochs.Select(e => e.ValidationLoss));
    }

    [Fact]
    public void Another_seed_shuffles_differently()
    {
        var (a, _) = Train(seed: 7);
        var (b, _) = Train(seed: 8);

        Assert.False(Bits.Identical(a.Parameters.Values, b.Parameters.Values));
    }

    [Fact]
    public void Training_separates_blobs_and_the_loss_falls()
    {
        var (_, history) = Train(seed: 1, epochs: 10);

        Assert.Equal(10, history.Epochs.Count);
        Assert.Equal(Enumerable.Range(1, 10), history.Epochs.Select(e => e.Epoch));
        Assert.True(history.Epochs[^1].TrainLoss < 0.5 * history.Epochs[0].TrainLoss);
        Assert.True(history.Last!.TrainAccuracy > 0.95, $"train accuracy {history.Last.TrainAccuracy}");
        Assert.True(history.Last.ValidationAccuracy > 0.95, $"validation accuracy {history.Last.ValidationAccuracy}");
        Assert.All(history.Epochs, e => Assert.Equal(160, e.Samples)); // 200 rows, 20% held out
        Assert.All(history.Epochs, e => Assert.Equal(10, e.Batches));
        Assert.All(history.Epochs, e => Assert.True(e.SamplesPerSecond > 0 && e.Duration > TimeSpan.Zero));
        Assert.All(history.Epochs, e => Assert.Equal(0.05f, e.LearningRate));
    }

    [Fact]
    public void Validation_metrics_are_the_mean_loss_and_share_of_correct_rows()
    {
        var data = Blobs();
        var validation = Blobs(50, seed: 12);
        var model = new SoftmaxRegression(10, 4, seed: 2);
        var trainer = new SymbolicGrad.Trainer(model, new Sgd(0.1f), Synthetic.Quiet() with { EvaluationBatchSize = 7 });

        var history = trainer.Fit(data, epochs: 2, batchSize: 32, validation);

        // Reference: the whole validation set in one call, and the argmax counted row by row.
        var x = new Mat(validation.Features, validation.Count, validation.FeatureCount);
        double loss = model.BatchLoss(x, validation.Labels!, false);
        int correct = 0;
        for (int r = 0; r < validation.Count; r++)
        {
            correct += model.CountCorrect(x.SliceRows(r, 1), new BatchTargets(validation.Labels!, r, 1));
        }

        Assert.Equal(loss, history.Last!.ValidationLoss!.Value, 5);
        Assert.Equal((double)correct / validation.Count, history.Last.ValidationAccuracy);
        var evaluation = trainer.Evaluate(validation, batchSize: 13);
        Assert.Equal(loss, evaluation.Loss, 5);
        Assert.Equal((double)correct / validation.Count, evaluation.Accuracy);
        Assert.Equal(50, evaluation.Count);
    }

    [Fact]
    public void Training_accuracy_is_the_share_of_rows_each_batch_got_right_before_its_step()
    {
        var counter = new CountingModel(new SoftmaxRegression(10, 4, seed: 2));
        var trainer = new SymbolicGrad.Trainer(counter, new Sgd(0.1f), Synthetic.Quiet());

        var history = trainer.Fit(Blobs(), epochs: 1, batchSize: 32);

        Assert.Equal(7, counter.Calls); // 200 rows: 6 batches of 32 and one of 8
        Assert.Equal(200, counter.Rows);
        Assert.Equal((double)counter.Correct / 200, history.Last!.TrainAccuracy);
        Assert.InRange(counter.Correct, 1, 199);
    }

    [Fact]
    public void Without_accuracy_measurement_no_count_is_made()
    {
        var counter = new CountingModel(new SoftmaxRegression(10, 4, seed: 2));
        var trainer = new SymbolicGrad.Trainer(counter, new Sgd(0.1f), Synthetic.Quiet() with { MeasureTrainingAccuracy = false });

        var history = trainer.Fit(Blobs(), epochs: 1, batchSize: 32);

        Assert.Equal(0, counter.Calls);
        Assert.Null(history.Last!.TrainAccuracy);
    }

    [Fact]
    public void Regression_trains_and_reports_no_accuracy()
    {
        var data = Synthetic.Linear(256, features: 5, targets: 2, seed: 3);
        var model = new LinearRegression(5, 2, seed: 1);
        var trainer = new SymbolicGrad.Trainer(model, new Momentum(0.05f, 0.9f), Synthetic.Quiet() with { ValidationFraction = 0.25 });

        var history = trainer.Fit(data, epochs: 20, batchSize: 16);

        Assert.True(history.Last!.TrainLoss < 1e-3, $"train loss {history.Last.TrainLoss}");
        Assert.True(history.Last.ValidationLoss < 1e-3, $"validation loss {history.Last.ValidationLoss}");
        Assert.All(history.Epochs, e => Assert.Null(e.TrainAccuracy));
        Assert.All(history.Epochs, e => Assert.Null(e.ValidationAccuracy));
        Assert.Null(trainer.Evaluate(data).Accuracy);
    }

    [Fact]
    public void Events_report_every_batch_including_the_short_last_one_and_every_epoch()
    {
        var model = new SoftmaxRegression(10, 4, seed: 2);
        var trainer = new SymbolicGrad.Trainer(model, new Sgd(0.1f), Synthetic.Quiet());
        var batches = new List<BatchProgress>();
        var epochs = new List<EpochMetrics>();
        trainer.BatchCompleted += (_, p) => batches.Add(p);
        trainer.EpochCompleted += (_, m) => epochs.Add(m);

        var history = trainer.Fit(Blobs(100), epochs: 2, batchSize: 32);

        Assert.Equal(8, batches.Count); // 32 + 32 + 32 + 4 rows per epoch
        Assert.Equal(new[] { 32, 32, 32, 4, 32, 32, 32, 4 }, batches.Select(b => b.Rows));
        Assert.Equal(new[] { 1, 2, 3, 4, 1, 2, 3, 4 }, batches.Select(b => b.Batch));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), batches.Select(b => b.Step));
        Assert.All(batches, b => Assert.Equal(4, b.BatchCount));
        Assert.Equal(history.Epochs, epochs);
        // The epoch loss is the row-weighted mean of the batch losses.
        double mean = batches.Take(4).Sum(b => (double)b.Loss * b.Rows) / 100;
        Assert.Equal(mean, epochs[0].TrainLoss, 12);
        Assert.Equal(mean, batches[3].EpochLoss, 12);
        Assert.Equal(2, trainer.CompletedEpochs);
    }

    [Fact]
    public void Fit_continues_the_epoch_count()
    {
        var trainer = new SymbolicGrad.Trainer(new SoftmaxRegression(10, 4), new Sgd(0.1f), Synthetic.Quiet());
        trainer.Fit(Blobs(), epochs: 2, batchSize: 50);

        var second = trainer.Fit(Blobs(), epochs: 2, batchSize: 50);

        Assert.Equal(new[] { 3, 4 }, second.Epochs.Select(e => e.Epoch));
        Assert.Equal(4, trainer.CompletedEpochs);
    }

    [Fact]
    public void RequestStop_in_a_handler_ends_training_after_that_batch()
    {
        var trainer = new SymbolicGrad.Trainer(new SoftmaxRegression(10, 4), new Sgd(0.1f), Synthetic.Quiet());
        trainer.BatchCompleted += (_, p) =>
        {
            if (p.Epoch == 2 && p.Batch == 3)
            {
                trainer.RequestStop();
            }
        };

        var history = trainer.Fit(Blobs(), epochs: 5, batchSize: 20);

        Assert.Equal(2, history.Epochs.Count);
        Assert.Equal(3, history.Last!.Batches);
        Assert.Equal(60, history.Last.Samples);
        Assert.Equal(13, trainer.Optimizer.StepCount);
    }

    [Fact]
    public void Without_shuffling_batches_follow_the_dataset_order()
    {
        var recorder = new CountingModel(new SoftmaxRegression(10, 4));
        var trainer = new SymbolicGrad.Trainer(recorder, new Sgd(0.1f), Synthetic.Quiet() with { Shuffle = false });
        var data = Blobs(64);

        trainer.Fit(data, epochs: 1, batchSize: 16);

        Assert.Equal(data.Labels, recorder.LabelsSeen);
    }

    [Fact]
    public void Shuffled_epochs_see_every_row_once_in_a_new_order()
    {
        var recorder = new CountingModel(new SoftmaxRegression(10, 4));
        var trainer = new SymbolicGrad.Trainer(recorder, new Sgd(0.1f), Synthetic.Quiet());
        var data = Blobs(64);

        trainer.Fit(data, epochs: 2, batchSize: 16);

        var first = recorder.FirstFeaturesSeen.Take(64).ToArray();
        var second = recorder.FirstFeaturesSeen.Skip(64).ToArray();
        var expected = Enumerable.Range(0, 64).Select(r => data.Row(r)[0]).Order().ToArray();
        Assert.Equal(expected, first.Order().ToArray());
        Assert.Equal(expected, second.Order().ToArray());
        Assert.NotEqual(first, second);
        Assert.NotEqual(Enumerable.Range(0, 64).Select(r => data.Row(r)[0]), first);
    }

    [Fact]
    public void Bad_arguments_are_refused_with_clear_messages()
    {
        var trainer = new SymbolicGrad.Trainer(new SoftmaxRegression(10, 4), new Sgd(0.1f), Synthetic.Quiet());
        var data = Blobs();

        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data, epochs: 0, batchSize: 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data, epochs: 1, batchSize: 0));
        var wrongWidth = Synthetic.Blobs(20, features: 9, classes: 4, separation: 1, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(data, 1, 8, wrongWidth));
        Assert.Contains("9 features", error.Message);
        var regression = Synthetic.Linear(20, 10, 1, seed: 1);
        Assert.Throws<ArgumentException>(() => trainer.Fit(data, 1, 8, regression));
        var early = new SymbolicGrad.Trainer(new SoftmaxRegression(10, 4), new Sgd(0.1f), Synthetic.Quiet() with { Patience = 2 });
        var noValidation = Assert.Throws<InvalidOperationException>(() => early.Fit(data, 1, 8));
        Assert.Contains("validation", noValidation.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { ValidationFraction = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { Patience = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { MinDelta = -1 });
    }

    /// <summary>Records what the trainer passes to the model.</summary>
    sealed class CountingModel(ITrainable inner) : ITrainable
    {
        public int Calls { get; private set; }

        public int Rows { get; private set; }

        public int Correct { get; private set; }

        public List<int> LabelsSeen { get; } = [];

        public List<float> FirstFeaturesSeen { get; } = [];

        public ParameterStore Parameters => inner.Parameters;

        public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
        {
            if (accumulateGradient)
            {
                LabelsSeen.AddRange(targets.Labels.ToArray());
                for (int r = 0; r < inputs.Rows; r++)
                {
                    FirstFeaturesSeen.Add(inputs[r, 0]);
                }
            }

            return inner.BatchLoss(inputs, targets, accumulateGradient);
        }

        public int CountCorrect(Mat inputs, in BatchTargets targets)
        {
            int correct = inner.CountCorrect(inputs, targets);
            Calls++;
            Rows += inputs.Rows;
            Correct += correct;
            return correct;
        }
    }
}
