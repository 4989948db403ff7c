using System.Globalization;
using SymbolicGrad.Network.Tests.Checking;
using Xunit.Abstractions;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// The runtime's <see cref="GradientCheck"/> on every generated <see cref="ITrainable"/> of the catalogue, at several
/// seeds, as initialized and after some training (small gradients): it passes every correct gradient, and fails when
/// exactly one entry is wrong.
/// </summary>
public sealed class TrainerGradientCheckTests(ITestOutputHelper output)
{
    private const int Rows = 16;
    private const int Samples = 60;
    private static readonly int[] Seeds = [0, 1, 2];

    /// <summary>The cases whose generated code implements <see cref="ITrainable"/>.</summary>
    public static TheoryData<string> TrainableCases => [.. TrainableNames];

    private static IEnumerable<string> TrainableNames =>
        NetworkCatalogue.All.Where(f => f.Create(DataLayout.Copies).Model is ITrainable).Select(f => f.Name);

    [Fact]
    public void Every_model_but_the_ones_with_an_extra_parameter_or_no_target_is_trainable()
    {
        var trainable = TrainableNames.ToHashSet();
        var others = NetworkCatalogue.All.Select(f => f.Name).Where(n => !trainable.Contains(n)).Order().ToArray();

        // Loss(x) alone or Loss(x, target, scale) do not have the shape the Trainer calls.
        Assert.Equal(["AffineSumNet", "DotProductNet", "MeanNet", "ScalarArithmeticNet", "SumNet"], others);
        // The catalogue grows; every model in it beyond those five is trainable.
        Assert.True(trainable.Count >= 30, $"only {trainable.Count} trainable models");
    }

