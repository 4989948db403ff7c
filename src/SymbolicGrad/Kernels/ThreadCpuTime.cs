using System.Runtime.InteropServices;

namespace SymbolicGrad.CompilerServices;

/// <summary>The calling thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>), for the pool's lateness diagnostics.</summary>
internal static class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Whether the clock can be read here (Linux only).</summary>
    internal static bool IsAvailable { get; } = OperatingSystem.IsLinux();

    /// <summary>Nanoseconds of CPU time the calling thread has used, or 0 where the clock is not available.</summary>
    internal static long Nanoseconds()
    {
        if (!IsAvailable || ClockGetTime(ClockThreadCpuTimeId, out var time) != 0)
        {
            return 0;
        }

        return time.Seconds * 1_000_000_000L + time.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
