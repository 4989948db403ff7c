using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using SymbolicGrad.Benchmarks.Training;

namespace SymbolicGrad.Benchmarks.Loops;

/// <summary>
/// The loop benchmarks' job: one launch, 6 warm-up and 15 measured iterations, with the median. With
/// <c>--cpu-clock</c> it runs in process timed by the benchmark thread's CPU time, so the gradient/primal ratios stay
/// meaningful on a machine busy with other work.
/// </summary>
public sealed class LoopBenchmarkConfig : ManualConfig
{
    /// <summary>The job, the median column and the memory diagnoser.</summary>
    public LoopBenchmarkConfig()
    {
        var job = Job.Default.WithLaunchCount(1).WithWarmupCount(6).WithIterationCount(15);
        AddJob(TrainingStepConfig.UsesCpuClock
            ? job.WithId("Loops-CpuClock").WithClock(ThreadCpuClock.Instance)
                .WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance)
            : job.WithId("Loops"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median);
    }
}
