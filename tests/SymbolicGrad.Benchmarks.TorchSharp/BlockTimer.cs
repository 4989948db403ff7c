using System.Diagnostics;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// Steady-state timing of one training step, as BenchmarkDotNet does it: a warm-up of consecutive steps (until the
/// JIT is done and the step stops getting faster), then blocks
/// of a fixed number of consecutive steps (sized from the warm-up to about <see cref="BlockSeconds"/>), one mean per
/// block. Nothing else runs in between, so each step follows a step of the same framework, as in training. Also reads
/// the process's CPU time (every thread, spinning included) per block.
/// </summary>
internal static class BlockTimer
{
    /// <summary>Target length of one block.</summary>
    public const double BlockSeconds = 0.01;

    /// <summary>The per-block means of one run: wall-clock µs per step, and the process's CPU µs per step (all threads).</summary>
    public readonly record struct Blocks(double[] WallMicros, double[] CpuMicros, int StepsPerBlock)
    {
        /// <summary>Median over the blocks of the wall-clock mean.</summary>
        public double Wall => Median(WallMicros);

        /// <summary>Median over the blocks of the CPU-time mean.</summary>
        public double Cpu => Median(CpuMicros);
    }

    /// <summary>
    /// Warms <paramref name="step"/> up for at least <paramref name="warmSeconds"/> and until it stops getting faster
    /// (tiered compilation can take seconds on a busy machine), then times <paramref name="blocks"/> blocks of
    /// consecutive steps.
    /// </summary>
    public static Blocks Run(Action step, double warmSeconds, int blocks)
    {
        // Windows of ~BlockSeconds: done once the time has passed, the JIT compiled nothing during the last window and
        // that window is within 3 % of the best so far (at most 10 s, so a drifting machine cannot keep it here).
        long start = Stopwatch.GetTimestamp();
        double best = double.MaxValue, last;
        int perBlock;
        long compiled;
        do
        {
            compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            long window = Stopwatch.GetTimestamp();
            int steps = 0;
            do
            {
                step();
                steps++;
            }
            while (Stopwatch.GetElapsedTime(window).TotalSeconds < BlockSeconds);
            double seconds = Stopwatch.GetElapsedTime(window).TotalSeconds;
            last = seconds / steps;
            best = Math.Min(best, last);
            perBlock = Math.Max(1, (int)Math.Round(steps * BlockSeconds / seconds));
        }
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < 10
            && (Stopwatch.GetElapsedTime(start).TotalSeconds < warmSeconds || last > 1.03 * best
                || System.Runtime.JitInfo.GetCompiledMethodCount() != compiled));

        var wall = new double[blocks];
        var cpu = new double[blocks];
        for (int b = 0; b < blocks; b++)
        {
            TimeSpan cpuBefore = Environment.CpuUsage.TotalTime;
            long begin = Stopwatch.GetTimestamp();
            for (int i = 0; i < perBlock; i++) step();
            wall[b] = Stopwatch.GetElapsedTime(begin).TotalMicroseconds / perBlock;
            cpu[b] = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMicroseconds / perBlock;
        }

        return new Blocks(wall, cpu, perBlock);
    }

    /// <summary>The median (upper middle for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    /// <summary>The first value of /proc/loadavg, or "n/a".</summary>
    public static string Load()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
