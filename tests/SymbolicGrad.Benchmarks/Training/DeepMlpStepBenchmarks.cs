using BenchmarkDotNet.Attributes;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>The 784-512-512-10 MLP at batch 256.</summary>
[Config(typeof(TrainingStepConfig))]
public class DeepMlpStepBenchmarks : TrainingStepBenchmarks
{
    /// <inheritdoc/>
    [Params(256)]
    public override int Batch { get; set; }

    private protected override StepModel Model => StepModel.Deep;
}
