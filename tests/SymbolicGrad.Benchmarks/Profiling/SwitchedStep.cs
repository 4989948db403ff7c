using System.Diagnostics;
using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--switch-ab [256|deep]…</c>: the generated training step on every core with <see cref="KernelSwitches.PanelRowUnits"/>
/// on (row cuts by 6-row panels) and off (by 12 rows, the rest added to the last unit: as before), in alternating blocks
/// of about 20 ms in one process: per setting the median samples/s (wall clock) and process CPU time per step, and the
/// median of the per-round ratios, which cancels load that changes slower than a round.
/// </summary>
internal static class SwitchedStep
{
    private const int Rounds = 41;
    private const double BlockSeconds = 0.02;

    public static void Run(string[] sizes)
    {
        foreach (string size in sizes)
        {
            TrainingStepBenchmarks bench = size == "deep" ? new DeepMlpStepBenchmarks { Batch = 256 } : new SmallMlpStepBenchmarks { Batch = int.Parse(size, System.Globalization.CultureInfo.InvariantCulture) };
            bench.Setup();
            int batch = bench.Batch;
            foreach (bool on in new[] { true, false, true, false })
            {
                KernelSwitches.PanelRowUnits = on;
                var warm = Stopwatch.StartNew();
                while (warm.Elapsed.TotalSeconds < 1.5)
                {
                    bench.Generated();
                }
            }

            var rates = new[] { new double[Rounds], new double[Rounds] };
            var cpu = new[] { new double[Rounds], new double[Rounds] };
            var ratio = new double[Rounds];
            for (int r = 0; r < Rounds; r++)
            {
                for (int o = 0; o < 2; o++)
                {
                    int s = (r + o) % 2; // 0: panels (new), 1: 12-row units (before)
                    KernelSwitches.PanelRowUnits = s == 0;
                    for (int w = 0; w < 3; w++)
                    {
                        bench.Generated();
                    }

                    var processCpu = Environment.CpuUsage.TotalTime;
                    long start = Stopwatch.GetTimestamp();
                    int steps = 0;
                    while (Stopwatch.GetElapsedTime(start).TotalSeconds < BlockSeconds)
                    {
                        bench.Generated();
                        steps++;
                    }

                    rates[s][r] = batch * steps / Stopwatch.GetElapsedTime(start).TotalSeconds;
                    cpu[s][r] = (Environment.CpuUsage.TotalTime - processCpu).TotalMicroseconds / steps;
                }

                ratio[r] = rates[0][r] / rates[1][r];
            }

            KernelSwitches.PanelRowUnits = true;
            Console.WriteLine($"{size}: 6-row panels {Median(rates[0]):N0} samples/s ({Median(cpu[0]):F0} µs CPU/step), 12-row units {Median(rates[1]):N0} samples/s ({Median(cpu[1]):F0} µs CPU/step); " +
                $"median per-round ratio {Median(ratio):F3} (best rounds {rates[0].Max():N0} vs {rates[1].Max():N0}); {Parallelism.MaxThreads} threads; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        }
    }

    private static double Median(double[] x)
    {
        var y = (double[])x.Clone();
        Array.Sort(y);
        return y[y.Length / 2];
    }
}
