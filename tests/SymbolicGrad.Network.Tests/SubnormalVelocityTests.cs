using System.Runtime.InteropServices;
using SymbolicGrad.CompilerServices;
using SymbolicGrad.Network.Tests.Models.Composed;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// A velocity that decays below 2⁻¹²⁶ (the rows of hidden units that are off, whose gradient is zero) is stored as
/// zero by the fused step (the outer product at batch 1, the product kernel at 64) as by the unfused one, bit for bit,
/// with one thread or two.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public sealed class SubnormalVelocityTests
{
    private const float MinNormal = 1.17549435e-38f;

    [Theory]
    [InlineData("momentum", 1)]
    [InlineData("momentum", 2)]
    [InlineData("nesterov", 1)]
    [InlineData("nesterov", 2)]
    public void Fused_and_unfused_steps_flush_a_decaying_velocity_to_zero_alike(string rule, int threads)
    {
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            Parallelism.MaxThreads = threads;
            VelocityOptimizer Create() => rule == "momentum" ? new Momentum(0.02f, 0.9f) : new Nesterov(0.02f, 0.9f);
            var fused = new DigitNet(300, 100, 10, 3);
            var unfused = new DigitNet(300, 100, 10, 3);
            var fusedTrainer = new Trainer(fused, Create(), new TrainerOptions { Progress = TrainingProgress.Silent });
            var unfusedTrainer = new Trainer(unfused, Create(), new TrainerOptions { Progress = TrainingProgress.Silent, FusedUpdate = false });
            var random = new Random(5);
            var x = new float[64 * 300];
            for (int i = 0; i < x.Length; i++) x[i] = random.NextSingle() - 0.5f;
            var labels = new int[64];
            for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(10);

            int flushed = 0;
            for (int step = 0; step < 8; step++)
            {
                int rows = step % 2 == 0 ? 1 : 64;
                var inputs = new Mat(x, step % 2 == 0 ? step * 300 : 0, rows, 300);
                var targets = new BatchTargets(labels.AsMemory(step % 2 == 0 ? step : 0, rows));
                if (step > 0)
                {
                    // Every velocity just above 2⁻¹²⁶: where this step's gradient is zero, βG is subnormal.
                    Seed(((VelocityOptimizer)fusedTrainer.Optimizer).Velocity);
                    Seed(((VelocityOptimizer)unfusedTrainer.Optimizer).Velocity);
                }

                Assert.Equal(unfusedTrainer.Step(inputs, targets), fusedTrainer.Step(inputs, targets));
                var velocity = ((VelocityOptimizer)fusedTrainer.Optimizer).Velocity;
                Checking.Expect.Identical(velocity, ((VelocityOptimizer)unfusedTrainer.Optimizer).Velocity, $"step {step} velocity");
                Checking.Expect.Identical(fused.Parameters.Values, unfused.Parameters.Values, $"step {step} parameters");
                foreach (float v in velocity)
                {
                    Assert.False(v != 0f && MathF.Abs(v) < MinNormal, $"step {step}: subnormal velocity {v:R}");
                    if (step > 0 && v == 0f) flushed++;
                }
            }

            Assert.True(flushed > 1000, $"only {flushed} velocities were flushed"); // rows of hidden units that were off
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    private static void Seed(ReadOnlySpan<float> velocity)
    {
        var writable = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(velocity), velocity.Length);
        for (int i = 0; i < writable.Length; i++) writable[i] = i % 2 == 0 ? 1.2e-38f : -1.25e-38f;
    }
}
