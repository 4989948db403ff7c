using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>
/// The job of the training-step benchmarks, short enough for a shared 2-core machine (the whole run takes a few
/// minutes): one launch, 6 warm-up and 15 measured iterations of about 250 ms each. Adds the median, allocations,
/// samples per second (batch / median), the speed relative to the hand-written step and to TorchSharp's quoted numbers.
/// With the environment variable <c>SG_BENCH_CLOCK=cpu</c> (set by <c>--cpu-clock</c>) the job runs in process and
/// times with <see cref="ThreadCpuClock"/> instead of the wall clock, for a machine busy with other work.
/// </summary>
public sealed class TrainingStepConfig : ManualConfig
{
    /// <summary>The environment variable that selects the thread CPU-time clock.</summary>
    public const string ClockVariable = "SG_BENCH_CLOCK";

    /// <summary>The job and the columns.</summary>
    public TrainingStepConfig()
    {
        AddJob(CreateJob());
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, new SamplesPerSecondColumn(), new SpeedVersusHandColumn(), new SpeedVersusTorchSharpColumn());
    }

    /// <summary>True when <c>SG_BENCH_CLOCK=cpu</c>: the job runs in process, timed by thread CPU time.</summary>
    public static bool UsesCpuClock => Environment.GetEnvironmentVariable(ClockVariable) == "cpu";

    /// <summary>The job alone, shared with the TorchSharp comparison (tests/SymbolicGrad.Benchmarks.TorchSharp).</summary>
    public static Job CreateJob()
    {
        var job = Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(6)
            .WithIterationCount(15)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250));
        return UsesCpuClock
            ? job.WithId("Step15-CpuClock").WithClock(ThreadCpuClock.Instance).WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance)
            : job.WithId("Step15");
    }
}
