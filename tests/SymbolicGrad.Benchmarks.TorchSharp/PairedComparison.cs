using System.Diagnostics;
using SymbolicGrad.Benchmarks.Training;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// <c>--paired</c>: the generated and hand-written steps (every core) and TorchSharp's (one thread, every core)
/// timed in interleaved rounds on the wall clock, in one process: a change of load hits all four alike, so the
/// per-round ratios are steadier than separate runs. Reports medians of 31 rounds of about 20 ms per method.
/// </summary>
/// <remarks>
/// Between two samples the harness waits <c>settle</c> milliseconds (default 30): libtorch's OpenMP threads keep
/// spinning on a core for milliseconds after its every-core step, and without the pause whatever runs next loses that
/// core for part of its sample. The order rotates each round and is reversed every other round, so no method always
/// follows the same one (with a plain rotation the generated step always followed TorchSharp's every-core step, and
/// ran 6–14% slower than the hand-written one on two threads for that reason alone). <c>--settle 0</c> gives the old
/// harness's back-to-back samples.
/// </remarks>
internal static class PairedComparison
{
    private const int Rounds = 31;
    private const double SampleSeconds = 0.02;

    public static void Run(string[] choice, int settleMilliseconds)
    {
        int cores = Environment.ProcessorCount;
        Console.WriteLine($"Paired wall-clock comparison, medians of {Rounds} interleaved rounds, {settleMilliseconds} ms between samples; {cores} cores; load {Load()}");
        foreach (string size in choice)
        {
            TorchSharpStepBenchmarks bench = size == "deep"
                ? new DeepMlpTorchSharpBenchmarks { Batch = 256 }
                : new SmallMlpTorchSharpBenchmarks { Batch = int.Parse(size, System.Globalization.CultureInfo.InvariantCulture) };
            bench.Setup();
            int batch = bench.Batch;
            var methods = new (string Name, Action Step)[]
            {
                ("generated", () => bench.Generated()),
                ("hand-written", () => bench.HandWritten()),
                ("TorchSharp 1 thread", () => bench.TorchSharp()),
                ($"TorchSharp {cores} threads", () => bench.TorchSharpAllCores()),
            };
            var times = methods.Select(_ => new double[Rounds]).ToArray();
            var versusBest = new double[Rounds];
            var versusHand = new double[Rounds];
            for (int m = 0; m < methods.Length; m++) Time(methods[m].Step, m, cores, 0.3); // warm up
            for (int round = 0; round < Rounds; round++)
            {
                for (int k = 0; k < methods.Length; k++)
                {
                    int slot = round / methods.Length % 2 == 0 ? k : methods.Length - 1 - k;
                    int m = (slot + round) % methods.Length;
                    if (settleMilliseconds > 0) Thread.Sleep(settleMilliseconds);
                    times[m][round] = Time(methods[m].Step, m, cores, SampleSeconds);
                }

                versusBest[round] = Math.Min(times[2][round], times[3][round]) / times[0][round];
                versusHand[round] = times[1][round] / times[0][round];
            }

            TorchThreads.Use(1);
            Console.WriteLine();
            Console.WriteLine($"=== {bench.Network}, batch {batch} (load {Load()}) ===");
            for (int m = 0; m < methods.Length; m++)
            {
                double median = Median(times[m]);
                Console.WriteLine($"{methods[m].Name,-22} {median,10:F1} µs  {batch / median * 1e6,10:N0} samples/s");
            }

            Console.WriteLine($"generated ÷ TorchSharp's best (median of per-round ratios): {Median(versusBest):F2}×; generated ÷ hand-written: {Median(versusHand):F3}");
            bench.Cleanup();
        }
    }

    // Microseconds per step of `step` over about `seconds` of wall time; methods 2 and 3 set libtorch's thread count first.
    private static double Time(Action step, int method, int cores, double seconds)
    {
        if (method >= 2)
        {
            TorchThreads.Use(method == 2 ? 1 : cores);
        }

        int steps = 0;
        long start = Stopwatch.GetTimestamp();
        do
        {
            step();
            steps++;
        }
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds);
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps;
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    private static string Load()
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
