using System.Diagnostics;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// Steady-state timing of one training step, as BenchmarkDotNet does it: a warm-up of consecutive steps, then blocks
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

    /// <summary>Warms <paramref name="step"/> up for <paramref name="warmSeconds"/>, then times <paramref name="blocks"/> blocks of consecutive steps.</summary>
    public static Blocks Run(Action step, double warmSeconds, int blocks)
    {
        int steps = 0;
        long start = Stopwatch.GetTimestamp();
        do
        {
            step();
            steps++;
        }
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < warmSeconds || steps < 3);

        // Size the block from the last part of the warm-up (tiered compilation is done by then).
        long tail = Stopwatch.GetTimestamp();
        int tailSteps = 0;
        do
        {
            step();
            tailSteps++;
        }
        while (Stopwatch.GetElapsedTime(tail).TotalSeconds < BlockSeconds);
        int perBlock = Math.Max(1, (int)Math.Round(tailSteps * BlockSeconds / Stopwatch.GetElapsedTime(tail).TotalSeconds));

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
