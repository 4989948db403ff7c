using Perfolizer.Horology;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>
/// The CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>, nanoseconds) as a BenchmarkDotNet clock.
/// On a machine shared with other busy processes, wall time counts the slices the benchmark spends descheduled;
/// thread CPU time does not, so it estimates the uncontended time (cache and memory-bandwidth contention remain).
/// </summary>
public sealed class ThreadCpuClock : IClock
{
    /// <summary>The one instance.</summary>
    public static readonly ThreadCpuClock Instance = new();

    /// <inheritdoc/>
    public string Title => "ThreadCpuTime";

    /// <inheritdoc/>
    public bool IsAvailable => ThreadCpuTime.IsAvailable;

    /// <inheritdoc/>
    public Frequency Frequency => Frequency.GHz;

    /// <inheritdoc/>
    public long GetTimestamp()
    {
        // The runtime's reading of the clock (the pool's lateness diagnostics use it too); 0 means it could not be read.
        long nanoseconds = ThreadCpuTime.Nanoseconds();
        if (nanoseconds == 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed; the thread CPU clock needs Linux.");
        }

        return nanoseconds;
    }
}
