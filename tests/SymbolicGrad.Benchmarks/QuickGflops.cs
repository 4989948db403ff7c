using System.Diagnostics;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks;

/// <summary>
/// A fast Stopwatch measurement of the GEMM kernels (median and best of 101 samples), printed as GFLOP/s.
/// Shape: C is m × n, the inner dimension k (default the 784→128 layer at batch 256: m 256, n 128, k 784).
/// </summary>
internal static class QuickGflops
{
    internal static void Run(int m, int n, int k)
    {
        var random = new Random(1);
        var a = GemmBenchmarks.Fill(random, m * k);   // A m×k (also read as Aᵀ for Aᵀ·B, k×m)
        var b = GemmBenchmarks.Fill(random, k * n);   // B k×n (also read as Bᵀ for A·Bᵀ, n×k)
        var c = new float[m * n];
        double flops = 2.0 * m * n * k;
        Console.WriteLine($"Kernels.IsAccelerated = {Kernels.IsAccelerated}; C {m}×{n}, k {k}: {flops / 1e6:F1} MFLOP per call");
        Measure("C += A·Bᵀ  (public)", flops, () => Kernels.MatMulAddABt(a, b, c, m, n, k));
        if (Kernels.IsAccelerated)
        {
            Measure("C += A·Bᵀ  (packed 6×16)", flops, () => Kernels.MatMulAddABtPacked(a, b, c, m, n, k));
            Measure("C += A·Bᵀ  (dot 4×3)", flops, () => Kernels.MatMulAddABtDot(a, b, c, m, n, k));
        }

        Measure("C += A·B", flops, () => Kernels.MatMulAdd(a, b, c, m, n, k));
        Measure("C += Aᵀ·B", flops, () => Kernels.MatMulAddAtB(a, b, c, m, n, k));
    }

    private static void Measure(string name, double flops, Action action)
    {
        int reps = (int)Math.Clamp(2e6 / flops, 1, 10_000);
        // Warm up for half a second so tiered compilation has reached its optimized code.
        long warm = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warm).TotalSeconds < 0.5)
        {
            action();
        }

        var samples = new double[101];
        for (int s = 0; s < samples.Length; s++)
        {
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
        Console.WriteLine($"{name,-26} median {median * 1e6,9:F1} µs  {flops / median / 1e9,6:F1} GFLOP/s  (best {flops / best / 1e9,5:F1})");
    }
}
