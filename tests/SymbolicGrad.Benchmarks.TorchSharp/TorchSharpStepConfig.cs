using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using SymbolicGrad.Benchmarks.Training;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// The job of <see cref="TrainingStepConfig"/> (one launch, 6 warm-up and 15 measured iterations of 250 ms; in process
/// and timed by thread CPU time with <c>--cpu-clock</c>) with its samples/s and "vs hand" columns, plus the speed
/// relative to TorchSharp measured in the same run.
/// </summary>
public sealed class TorchSharpStepConfig : ManualConfig
{
    /// <summary>The job and the columns.</summary>
    public TorchSharpStepConfig()
    {
        var job = TrainingStepConfig.CreateJob();
        if (!TrainingStepConfig.UsesCpuClock)
        {
            // Out of process, BenchmarkDotNet builds a project of its own, which copies libLibTorchSharp.so afresh and
            // ignores Directory.Build.* files: hand it the patch step through a property Microsoft.Common.targets honours.
            job = job.WithArguments([new MsBuildArgument($"/p:CustomAfterMicrosoftCommonTargets={ElfWeakVersionTargets()}")]);
        }

        AddJob(job);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, new SamplesPerSecondColumn(), new SpeedVersusHandColumn(), new SpeedVersusMeasuredTorchSharpColumn());
    }

    /// <summary>The full path of tools/ElfWeakVersion/ElfWeakVersion.targets, recorded by the project file at build time.</summary>
    private static string ElfWeakVersionTargets() =>
        typeof(TorchSharpStepConfig).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ElfWeakVersionTargets")?.Value
        ?? throw new InvalidOperationException("The assembly lacks its ElfWeakVersionTargets metadata (see the project file).");
}