    [Theory]
    [MemberData(nameof(TrainableCases))]
    public void A_correct_generated_gradient_passes_at_every_seed_before_and_after_training(string name)
    {
        foreach (var (label, model, inputs, targets, seed) in States(name))
        {
            var report = GradientCheck.Run(model, inputs, targets, Samples, seed);

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} {label}: worst margin {report.WorstMargin:F3} at {report.Worst.Name} (|Δ| {report.Worst.AbsoluteError:G2}, atol {report.Worst.AbsoluteTolerance:G2}, |g| {Math.Abs(report.Worst.Analytic):G2}); largest relative error {report.WorstRelativeError:G2}; kinked rows {report.KinkedRows}"));
            Assert.True(report.Passed, $"{name} {label}: {report}");
        }
    }

    [Theory]
    [MemberData(nameof(TrainableCases))]
    public void One_wrong_entry_is_caught_and_named(string name)
    {
        foreach (var (label, model, inputs, targets, seed) in States(name))
        {
            var report = GradientCheck.Run(model, inputs, targets, Samples, seed);
            var largest = report.Samples.MaxBy(s => Math.Abs(s.Analytic));
            // As initialized, 5 % of the largest entry is far above the noise. After training the largest entry may be
            // near the float resolution of the loss (a cross-entropy of 0.006 from logits near 10), so flip its sign.
            bool initial = label.EndsWith("initial", StringComparison.Ordinal);
            AssertCaught(name, label, model, inputs, targets, seed, largest, initial ? c => 1.05f * c : c => -c, initial ? "5 % too large" : "sign flipped");

            // The smallest entry whose sign flip is at least twice what the check allows it: the check is not blind
            // down to its stated resolution.
            var small = report.Samples
                .Where(s => s.KinkedRows == 0 && 2 * Math.Abs(s.Analytic) > 2 * (s.AbsoluteTolerance + s.RelativeTolerance * Math.Abs(s.Analytic)))
                .OrderBy(s => Math.Abs(s.Analytic))
                .FirstOrDefault();
            if (small.Name is not null && small.Index != largest.Index)
            {
                AssertCaught(name, label, model, inputs, targets, seed, small, c => -c, "sign flipped");
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void The_benchmarks_784_512_512_10_network_passes_and_catches_one_wrong_entry(int seed)
    {
        var model = new Models.Composed.WideTwoHiddenLayerNet(784, 512, 10, seed);
        var data = new SampleData(DataSpec.Labels(784, 10) with { TargetElement = DataSpec.Probability }, Rows, seed, DataLayout.Copies);
        // Pixels in [0, 1), as the benchmark's digits.
        var inputs = new Mat(data.Inputs.Span.ToArray().Select(v => (v + 1) / 2).ToArray(), Rows, 784);
        BatchTargets targets = data.LabelBatch(0, Rows).ToArray();

        var report = GradientCheck.Run(model, inputs, targets, Samples, seed);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"784-512-512-10 seed {seed}: worst margin {report.WorstMargin:F3} at {report.Worst.Name}"));
        Assert.True(report.Passed, report.ToString());
        AssertCaught("WideTwoHiddenLayerNet(784-512-512-10)", $"seed {seed}", model, inputs, targets, seed,
            report.Samples.MaxBy(s => Math.Abs(s.Analytic)), c => 1.05f * c, "5 % too large");
    }

    private void AssertCaught(string name, string label, ITrainable model, Mat inputs, BatchTargets targets, int seed,
        GradientCheckSample entry, Func<float, float> corrupt, string what)
    {
        var wrong = GradientCheck.Run(new OneWrongEntry(model, entry.Index, corrupt), inputs, targets, Samples, seed);

        var flagged = wrong.Samples.Single(s => s.Index == entry.Index);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} {label}: {entry.Name} = {entry.Analytic:G3} {what}: margin {flagged.Margin:G3} (atol {entry.AbsoluteTolerance:G2})"));
        Assert.False(wrong.Passed, $"{name} {label}: {entry.Name} = {entry.Analytic:G3} {what} passed: {wrong}");
        Assert.Equal(entry.Index, wrong.Worst.Index);
        Assert.Contains(entry.Name, wrong.ToString());
        Assert.All(wrong.Samples.Where(s => s.Index != entry.Index), s => Assert.True(s.Passed, $"{name} {label}, {entry.Name} {what}: {s}"));
    }

    // Each seed as initialized (seed 0 as the catalogue builds it; others with each tensor's values shuffled, so the
    // same initialization scale with other weights), then after 60 full-batch momentum steps.
    private static IEnumerable<(string Label, ITrainable Model, Mat Inputs, BatchTargets Targets, int Seed)> States(string name)
    {
        foreach (int seed in Seeds)
        {
            NetworkCase c = NetworkCatalogue.Create(name);
            var model = (ITrainable)c.Model;
            Shuffle(c.Parameters, seed);
            var data = new SampleData(c.Data.Spec, Rows, seed + 100, DataLayout.Copies);
            BatchTargets targets = c.Data.Spec.Classes > 0
                ? new BatchTargets(data.LabelBatch(0, Rows).ToArray())
                : new BatchTargets(data.Targets);
            yield return ($"seed {seed}, initial", model, data.Inputs, targets, seed);

            if (Train(model, data, seed))
            {
                yield return ($"seed {seed}, trained", model, data.Inputs, targets, seed);
            }
        }
    }

    private static void Shuffle(ParameterStore parameters, int seed)
    {
        if (seed == 0)
        {
            return;
        }

        var random = new Random(seed);
        foreach (var p in parameters.Layout)
        {
            random.Shuffle(parameters.Values.Slice(p.Offset, p.Length));
        }
    }

    // Full-batch momentum steps; false when the loss has no minimum to approach (it diverges), leaving the model as it was.
    private static bool Train(ITrainable model, SampleData data, int seed)
    {
        float[] before = model.Parameters.Values.ToArray();
        var dataset = data.Spec.Classes > 0
            ? new Dataset(data.Inputs.Span.ToArray(), data.Spec.InputLength, data.LabelBatch(0, Rows).ToArray(), data.Spec.Classes)
            : new Dataset(data.Inputs.Span.ToArray(), data.Spec.InputLength, data.Targets.Span.ToArray(), data.Spec.TargetLength);
        var trainer = new Trainer(model, new Momentum(0.05f, 0.9f), new TrainerOptions { Seed = seed, Progress = TrainingProgress.Silent });
        try
        {
            var history = trainer.Fit(dataset, epochs: 60, batchSize: Rows);
            if (history.Last!.TrainLoss < history.Epochs[0].TrainLoss && model.Parameters.Values.ToArray().All(v => Math.Abs(v) < 100))
            {
                return true;
            }
        }
        catch (TrainingDivergedException)
        {
        }

        before.CopyTo(model.Parameters.Values);
        return false;
    }
}
