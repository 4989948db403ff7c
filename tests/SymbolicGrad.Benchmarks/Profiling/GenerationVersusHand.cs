using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--gen-vs-hand [--threads N] [batch… deep]</c>: the generated step against the hand-written one in long stretches
/// of consecutive steps (0.1 s warm-up, then 10 blocks of about 5 ms; medians of block means), with A/A controls: a
/// second copy of each (its own model, arrays placed elsewhere). Rounds alternate the order. One thread is timed in
/// thread CPU time (robust to load); more threads on the wall clock. Prints where the arrays start, modulo a cache line.
/// With <c>--rows-off</c> the copies run with the element-wise passes on the calling thread
/// (<see cref="KernelSwitches.ParallelRows"/> off): the row loops against what they replaced, side by side in one run.
/// With <c>--misplace B</c> the copies' parameters, gradients and optimizer state start B bytes past a cache line
/// (<see cref="AlignedBuffer.ArrayLineOffset"/>) instead of on one: what the placement itself is worth.
/// </summary>
internal static class GenerationVersusHand
{
    private const int Rounds = 9;
    private const int Blocks = 10;
    private const double BlockSeconds = 0.005;

    public static void Run(string[] sizes, int threads, bool rowsOff = false, int misplace = 0)
    {
        bool wall = threads > 1;
        Console.WriteLine($"Generated vs hand-written, {threads} thread(s), {(wall ? "wall clock" : "thread CPU time")}, {Rounds} rounds of 0.1 s warm-up + {Blocks} blocks of ~{BlockSeconds * 1e3:F0} ms per step; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        foreach (string size in sizes)
        {
            Func<TrainingStepBenchmarks> create = size == "deep"
                ? () => new DeepMlpStepBenchmarks { Batch = 256 }
                : () => new SmallMlpStepBenchmarks { Batch = int.Parse(size, System.Globalization.CultureInfo.InvariantCulture) };
            var first = create();
            first.Setup();
            var twin = create();
            AlignedBuffer.ArrayLineOffset = misplace;
            try
            {
                twin.Setup();
            }
            finally
            {
                AlignedBuffer.ArrayLineOffset = 0;
            }

            Parallelism.MaxThreads = threads;
            var steps = new (string Name, Action Step)[]
            {
                ("generated", () => first.Generated()),
                ("hand-written", () => first.HandWritten()),
                (rowsOff ? "generated, rows inline" : "generated (copy)", rowsOff ? () => Inline(twin.Generated) : () => twin.Generated()),
                (rowsOff ? "hand, rows inline" : "hand-written (copy)", rowsOff ? () => Inline(twin.HandWritten) : () => twin.HandWritten()),
            };
            var medians = steps.Select(_ => new double[Rounds]).ToArray();
            for (int round = 0; round < Rounds; round++)
            {
                for (int k = 0; k < steps.Length; k++)
                {
                    int m = round % 2 == 0 ? k : steps.Length - 1 - k;
                    medians[m][round] = Time(steps[m].Step, wall);
                }
            }

            Console.WriteLine();
            Console.WriteLine($"=== {first.Network}, batch {first.Batch} ===");
            Console.WriteLine("placement: " + first.Placement());
            Console.WriteLine("copy:      " + twin.Placement());
            for (int m = 0; m < steps.Length; m++)
            {
                Console.WriteLine($"{steps[m].Name,-20} {Median(medians[m]),9:F2} µs   " + string.Join(" ", medians[m].Select(v => v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture))));
            }

            double Ratio(int a, int b) => Median(medians[a].Zip(medians[b], (x, y) => x / y).ToArray());
            Console.WriteLine(rowsOff
                ? $"speed generated ÷ hand-written: {Ratio(1, 0):F3} (rows inline {Ratio(3, 2):F3}); row loops on the pool ÷ inline: generated {Ratio(2, 0):F3}, hand-written {Ratio(3, 1):F3}"
                : $"speed generated ÷ hand-written: {Ratio(1, 0):F3} (copies {Ratio(3, 2):F3}); {(misplace == 0 ? "A/A" : $"on the line ÷ {misplace} bytes past it:")} generated ÷ its copy {Ratio(2, 0):F3}, hand-written ÷ its copy {Ratio(3, 1):F3}");
        }
    }

    private static void Inline(Func<float> step)
    {
        KernelSwitches.ParallelRows = false;
        try
        {
            step();
        }
        finally
        {
            KernelSwitches.ParallelRows = true;
        }
    }

    // Median µs per step over the blocks of one stretch of consecutive steps.
    private static double Time(Action step, bool wall)
    {
        long Now() => wall ? System.Diagnostics.Stopwatch.GetTimestamp() * (1_000_000_000 / System.Diagnostics.Stopwatch.Frequency) : ThreadCpuClock.Instance.GetTimestamp();
        long start = Now();
        int warm = 0;
        while (Now() - start < 100_000_000 || warm < 3)
        {
            step();
            warm++;
        }

        long t = Now();
        step();
        int perBlock = Math.Max(1, (int)(BlockSeconds * 1e9 / Math.Max(1, Now() - t)));
        var means = new double[Blocks];
        for (int b = 0; b < Blocks; b++)
        {
            long begin = Now();
            for (int i = 0; i < perBlock; i++) step();
            means[b] = (Now() - begin) * 1e-3 / perBlock;
        }

        return Median(means);
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
