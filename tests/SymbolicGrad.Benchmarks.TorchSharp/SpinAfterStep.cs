using System.Diagnostics;
using SymbolicGrad.Benchmarks.Training;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// <c>--spin-after [batch|deep]</c>: how much CPU time the process's other threads burn in the milliseconds after each
/// paired method's 20 ms sample has ended, while the main thread sleeps (per-thread on-CPU nanoseconds from
/// <c>/proc/self/task/*/schedstat</c>). Threads still spinning then take a core from whatever the paired harness times
/// next; this is why <c>--paired</c> pauses between samples. Split by thread name: our worker pool ("SymbolicGrad
/// worker"), the .NET runtime's own threads (".NET …": tiered compilation, GC), and the rest (libtorch's OpenMP threads).
/// Load-independent in kind, not in amount.
/// </summary>
internal static class SpinAfterStep
{
    private static readonly int[] WindowsMs = [2, 5, 10, 20, 40];
    private static readonly string[] Groups = ["our pool", ".NET runtime", "libtorch/other"];

    public static void Run(string size)
    {
        int cores = Environment.ProcessorCount;
        TorchSharpStepBenchmarks bench = size == "deep"
            ? new DeepMlpTorchSharpBenchmarks { Batch = 256 }
            : new SmallMlpTorchSharpBenchmarks { Batch = int.Parse(size, System.Globalization.CultureInfo.InvariantCulture) };
        bench.Setup();
        var methods = new (string Name, Action Step, int TorchThreadCount)[]
        {
            ("generated", () => bench.Generated(), 0),
            ("hand-written", () => bench.HandWritten(), 0),
            ("TorchSharp 1 thread", () => bench.TorchSharp(), 1),
            ($"TorchSharp {cores} threads", () => bench.TorchSharpAllCores(), cores),
        };
        string self = Path.GetFileName(File.ResolveLinkTarget("/proc/thread-self", returnFinalTarget: false)!.FullName);
        Console.WriteLine($"{bench.Network}, batch {bench.Batch}: CPU ms the other threads use while the main thread sleeps, after a 20 ms sample (medians of 9); load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine($"{"after",-22} {"threads",-15} " + string.Join(" ", WindowsMs.Select(w => $"{"0-" + w + " ms",9}")));
        foreach (var (name, step, torchThreads) in methods)
        {
            var used = new double[Groups.Length, WindowsMs.Length][];
            for (int g = 0; g < Groups.Length; g++)
                for (int w = 0; w < WindowsMs.Length; w++) used[g, w] = new double[9];
            for (int trial = 0; trial < 9; trial++)
            {
                if (torchThreads > 0) TorchThreads.Use(torchThreads);
                long start = Stopwatch.GetTimestamp();
                do step(); while (Stopwatch.GetElapsedTime(start).TotalSeconds < 0.02);
                long[] before = OthersNanoseconds(self);
                long ended = Stopwatch.GetTimestamp();
                for (int w = 0; w < WindowsMs.Length; w++)
                {
                    while (Stopwatch.GetElapsedTime(ended).TotalMilliseconds < WindowsMs[w]) Thread.Sleep(1);
                    long[] now = OthersNanoseconds(self);
                    for (int g = 0; g < Groups.Length; g++) used[g, w][trial] = (now[g] - before[g]) / 1e6;
                }

                Thread.Sleep(100);
            }

            for (int g = 0; g < Groups.Length; g++)
            {
                Console.WriteLine($"{(g == 0 ? name : ""),-22} {Groups[g],-15} " + string.Join(" ", Enumerable.Range(0, WindowsMs.Length).Select(w => $"{Median(used[g, w]),9:F2}")));
            }
        }

        TorchThreads.Use(1);
        bench.Cleanup();
    }

    // On-CPU nanoseconds of every thread of the process but the calling one, per group of Groups (by thread name).
    private static long[] OthersNanoseconds(string self)
    {
        var total = new long[Groups.Length];
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            if (Path.GetFileName(task) == self) continue;
            try
            {
                string comm = File.ReadAllText(Path.Combine(task, "comm"));
                int group = comm.StartsWith("SymbolicGrad", StringComparison.Ordinal) ? 0 : comm.StartsWith(".NET", StringComparison.Ordinal) ? 1 : 2;
                total[group] += long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return total;
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
