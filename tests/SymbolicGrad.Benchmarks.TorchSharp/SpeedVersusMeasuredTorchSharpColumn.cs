using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SymbolicGrad.Benchmarks.Training;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>This method's samples/s over the TorchSharp step's of the same network and batch, measured in the same run.</summary>
internal sealed class SpeedVersusMeasuredTorchSharpColumn : TrainingStepColumn
{
    public SpeedVersusMeasuredTorchSharpColumn()
        : base("vs TorchSharp", "Samples/s relative to the TorchSharp step of the same run (median over median)") { }

    protected override double? Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        var torch = summary.BenchmarksCases.FirstOrDefault(c => c.Descriptor.WorkloadMethod.Name == nameof(TorchSharpStepBenchmarks.TorchSharp)
            && c.Descriptor.Type == benchmarkCase.Descriptor.Type
            && c.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo);
        return torch is null ? null : SamplesPerSecond(summary, benchmarkCase) / SamplesPerSecond(summary, torch);
    }
}
