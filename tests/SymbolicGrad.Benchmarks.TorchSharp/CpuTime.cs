using System.Runtime.InteropServices;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// Checks that a step's work runs on the calling thread. The CPU-clock job times the benchmark thread only; work that
/// libtorch handed to helper threads (its intra-op OpenMP or inter-op pools) would go uncounted and flatter TorchSharp.
/// Reads each thread's CPU time in nanoseconds from Linux's <c>/proc/self/task/TID/schedstat</c> (first field).
/// </summary>
internal static class CpuTime
{
    /// <summary>What the threads of the process did while <see cref="Measure"/> ran the step.</summary>
    /// <param name="Steps">Steps run.</param>
    /// <param name="ThisThread">CPU time of the calling (benchmark) thread, ns.</param>
    /// <param name="Native">CPU time of the other threads not named by the .NET runtime (libtorch's pools would be here), ns.</param>
    /// <param name="Runtime">CPU time of the runtime's own threads (".NET …": JIT tiering, background GC, finalizer), ns.</param>
    public readonly record struct Usage(int Steps, long ThisThread, long Native, long Runtime);

    /// <summary>Runs <paramref name="step"/> until the calling thread has used <paramref name="milliseconds"/> of CPU time.</summary>
    public static Usage Measure(Func<float> step, int milliseconds)
    {
        int self = GetTid();
        var before = Threads();
        long start = before[self].Nanoseconds, now;
        int steps = 0;
        do
        {
            step();
            steps++;
            now = ReadNanoseconds(self) ?? throw new InvalidOperationException("cannot read this thread's schedstat");
        }
        while (now - start < milliseconds * 1_000_000L);

        long native = 0, runtime = 0;
        foreach (var (tid, (name, nanoseconds)) in Threads())
        {
            if (tid == self) continue;
            long used = nanoseconds - (before.TryGetValue(tid, out var b) ? b.Nanoseconds : 0);
            if (name.StartsWith(".NET", StringComparison.Ordinal)) runtime += used;
            else native += used;
        }

        return new Usage(steps, now - start, native, runtime);
    }

    private static Dictionary<int, (string Name, long Nanoseconds)> Threads()
    {
        var threads = new Dictionary<int, (string, long)>();
        foreach (var directory in Directory.GetDirectories("/proc/self/task"))
        {
            int tid = int.Parse(Path.GetFileName(directory), System.Globalization.CultureInfo.InvariantCulture);
            if (ReadNanoseconds(tid) is long nanoseconds)
            {
                string name = TryRead(Path.Combine(directory, "comm"))?.Trim() ?? "";
                threads[tid] = (name, nanoseconds);
            }
        }

        return threads;
    }

    private static long? ReadNanoseconds(int tid) =>
        TryRead($"/proc/self/task/{tid}/schedstat") is string text ? long.Parse(text.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : null;

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null; // the thread ended in between
        }
    }

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();
}
