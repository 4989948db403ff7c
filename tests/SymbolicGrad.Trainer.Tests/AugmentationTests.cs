using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

public sealed class AugmentationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Adds 1000 to the first feature of every row it gets, and records the calls.</summary>
    private sealed class Marker : IAugmentation
    {
        public List<(int Epoch, int[] Rows)> Calls { get; } = [];

        public void Augment(Mat inputs, ReadOnlySpan<int> rows, int epoch)
        {
            Calls.Add((epoch, rows.ToArray()));
            for (int r = 0; r < inputs.Rows; r++)
            {
                inputs[r, 0] += 1000f;
            }
        }
    }

    /// <summary>8 × 8 "images": Gaussian blobs of 64 features, 4 classes.</summary>
    private static Dataset Images(int count, int seed) => Synthetic.Blobs(count, features: 64, classes: 4, separation: 0.6f, seed: seed);

    [Fact]
    public void Only_training_batches_are_augmented_and_the_dataset_is_not_changed()
    {
        var data = Images(300, seed: 1);
        var before = (float[])data.Features.Clone();
        var marker = new Marker();
        var model = new RecordingModel(new SoftmaxRegression(64, 4));
        var trainer = new SymbolicGrad.Trainer(model, new Sgd(0.01f), Synthetic.Quiet() with
        {
            ValidationFraction = 0.2,
            Augmentation = marker,
            MeasureTrainingAccuracy = false, // it would count the (augmented) training batches as evaluated
        });

        trainer.Fit(data, epochs: 3, batchSize: 32);

        Assert.Equal(before, data.Features);
        // 240 training rows a batch of 32 at a time: 8 batches per epoch; each row once per epoch, with its epoch.
        Assert.Equal(24, marker.Calls.Count);
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            var rows = marker.Calls.Where(c => c.Epoch == epoch).SelectMany(c => c.Rows).Order().ToArray();
            Assert.Equal(Enumerable.Range(0, 240), rows);
        }

        // Every row a step trained on carries the mark (so it went through the augmentation); none evaluated does.
        Assert.All(model.TrainedRows, key => Assert.True(BitConverter.Int32BitsToSingle(key) > 500, "a training row was not augmented"));
        Assert.All(model.EvaluatedRows, key => Assert.True(BitConverter.Int32BitsToSingle(key) < 500, "an evaluated row was augmented"));
        Assert.Equal(60, model.EvaluatedRows.Count);
        Assert.Equal(300, trainer.Evaluate(data).Count); // evaluation after training: unmarked rows too
        Assert.DoesNotContain(model.EvaluatedRows, key => BitConverter.Int32BitsToSingle(key) > 500);
    }

    [Fact]
    public void Shifted_training_is_deterministic_for_the_seed_and_resumes_exactly()
    {
        float[] Train(int shiftSeed, int epochs)
        {
            var model = new TinyMlp(64, 16, 4, seed: 2);
            var options = Synthetic.Quiet(seed: 5) with { Augmentation = new RandomShift(1, 8, 8, maxShift: 2, seed: shiftSeed) };
            new SymbolicGrad.Trainer(model, new Momentum(0.05f, 0.9f), options).Fit(Images(200, seed: 3), epochs, batchSize: 20);
            return model.Parameters.Values.ToArray();
        }

        var a = Train(shiftSeed: 7, epochs: 4);
        Assert.Equal(a, Train(shiftSeed: 7, epochs: 4));
        Assert.NotEqual(a, Train(shiftSeed: 8, epochs: 4));

        // Two epochs, a checkpoint, two more from it: the same parameters as four at once (shifts depend on the epoch).
        string path = _folder.File("shift.ckpt");
        var options = Synthetic.Quiet(seed: 5) with { Augmentation = new RandomShift(1, 8, 8, 2, seed: 7) };
        var first = new TinyMlp(64, 16, 4, seed: 2);
        var trainer = new SymbolicGrad.Trainer(first, new Momentum(0.05f, 0.9f), options);
        trainer.Fit(Images(200, seed: 3), 2, 20);
        trainer.SaveCheckpoint(path);
        var second = new TinyMlp(64, 16, 4, seed: 99);
        var resumed = new SymbolicGrad.Trainer(second, new Momentum(0.05f, 0.9f), options);
        resumed.ResumeFrom(path);
        resumed.Fit(Images(200, seed: 3), 2, 20);
        Assert.Equal(a, second.Parameters.Values.ToArray());
    }

    [Fact]
    public void A_shape_mismatch_fails_on_the_first_batch_naming_both_sizes()
    {
        var trainer = new SymbolicGrad.Trainer(new SoftmaxRegression(64, 4), new Sgd(0.01f),
            Synthetic.Quiet() with { Augmentation = new RandomShift(1, 28, 28, 2) });

        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(Images(50, seed: 1), 1, 10));

        Assert.Contains("64 features", error.Message);
        Assert.Contains("1×28×28", error.Message);
    }
}
