using BenchmarkDotNet.Attributes;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>The 784-128-10 MLP (the north-star DigitNet) at batch 1, 16, 64 and 256.</summary>
[Config(typeof(TrainingStepConfig))]
public class SmallMlpStepBenchmarks : TrainingStepBenchmarks
{
    /// <inheritdoc/>
    [Params(1, 16, 64, 256)]
    public override int Batch { get; set; }

    private protected override StepModel Model => StepModel.Small;
}
