using System.Globalization;
using SymbolicGrad.Samples.Digits;
using SymbolicGrad.Samples.Xor;
using Xunit.Abstractions;

namespace SymbolicGrad.SamplesTests;

/// <summary>
/// <see cref="GradientCheck"/> on the samples' generated models — DigitNet on real digits, XorNet on XOR — at several
/// seeds, as initialized and after training (when their gradients are small): every correct gradient passes, and one
/// wrong entry is caught.
/// </summary>
public sealed class SampleGradientCheckTests(ITestOutputHelper output)
{
    private static readonly Lazy<DigitData> Digits = new(DigitData.LoadEmbedded);

    public static TheoryData<int, int> DigitNetStates => new() { { 24, 0 }, { 24, 1 }, { 24, 2 }, { 128, 0 }, { 128, 1 }, { 128, 2 } };

    [Theory]
    [MemberData(nameof(DigitNetStates))]
    public void DigitNet_passes_on_real_digits_before_and_after_an_epoch(int hidden, int seed)
    {
        var net = new DigitNet(784, hidden, 10, seed);
        var (x, y) = DigitBatch(start: 16 * seed);

        var before = GradientCheck.Run(net, x, y, samples: 80, seed: seed);
        new Trainer(net, new Momentum(0.05f, 0.9f), new TrainerOptions { Seed = seed, Progress = TrainingProgress.Silent })
            .Fit(Digits.Value.Train, epochs: 1, batchSize: 64);
        var after = GradientCheck.Run(net, x, y, samples: 80, seed: seed);

        Report($"DigitNet 784-{hidden}-10, seed {seed}", before, after);
        Assert.True(before.Passed, before.ToString());
        Assert.True(after.Passed, after.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void XorNet_passes_before_and_after_training_to_a_loss_near_zero(int seed)
    {
        var x = new Mat(XorTraining.Inputs, 4, 2);
        var t = new Mat(XorTraining.Targets, 4, 1);

        var before = GradientCheck.Run(new XorNet(seed), x, t, samples: 20, seed: seed);
        var (trained, history) = XorTraining.Train(seed);
        var after = GradientCheck.Run(trained, x, t, samples: 20, seed: seed);

        Report($"XorNet, seed {seed} (trained loss {history.Last!.TrainLoss:G2})", before, after);
        Assert.True(before.Passed, before.ToString());
        Assert.True(after.Passed, after.ToString());
        Assert.Equal(17, after.Samples.Count); // every parameter
    }

    [Theory]
    [InlineData("W1")]
    [InlineData("b1")]
    [InlineData("W2")]
    [InlineData("b2")]
    public void DigitNet_with_its_largest_entry_of_a_tensor_five_percent_too_large_fails_there(string tensor)
    {
        var net = new DigitNet(784, 128, 10, seed: 1);
        var (x, y) = DigitBatch(start: 0);
        var correct = GradientCheck.Run(net, x, y, samples: 80, seed: 3);
        var entry = correct.Samples.Where(s => s.Name.StartsWith(tensor + "[", StringComparison.Ordinal)).MaxBy(s => Math.Abs(s.Analytic));

        var report = GradientCheck.Run(new OneWrongEntry(net, entry.Index, c => 1.05f * c), x, y, samples: 80, seed: 3);

        Assert.True(correct.Passed, correct.ToString());
        Assert.False(report.Passed, $"{entry} 5 % too large passed: {report}");
        Assert.Equal(entry.Index, report.Worst.Index);
        Assert.Single(report.Samples, s => !s.Passed);
    }

    [Fact]
    public void DigitNet_with_a_small_entry_s_sign_flipped_fails_there()
    {
        var net = new DigitNet(784, 128, 10, seed: 1);
        var (x, y) = DigitBatch(start: 0);
        var correct = GradientCheck.Run(net, x, y, samples: 400, seed: 3);
        // The entry nearest the 2e-4 of issue 8's report.
        var entry = correct.Samples.Where(s => s.KinkedRows == 0).MinBy(s => Math.Abs(Math.Abs(s.Analytic) - 2e-4));
        output.WriteLine(entry.ToString());
        Assert.InRange(Math.Abs(entry.Analytic), 1.5e-4, 2.5e-4);

        var report = GradientCheck.Run(new OneWrongEntry(net, entry.Index, c => -c), x, y, samples: 400, seed: 3);

        Assert.False(report.Passed, $"{entry} with its sign flipped passed: {report}");
        Assert.Equal(entry.Index, report.Worst.Index);
    }

    private static (Mat X, BatchTargets Y) DigitBatch(int start)
    {
        var batch = Digits.Value.Train.Slice(start, 16);
        return (new Mat(batch.Features, 16, 784), new BatchTargets(batch.Labels!, 0, 16));
    }

    private void Report(string what, GradientCheckReport before, GradientCheckReport after) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: worst margin {before.WorstMargin:F3} initial ({before.Worst.Name}), {after.WorstMargin:F3} trained ({after.Worst.Name}: |Δ| {after.Worst.AbsoluteError:G2}, atol {after.Worst.AbsoluteTolerance:G2})"));
}
