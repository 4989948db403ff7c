using SymbolicGrad.Benchmarks.Training;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// One of the four training steps the comparisons time: <see cref="Key"/> names it on a child's command line,
/// <see cref="TorchThreadCount"/> is libtorch's intra-op thread count to set before timing it (0: not a TorchSharp step).
/// </summary>
internal sealed record Contender(string Key, string Name, Action Step, int TorchThreadCount)
{
    /// <summary>The keys, in the order <see cref="For"/> lists the contenders.</summary>
    public static readonly string[] Keys = ["generated", "hand", "torch1", "torchN"];

    /// <summary>The benchmark of one size: "1", "16", "64", "256" (784-128-10 at that batch) or "deep" (784-512-512-10 at 256), not yet set up.</summary>
    public static TorchSharpStepBenchmarks Benchmark(string size) => size == "deep"
        ? new DeepMlpTorchSharpBenchmarks { Batch = 256 }
        : new SmallMlpTorchSharpBenchmarks { Batch = int.Parse(size, System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>The four steps of a set-up benchmark: generated, hand-written (ours on every core), TorchSharp on 1 and on every core.</summary>
    public static Contender[] For(TorchSharpStepBenchmarks bench)
    {
        int cores = Environment.ProcessorCount;
        return
        [
            new("generated", "generated", () => bench.Generated(), 0),
            new("hand", "hand-written", () => bench.HandWritten(), 0),
            new("torch1", "TorchSharp 1 thread", () => bench.TorchSharp(), 1),
            new("torchN", $"TorchSharp {cores} threads", () => bench.TorchSharpAllCores(), cores),
        ];
    }

    /// <summary>Sets libtorch's threads for this step (a TorchSharp one), then nothing else.</summary>
    public void Prepare()
    {
        if (TorchThreadCount > 0) TorchThreads.Use(TorchThreadCount);
    }
}
