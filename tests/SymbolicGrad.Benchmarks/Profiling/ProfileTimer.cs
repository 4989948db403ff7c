using System.Diagnostics;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// Rough timing for the profile: warm up until tiered compilation has settled, then take the median over many short
/// samples. Samples are measured in the thread's CPU time (<see cref="Training.ThreadCpuClock"/>) so the time spent
/// descheduled on a busy machine is not counted; comparisons interleave their samples so both sides see the same load.
/// </summary>
internal static class ProfileTimer
{
    private const int Samples = 41;
    private const double SampleSeconds = 0.004;

    /// <summary>
    /// Times by the wall clock instead of thread CPU time: for work spread over threads, which the calling thread's
    /// CPU time does not count. Interleaving still gives both sides the same load; the load shows in the spread.
    /// </summary>
    public static bool Wall { get; set; }

    /// <summary>Median microseconds per call.</summary>
    public static double Micros(Action action) => Compare(action, action).A;

    /// <summary>Median microseconds per call of <paramref name="a"/> and <paramref name="b"/>, and the median of the per-sample ratios a/b.</summary>
    public static (double A, double B, double Ratio) Compare(Action a, Action b)
    {
        Warm(a);
        Warm(b);
        int repsA = Reps(a), repsB = Reps(b);
        var timesA = new double[Samples];
        var timesB = new double[Samples];
        var ratios = new double[Samples];
        for (int s = 0; s < Samples; s++)
        {
            timesA[s] = Time(a, repsA);
            timesB[s] = Time(b, repsB);
            ratios[s] = timesA[s] / timesB[s];
        }

        return (Median(timesA), Median(timesB), Median(ratios));
    }

    // A second of wall time: on a busy machine tier-1 compilation of the step arrives late.
    private static void Warm(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        int calls = 0;
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < 1.0 || calls < 50)
        {
            action();
            calls++;
        }
    }

    private static int Reps(Action action)
    {
        double once = Time(action, 3);
        return (int)Math.Clamp(SampleSeconds / (once * 1e-6), 1, 100_000);
    }

    private static double Time(Action action, int reps)
    {
        if (Wall)
        {
            long begin = Stopwatch.GetTimestamp();
            for (int i = 0; i < reps; i++)
            {
                action();
            }

            return Stopwatch.GetElapsedTime(begin).TotalMicroseconds / reps;
        }

        long start = Training.ThreadCpuClock.Instance.GetTimestamp();
        for (int i = 0; i < reps; i++)
        {
            action();
        }

        return (Training.ThreadCpuClock.Instance.GetTimestamp() - start) * 1e-3 / reps;
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
