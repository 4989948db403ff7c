namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>Prints one size's result of a block comparison: per contender the median µs per step, samples/s and CPU µs, then the ratios.</summary>
internal static class ComparisonReport
{
    /// <summary>
    /// <paramref name="wall"/>[c][k] and <paramref name="cpu"/>[c][k]: contender c's median µs per step in round k (wall
    /// clock, process CPU time); the contenders in <see cref="Contender.Keys"/> order.
    /// </summary>
    public static void Print(string network, int batch, string[] names, double[][] wall, double[][] cpu)
    {
        Console.WriteLine($"=== {network}, batch {batch} (load {BlockTimer.Load()}) ===");
        Console.WriteLine($"{"",-22} {"wall µs/step",13} {"samples/s",11} {"CPU µs/step",12}   per round (wall µs)");
        for (int c = 0; c < names.Length; c++)
        {
            double median = BlockTimer.Median(wall[c]);
            Console.WriteLine($"{names[c],-22} {median,13:F1} {batch / median * 1e6,11:N0} {BlockTimer.Median(cpu[c]),12:F1}   " +
                string.Join(" ", wall[c].Select(v => v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture))));
        }

        int rounds = wall[0].Length;
        var versusBest = Enumerable.Range(0, rounds).Select(k => Math.Min(wall[2][k], wall[3][k]) / wall[0][k]);
        var versusHand = Enumerable.Range(0, rounds).Select(k => wall[1][k] / wall[0][k]);
        double best = Math.Min(BlockTimer.Median(wall[2]), BlockTimer.Median(wall[3]));
        Console.WriteLine($"generated ÷ TorchSharp's best: {best / BlockTimer.Median(wall[0]):F2}× (median of per-round ratios {BlockTimer.Median(versusBest):F2}×); " +
            $"generated ÷ hand-written: {BlockTimer.Median(wall[1]) / BlockTimer.Median(wall[0]):F3} (per-round {BlockTimer.Median(versusHand):F3}, range {versusHand.Min():F3}–{versusHand.Max():F3})");
        Console.WriteLine();
    }
}
