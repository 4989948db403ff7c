using System.Diagnostics;
using System.Globalization;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// <c>--isolated [--rounds R] [batch… deep]</c>: each step of each size in a process of its own. The parent starts one
/// child (<c>--child KEY SIZE</c>) at a time, for the four steps in an order that alternates across R rounds (default
/// 3); a child sets up the benchmark, warms its one step up (<see cref="BlockTimer.Run"/>) and times 40 blocks of consecutive steps
/// (<see cref="BlockTimer"/>). Nothing of another framework runs in that process while it times (TorchSharp's threads
/// exist but have nothing to do), and every round gets a fresh heap, so array placement is not fixed for a whole run.
/// Reports per contender the median of the children's medians.
/// </summary>
internal static class IsolatedComparison
{
    private const double ChildWarmSeconds = 0.5;
    private const int ChildBlocks = 40;
    private const string ResultTag = "BLOCKS";

    public static void Run(string[] sizes, int rounds)
    {
        Console.WriteLine($"Each step in its own process: at least {ChildWarmSeconds} s warm-up + {ChildBlocks} blocks of ~{BlockTimer.BlockSeconds * 1e3:F0} ms per child, {rounds} rounds in alternating order; {Environment.ProcessorCount} cores; load {BlockTimer.Load()}");
        Console.WriteLine();
        string[] keys = Contender.Keys;
        foreach (string size in sizes)
        {
            var wall = keys.Select(_ => new double[rounds]).ToArray();
            var cpu = keys.Select(_ => new double[rounds]).ToArray();
            string network = "";
            int batch = 0;
            string[] contenderNames = new string[keys.Length];
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < keys.Length; k++)
                {
                    int c = round % 2 == 0 ? k : keys.Length - 1 - k;
                    var result = RunChild(keys[c], size);
                    wall[c][round] = result.Wall;
                    cpu[c][round] = result.Cpu;
                    (network, batch, contenderNames[c]) = (result.Network, result.Batch, result.Name);
                }
            }

            ComparisonReport.Print(network, batch, contenderNames, wall, cpu);
        }
    }

    /// <summary>The child: sets up <paramref name="size"/>'s benchmark, times the step <paramref name="key"/>, prints one result line.</summary>
    public static int Child(string key, string size)
    {
        var bench = Contender.Benchmark(size);
        bench.Setup();
        var contender = Contender.For(bench).Single(c => c.Key == key);
        contender.Prepare();
        var blocks = BlockTimer.Run(contender.Step, ChildWarmSeconds, ChildBlocks);
        Console.WriteLine(string.Join('\t', ResultTag, bench.Network, bench.Batch.ToString(CultureInfo.InvariantCulture), contender.Name,
            blocks.Wall.ToString("R", CultureInfo.InvariantCulture), blocks.Cpu.ToString("R", CultureInfo.InvariantCulture),
            blocks.StepsPerBlock.ToString(CultureInfo.InvariantCulture)));
        TorchThreads.Use(1);
        bench.Cleanup();
        return 0;
    }

    private static (string Network, int Batch, string Name, double Wall, double Cpu) RunChild(string key, string size)
    {
        // This program again: the apphost, or the dotnet host with this assembly.
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(IsolatedComparison).Assembly.Location);
        start.ArgumentList.Add("--child");
        start.ArgumentList.Add(key);
        start.ArgumentList.Add(size);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
        var stderr = child.StandardError.ReadToEndAsync();
        string stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string? line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith(ResultTag + "\t", StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"child {key} {size} failed (exit {child.ExitCode}):\n{stdout}\n{stderr.Result}");
        }

        string[] f = line.Split('\t');
        return (f[1], int.Parse(f[2], CultureInfo.InvariantCulture), f[3], double.Parse(f[4], CultureInfo.InvariantCulture), double.Parse(f[5], CultureInfo.InvariantCulture));
    }
}
