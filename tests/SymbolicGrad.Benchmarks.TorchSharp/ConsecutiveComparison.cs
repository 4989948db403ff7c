namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// <c>--blocks [--rounds R] [batch… deep]</c>: in one process, each of the four steps in turn for a long stretch of
/// consecutive steps (<see cref="BlockTimer"/>: at least 0.2 s warm-up, then 20 blocks of about 10 ms), in R rounds (default 5)
/// whose order alternates (forward, reversed). A step follows a step of its own framework except for the first ones
/// of a stretch, which the warm-up discards: no other framework's threads are still spinning when the blocks start,
/// and no pause that lets caches and clocks go cold. Reports per contender the median of its per-round medians.
/// </summary>
internal static class ConsecutiveComparison
{
    private const double WarmSeconds = 0.2;
    private const int BlocksPerRound = 20;

    public static void Run(string[] sizes, int rounds)
    {
        Console.WriteLine($"Consecutive-step blocks in one process: per round and step at least {WarmSeconds} s warm-up + {BlocksPerRound} blocks of ~{BlockTimer.BlockSeconds * 1e3:F0} ms, {rounds} rounds in alternating order; {Environment.ProcessorCount} cores; load {BlockTimer.Load()}");
        Console.WriteLine();
        foreach (string size in sizes)
        {
            var bench = Contender.Benchmark(size);
            bench.Setup();
            var contenders = Contender.For(bench);
            var wall = contenders.Select(_ => new double[rounds]).ToArray();
            var cpu = contenders.Select(_ => new double[rounds]).ToArray();
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < contenders.Length; k++)
                {
                    int c = round % 2 == 0 ? k : contenders.Length - 1 - k;
                    contenders[c].Prepare();
                    var blocks = BlockTimer.Run(contenders[c].Step, WarmSeconds, BlocksPerRound);
                    wall[c][round] = blocks.Wall;
                    cpu[c][round] = blocks.Cpu;
                }
            }

            TorchThreads.Use(1);
            ComparisonReport.Print(bench.Network, bench.Batch, contenders.Select(c => c.Name).ToArray(), wall, cpu);
            bench.Cleanup();
        }
    }
}
