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
/// times with <see cref="ThreadCpuClock"/> instead of the wall clock, for a machine busy with other work, on one
/// thread; with <c>SG_BENCH_CLOCK=wall</c> (<c>--wall-clock</c>) in process on the wall clock, with
/// <see cref="Threads"/> threads (every core unless <c>--threads N</c>).
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

    /// <summary>The environment variable that sets the kernels' thread count (<c>--threads N</c>).</summary>
    public const string ThreadsVariable = "SG_BENCH_THREADS";

    /// <summary>True when <c>SG_BENCH_CLOCK=cpu</c>: the job runs in process, timed by thread CPU time.</summary>
    public static bool UsesCpuClock => Environment.GetEnvironmentVariable(ClockVariable) == "cpu";

    /// <summary>True when <c>SG_BENCH_CLOCK=wall</c>: the job runs in process, timed by the wall clock (for threaded steps).</summary>
    public static bool InProcessWallClock => Environment.GetEnvironmentVariable(ClockVariable) == "wall";

    /// <summary>
    /// The threads the kernels use: one with the thread CPU clock (it counts only the benchmark thread), else
    /// <c>SG_BENCH_THREADS</c> or every core.
    /// </summary>
    public static int Threads => UsesCpuClock ? 1
        : int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out int threads) ? threads
        : Environment.ProcessorCount;

    /// <summary>Reads <c>--cpu-clock</c>, <c>--wall-clock</c> and <c>--threads N</c> off the front of the arguments into the environment.</summary>
    public static string[] ReadOptions(string[] args)
    {
        while (args.Length > 0)
        {
            if (args[0] == "--cpu-clock") Environment.SetEnvironmentVariable(ClockVariable, "cpu");
            else if (args[0] == "--wall-clock") Environment.SetEnvironmentVariable(ClockVariable, "wall");
            else if (args[0] == "--threads" && args.Length > 1)
            {
                Environment.SetEnvironmentVariable(ThreadsVariable, args[1]);
                args = args[1..];
            }
            else break;
            args = args[1..];
        }

        return args;
    }

    /// <summary>The job alone, shared with the TorchSharp comparison (tests/SymbolicGrad.Benchmarks.TorchSharp).</summary>
    public static Job CreateJob()
    {
        var job = Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(6)
            .WithIterationCount(15)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250));
        if (UsesCpuClock)
        {
            return job.WithId("Step15-CpuClock").WithClock(ThreadCpuClock.Instance).WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance);
        }

        return InProcessWallClock
            ? job.WithId("Step15-InProcess").WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance)
                .WithEnvironmentVariable(ThreadsVariable, Threads.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : job.WithId("Step15").WithEnvironmentVariable(ThreadsVariable, Threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
