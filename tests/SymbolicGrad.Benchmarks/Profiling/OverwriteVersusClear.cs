using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--overwrite</c>: each product the 784-512-512-10 step writes into a fresh buffer (batch 256), and the batch-1
/// matrix–vector forms, as the overwriting kernel (<c>Kernels.MatMulABt</c>, …) and as what it replaced (clearing C on
/// the calling thread, then the Add form), interleaved sample by sample: on one thread by thread CPU time, on every
/// core by the wall clock. Ratios are clear+add ÷ overwrite (above 1: the overwrite is faster). Then the whole deep
/// step, generated with the switch on and off (<see cref="KernelSwitches.OverwritingProducts"/>), and hand-written.
/// </summary>
internal static class OverwriteVersusClear
{
    private sealed record Product(string Name, int M, int N, int K, Action<float[], float[], float[]> Overwrite, Action<float[], float[], float[]> Add);

    public static void Run()
    {
        Product[] products =
        [
            new("Y1 = X·W1ᵀ", 256, 512, 784, (a, b, c) => Kernels.MatMulABt(a, b, c, 256, 512, 784), (a, b, c) => Kernels.MatMulAddABt(a, b, c, 256, 512, 784)),
            new("Y2 = A1·W2ᵀ", 256, 512, 512, (a, b, c) => Kernels.MatMulABt(a, b, c, 256, 512, 512), (a, b, c) => Kernels.MatMulAddABt(a, b, c, 256, 512, 512)),
            new("Y3 = A2·W3ᵀ (dot)", 256, 10, 512, (a, b, c) => Kernels.MatMulABt(a, b, c, 256, 10, 512), (a, b, c) => Kernels.MatMulAddABt(a, b, c, 256, 10, 512)),
            new("dA2 = dY3·W3", 256, 512, 10, (a, b, c) => Kernels.MatMul(a, b, c, 256, 512, 10), (a, b, c) => Kernels.MatMulAdd(a, b, c, 256, 512, 10)),
            new("dA1 = dY2·W2", 256, 512, 512, (a, b, c) => Kernels.MatMul(a, b, c, 256, 512, 512), (a, b, c) => Kernels.MatMulAdd(a, b, c, 256, 512, 512)),
            new("y = W1·x (batch 1)", 1, 512, 784, (a, b, c) => Kernels.MatVec(b, 512, 784, a, c), (a, b, c) => Kernels.MatVecAdd(b, 512, 784, a, c)),
            new("g = W2ᵀ·d (batch 1)", 1, 512, 512, (a, b, c) => Kernels.MatTVec(b, 512, 512, a, c), (a, b, c) => Kernels.MatTVecAdd(b, 512, 512, a, c)),
        ];

        int cores = Environment.ProcessorCount;
        int saved = Parallelism.MaxThreads;
        Console.WriteLine($"clear + Add form vs overwriting form; median of 41 interleaved samples; load {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"{"product",-22} {"m×n×k",-13} {"1 thread: clear+add µs",23} {"overwrite µs",13} {"ratio",6}   {cores + " threads: clear+add µs",23} {"overwrite µs",13} {"ratio",6}");
        try
        {
            foreach (var p in products)
            {
                var a = Random(p.M * p.K, 1);
                var b = Random(p.N * p.K, 2);
                var c = new float[p.M * p.N];
                void Added()
                {
                    c.AsSpan().Clear();
                    p.Add(a, b, c);
                }

                void Written() => p.Overwrite(a, b, c);
                Parallelism.MaxThreads = 1;
                ProfileTimer.Wall = false;
                var one = ProfileTimer.Compare(Added, Written);
                Parallelism.MaxThreads = cores;
                ProfileTimer.Wall = true;
                var all = ProfileTimer.Compare(Added, Written);
                Console.WriteLine($"{p.Name,-22} {$"{p.M}×{p.N}×{p.K}",-13} {one.A,23:F1} {one.B,13:F1} {one.Ratio,6:F3}   {all.A,23:F1} {all.B,13:F1} {all.Ratio,6:F3}");
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            ProfileTimer.Wall = false;
        }

        DeepStep(cores);
    }

    // The whole generated step of 784-512-512-10 at batch 256 (and the hand-written one, on the same kernels) with the
    // overwriting products on, and switched back to clear-then-add (KernelSwitches), interleaved.
    private static void DeepStep(int cores)
    {
        var bench = new DeepMlpStepBenchmarks { Batch = 256 };
        bench.Setup();
        int saved = Parallelism.MaxThreads;
        try
        {
            Console.WriteLine();
            Console.WriteLine($"deep MLP step 784-512-512-10, batch 256: clear+add ÷ overwrite (above 1: the overwrite is faster); load {File.ReadAllText("/proc/loadavg").Trim()}");
            foreach (int threads in new[] { 1, cores })
            {
                Parallelism.MaxThreads = threads;
                ProfileTimer.Wall = threads > 1;
                string clock = threads > 1 ? "wall clock" : "thread CPU time";
                var generated = ProfileTimer.Compare(Switched(false, () => bench.Generated()), Switched(true, () => bench.Generated()));
                Console.WriteLine($"generated step, {threads} thread(s), {clock}: clear+add {generated.A:F0} µs, overwrite {generated.B:F0} µs, ratio {generated.Ratio:F3}");
                var hand = ProfileTimer.Compare(Switched(true, () => bench.HandWritten()), Switched(true, () => bench.Generated()));
                Console.WriteLine($"  overwrite on: hand-written {hand.A:F0} µs, generated {hand.B:F0} µs, hand ÷ generated {hand.Ratio:F3}");
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            ProfileTimer.Wall = false;
            KernelSwitches.OverwritingProducts = true;
        }
    }

    private static Action Switched(bool overwrite, Action step) => () =>
    {
        KernelSwitches.OverwritingProducts = overwrite;
        step();
    };

    private static float[] Random(int n, int seed)
    {
        var random = new Random(seed);
        var data = new float[n];
        for (int i = 0; i < n; i++)
        {
            data[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return data;
    }
}
