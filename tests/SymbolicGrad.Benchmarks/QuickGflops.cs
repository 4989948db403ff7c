using System.Diagnostics;

namespace SymbolicGrad.Benchmarks;

/// <summary>A fast Stopwatch measurement of the GEMM benchmarks (median of repeated runs), printed as GFLOP/s.</summary>
internal static class QuickGflops
{
    internal static void Run()
    {
        var bench = new GemmBenchmarks();
        bench.Setup();
        Console.WriteLine($"Kernels.IsAccelerated = {Kernels.IsAccelerated}");
        Measure("C += A·Bᵀ  (forward, dot kernel)", bench.ForwardABt);
        Measure("C += A·Bᵀ  (forward, packed 6×16)", bench.ForwardABtPacked);
        Measure("C += A·B   (input gradient)", bench.BackwardAB);
        Measure("C += Aᵀ·B  (weight gradient)", bench.WeightGradAtB);
    }

    private static void Measure(string name, Action action)
    {
        for (int i = 0; i < 20; i++)
        {
            action();
        }

        var samples = new double[31];
        for (int s = 0; s < samples.Length; s++)
        {
            const int reps = 10;
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < reps; i++)
            {
                action();
            }

            samples[s] = Stopwatch.GetElapsedTime(start).TotalSeconds / reps;
        }

        Array.Sort(samples);
        double median = samples[samples.Length / 2];
        double best = samples[0];
        Console.WriteLine($"{name,-36} median {median * 1e3,7:F3} ms  {GemmBenchmarks.Flops / median / 1e9,6:F1} GFLOP/s  (best {GemmBenchmarks.Flops / best / 1e9,5:F1})");
    }
}
