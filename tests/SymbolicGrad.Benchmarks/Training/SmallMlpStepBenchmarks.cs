using BenchmarkDotNet.Attributes;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>The 784-128-10 MLP (the north-star DigitNet) at batch 1, 16, 64 and 256.</summary>
public class SmallMlpStepBenchmarks : TrainingStepBenchmarks
{
    /// <inheritdoc/>
    [Params(1, 16, 64, 256)]
    public override int Batch { get; set; }

    /// <inheritdoc/>
    public override string Network => "784-128-10";

    private protected override Model CreateModel() => new SmallMlp(seed: 3);

    private protected override float GeneratedGradient(Model model, Mat x, ReadOnlySpan<int> labels) => ((SmallMlp)model).LossGradientBatch(x, labels);

    private protected override float UserLoss(Model model, Vec x, int label) => ((SmallMlp)model).Loss(x, label);

    private protected override (Mat Weight, Vec Bias)[] Layers(Model model) => ((SmallMlp)model).Layers;
}
