using BenchmarkDotNet.Attributes;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>The 784-512-512-10 MLP at batch 256.</summary>
public class DeepMlpStepBenchmarks : TrainingStepBenchmarks
{
    /// <inheritdoc/>
    [Params(256)]
    public override int Batch { get; set; }

    /// <inheritdoc/>
    public override string Network => "784-512-512-10";

    private protected override Model CreateModel() => new DeepMlp(seed: 3);

    private protected override float GeneratedGradient(Model model, Mat x, ReadOnlySpan<int> labels) => ((DeepMlp)model).LossGradientBatch(x, labels);

    private protected override float UserLoss(Model model, Vec x, int label) => ((DeepMlp)model).Loss(x, label);

    private protected override (Mat Weight, Vec Bias)[] Layers(Model model) => ((DeepMlp)model).Layers;
}
