using SymbolicGrad.Benchmarks.Training;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--count gen|hand batch|deep warm steps</c>: one variant of the training step alone on one thread — set up, warmed
/// (twice <c>warm</c> steps, a pause between for tiered compilation), then <c>steps</c> steps — for a whole-process
/// counter such as <c>valgrind --tool=cachegrind --cache-sim=no</c>. Instructions do not depend on the machine's load:
/// the difference between two runs with different <c>steps</c>, divided by the difference, is the instructions per step.
/// </summary>
internal static class StepCount
{
    public static void Run(string variant, string size, int warm, int steps)
    {
        TrainingStepBenchmarks bench = size == "deep"
            ? new DeepMlpStepBenchmarks { Batch = 256 }
            : new SmallMlpStepBenchmarks { Batch = int.Parse(size, System.Globalization.CultureInfo.InvariantCulture) };
        bench.Setup();
        Parallelism.MaxThreads = 1;
        Func<float> step = variant switch
        {
            "gen" => bench.Generated,
            "hand" => bench.HandWritten,
            _ => throw new ArgumentException($"--count: the variant is gen or hand, not '{variant}'."),
        };
        for (int i = 0; i < warm; i++) step();
        Thread.Sleep(300);
        for (int i = 0; i < warm; i++) step();
        long start = ThreadCpuClock.Instance.GetTimestamp();
        for (int i = 0; i < steps; i++) step();
        long end = ThreadCpuClock.Instance.GetTimestamp();
        Console.WriteLine($"{variant} {size}: {steps} steps, {(end - start) * 1e-3 / Math.Max(1, steps):F2} µs of thread CPU time each; Kernels.IsAccelerated = {SymbolicGrad.CompilerServices.Kernels.IsAccelerated}");
    }
}
