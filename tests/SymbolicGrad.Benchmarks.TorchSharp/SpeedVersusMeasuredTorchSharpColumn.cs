using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SymbolicGrad.Benchmarks.Training;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// This method's samples/s over TorchSharp's best of the same network and batch measured in the same run: the faster of
/// its one-thread and every-core steps.
/// </summary>
internal sealed class SpeedVersusMeasuredTorchSharpColumn : TrainingStepColumn
{
    public SpeedVersusMeasuredTorchSharpColumn()
        : base("vs TorchSharp best", "Samples/s relative to the faster TorchSharp step (one thread or every core) of the same run (median over median)") { }

    protected override double? Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        double best = summary.BenchmarksCases
            .Where(c => c.Descriptor.WorkloadMethod.Name is nameof(TorchSharpStepBenchmarks.TorchSharp) or nameof(TorchSharpStepBenchmarks.TorchSharpAllCores)
                && c.Descriptor.Type == benchmarkCase.Descriptor.Type
                && c.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo)
            .Select(c => SamplesPerSecond(summary, c) ?? 0)
            .DefaultIfEmpty(0)
            .Max();
        return best > 0 && SamplesPerSecond(summary, benchmarkCase) is double mine ? mine / best : null;
    }
}
