using SymbolicGrad.Network.Tests.Checking;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// A trainer step that applies the optimizer inside the generated backward pass (the default) gives the same
/// parameters, bit for bit, as the step that first writes the whole gradient and then runs the optimizer.
/// </summary>
public sealed class FusedUpdateTests
{
    /// <summary>Every case whose generated model is an <see cref="ITrainable"/>, with each fusable optimizer.</summary>
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var factory in NetworkCatalogue.All)
        {
            var c = factory.Create(DataLayout.Copies);
            if (c.Model is not ITrainable || c.TrainingTargets(0, 1) is null) continue;
            foreach (string optimizer in new[] { "sgd", "momentum", "nesterov" }) data.Add(factory.Name, optimizer);
        }

        return data;
    }

    private static Optimizer Create(string name) => name switch
    {
        "sgd" => new Sgd(0.05f),
        "momentum" => new Momentum(0.05f, 0.9f),
        _ => new Nesterov(0.05f, 0.9f),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_and_unfused_steps_give_bit_identical_parameters(string name, string optimizer)
    {
        var fused = NetworkCatalogue.Create(name);
        var unfused = NetworkCatalogue.Create(name);
        var fusedTrainer = new Trainer((ITrainable)fused.Model, Create(optimizer), new TrainerOptions { Progress = TrainingProgress.Silent });
        var unfusedTrainer = new Trainer((ITrainable)unfused.Model, Create(optimizer), new TrainerOptions { Progress = TrainingProgress.Silent, FusedUpdate = false });
        Assert.True(fusedTrainer.UsesFusedUpdate);
        Assert.False(unfusedTrainer.UsesFusedUpdate);

        // Batches of 1 (the outer-product kernel), 5 and 17 (the product kernel), several steps so velocities matter.
        foreach (var (start, count) in new[] { (0, 1), (3, 1), (0, 5), (5, 5), (0, 17), (2, 1), (1, 16) })
        {
            float a = fusedTrainer.Step(fused.Data.InputBatch(start, count), fused.TrainingTargets(start, count)!.Value);
            float b = unfusedTrainer.Step(unfused.Data.InputBatch(start, count), unfused.TrainingTargets(start, count)!.Value);
            Assert.Equal(b, a);
        }

        Assert.Equal(7, fusedTrainer.Optimizer.StepCount);
        Checking.Expect.Identical(fused.Parameters.Values, unfused.Parameters.Values, name);
        if (fusedTrainer.Optimizer is VelocityOptimizer v)
        {
            Checking.Expect.Identical(v.Velocity, ((VelocityOptimizer)unfusedTrainer.Optimizer).Velocity, name + " velocity");
        }
    }

    [Fact]
    public void A_wide_network_at_batch_1_and_64_fuses_its_weight_matrices_and_matches_bit_for_bit()
    {
        // Big enough for the threaded kernels and the packed product's full tiles; two threads.
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 2;
            var fused = new Models.Composed.DigitNet(300, 100, 10, 3);
            var unfused = new Models.Composed.DigitNet(300, 100, 10, 3);
            var fusedTrainer = new Trainer(fused, new Momentum(0.02f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent });
            var unfusedTrainer = new Trainer(unfused, new Momentum(0.02f, 0.9f), new TrainerOptions { Progress = TrainingProgress.Silent, FusedUpdate = false });
            var random = new Random(5);
            var x = new float[64 * 300];
            for (int i = 0; i < x.Length; i++) x[i] = random.NextSingle();
            var labels = new int[64];
            for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(10);
            for (int step = 0; step < 6; step++)
            {
                int rows = step % 2 == 0 ? 1 : 64;
                var inputs = new Mat(x, 0, rows, 300);
                var targets = new BatchTargets(labels.AsMemory(0, rows));

                // The fused step never writes the gradient of a weight matrix whose one term it applied in the kernel.
                fused.Parameters.Gradients.Fill(1234f);
                Assert.Equal(unfusedTrainer.Step(inputs, targets), fusedTrainer.Step(inputs, targets));
                Assert.All(fused.Parameters.Gradients[..(100 * 300)].ToArray(), g => Assert.Equal(1234f, g));
            }

            Checking.Expect.Identical(fused.Parameters.Values, unfused.Parameters.Values, "DigitNet(300-100-10)");
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }
}
