using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

public class AllocationTests
{
    public static TheoryData<string> Optimizers => ["momentum", "adam-clipped", "momentum-shifted"];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Training_steps_allocate_nothing_after_the_first(string name)
    {
        IOptimizer optimizer = name == "momentum"
            ? new Momentum(0.05f, 0.9f)
            : new Adam(0.001f) { MaxGradientNorm = 1f, WeightDecay = 1e-4f, Schedule = LearningRateSchedule.Cosine(1000) };
        var data = Synthetic.Blobs(2000, features: 64, classes: 10, separation: 1f, seed: 1);
        var model = new TinyMlp(64, 32, 10, seed: 3);
        var trainer = new SymbolicGrad.Trainer(model, optimizer, Synthetic.Quiet() with
        {
            ValidationFraction = 0.1,
            Augmentation = name == "momentum-shifted" ? new RandomShift(1, 8, 8, maxShift: 2, seed: 4) : null,
        });
        long start = 0, end = 0;
        trainer.BatchCompleted += (_, p) =>
        {
            if (p.Epoch == 1 && p.Batch == 2)
            {
                start = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (p.Epoch == 1 && p.Batch == p.BatchCount)
            {
                end = GC.GetAllocatedBytesForCurrentThread();
            }
        };

        var history = trainer.Fit(data, epochs: 1, batchSize: 32);

        Assert.Equal(57, history.Last!.Batches); // 1800 rows: 56 full batches and one of 8
        Assert.Equal(0, end - start); // 55 steps, the short last batch among them
    }

    [Fact]
    public void Later_epochs_allocate_only_their_metrics_record()
    {
        var data = Synthetic.Blobs(1000, features: 16, classes: 4, separation: 1f, seed: 1);
        var model = new TinyMlp(16, 16, 4, seed: 3);
        var trainer = new SymbolicGrad.Trainer(model, new Momentum(0.05f, 0.9f), Synthetic.Quiet() with { ValidationFraction = 0.2, Patience = 100 });
        var marks = new List<long>();
        trainer.EpochCompleted += (_, _) => marks.Add(GC.GetAllocatedBytesForCurrentThread());

        trainer.Fit(data, epochs: 6, batchSize: 16);

        // Between the ends of epochs 2 and 6: four epochs of 50 steps with validation and best-parameter copies.
        long perEpoch = (marks[5] - marks[1]) / 4;
        Assert.InRange(perEpoch, 1, 1024);
    }
}
