using System.Runtime.InteropServices;
using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--packing</c>: for each product of the 784-512-512-10 step and of the 784-128-10 step at batch 256, on one thread
/// (thread CPU time): the whole packed product, packing all of op(A) alone and all of op(B) alone (what the product packs
/// at least once), and what each of two threads runs of it (<see cref="GemmJob{TStore}.RunShare"/>), interleaved; the
/// fastest and the 10th percentile of many one-call samples (on a loaded machine the fastest are the least disturbed).
/// </summary>
internal static class GemmPacking
{
    private const int Samples = 201;
    private const double SampleSeconds = 0.0002;

    public static void Run()
    {
        (string Name, string Layout, int M, int N, int K)[] shapes =
        [
            ("deep Y1 += X·W1ᵀ", "ABt", 256, 512, 784),
            ("deep Y2 += A1·W2ᵀ", "ABt", 256, 512, 512),
            ("deep dA1 += dY2·W2", "AB", 256, 512, 512),
            ("deep W1 ← mom(dY1ᵀ·X)", "AtBMomentum", 512, 784, 256),
            ("deep W2 ← mom(dY2ᵀ·A1)", "AtBMomentum", 512, 512, 256),
            ("b256 Y1 += X·W1ᵀ", "ABt", 256, 128, 784),
            ("b256 W1 ← mom(dY1ᵀ·X)", "AtBMomentum", 128, 784, 256),
        ];
        Console.WriteLine($"one thread, thread CPU time, µs per call: fastest / 10th percentile of {Samples} interleaved samples of one call (short samples: on a loaded machine the fastest are those no other process disturbed); load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine("whole: the product on one thread; pack op(A), op(B): packing all of that operand alone (what the product packs at least once); share 0, 1: what each of 2 threads runs (its half of the shared operand's packing, then its chunks)");
        Console.WriteLine($"{"product",-24} {"m×n×k",-12} {"whole",17} {"pack op(A)",15} {"pack op(B)",15} {"share 0",17} {"share 1",17}");
        foreach (var (name, layout, m, n, k) in shapes)
        {
            var random = new Random(5);
            var a = GemmBenchmarks.Fill(random, m * k);
            // op(B) on a cache line (X's rows from TrainingData are), so a row-major one is read in place.
            float[]? bBuffer = null;
            ref float bStart = ref AlignedBuffer.Rent(ref bBuffer, k * n);
            var b = bBuffer!;
            int bAt = (int)(System.Runtime.CompilerServices.Unsafe.ByteOffset(ref b[0], ref bStart) / sizeof(float));
            GemmBenchmarks.Fill(random, k * n).CopyTo(b, bAt);
            var c = new float[m * n];
            var velocity = new float[m * n];
            var shared = new float[PackedGemm.SharedLength(PackedGemm.SharedOperand.A, m, n, k) + PackedGemm.SharedLength(PackedGemm.SharedOperand.B, m, n, k)];
            (nint aRow, nint aCol, nint bRow, nint bCol) = layout switch
            {
                "ABt" => ((nint)k, (nint)1, (nint)1, (nint)k),
                "AB" => (k, 1, n, 1),
                _ => (1, m, n, 1),
            };

            bool momentum = layout == "AtBMomentum";
            var store = new MomentumStore(1e-6f, 0.9f);
            void Whole()
            {
                if (momentum)
                {
                    PackedGemm.Run(ref a[0], aRow, aCol, ref b[bAt], bRow, bCol, ref c[0], ref velocity[0], n, m, n, k, 1f / 256, store);
                }
                else
                {
                    PackedGemm.Run(ref a[0], aRow, aCol, ref b[bAt], bRow, bCol, ref c[0], n, m, n, k, 1f);
                }
            }

            void Share(int part)
            {
                if (momentum)
                {
                    GemmJob<MomentumStore>.RunShare(2, part, false, ref a[0], aRow, aCol, ref b[bAt], bRow, bCol, ref c[0], ref velocity[0], n, m, n, k, 1f / 256, store);
                }
                else
                {
                    GemmJob<AddStore>.RunShare(2, part, false, ref a[0], aRow, aCol, ref b[bAt], bRow, bCol, ref c[0], ref c[0], n, m, n, k, 1f, default);
                }
            }

            void PackA() => PackedGemm.PackShared(PackedGemm.SharedOperand.A, ref a[0], aRow, aCol, ref b[bAt], bRow, bCol, m, n, k, 0, m, ref shared[0]);
            void PackB() => PackedGemm.PackShared(PackedGemm.SharedOperand.B, ref a[0], aRow, aCol, ref b[bAt], bRow, bCol, m, n, k, 0, n, ref shared[0]);

            void Off(Action action)
            {
                KernelSwitches.RowsOfBInPlace = false;
                action();
                KernelSwitches.RowsOfBInPlace = true;
            }

            bool inPlace = PackedGemm.ReadsBInPlace(ref b[bAt], bRow, bCol, m, n);
            var t = Time(inPlace ? [Whole, PackA, PackB, () => Share(0), () => Share(1), () => Off(Whole), () => Off(() => Share(0)), () => Off(() => Share(1))] : [Whole, PackA, PackB, () => Share(0), () => Share(1)]);
            Console.WriteLine($"{name,-24} {$"{m}×{n}×{k}",-12} {Show(t[0]),17} {Show(t[1]),15} {Show(t[2]),15} {Show(t[3]),17} {Show(t[4]),17}  " +
                $"packing {(t[1].Best + t[2].Best) / t[0].Best:P0} of the whole; shares together {(t[3].Best + t[4].Best) / t[0].Best:P0} / {(t[3].Median + t[4].Median) / t[0].Median:P0} of the whole, {Math.Max(t[3].Best, t[4].Best) / Math.Min(t[3].Best, t[4].Best) - 1:P0} apart");
            if (inPlace)
            {
                Console.WriteLine($"{"  B packed (switch off)",-24} {"",-12} {Show(t[5]),17} {"",15} {"",15} {Show(t[6]),17} {Show(t[7]),17}  in place ÷ packed: whole {t[0].Best / t[5].Best:F3} / {t[0].Median / t[5].Median:F3}, slower share {Math.Max(t[3].Best, t[4].Best) / Math.Max(t[6].Best, t[7].Best):F3} / {Math.Max(t[3].Median, t[4].Median) / Math.Max(t[6].Median, t[7].Median):F3}");
            }
        }

        static string Show((double Best, double Median) t) => $"{t.Best,7:F1} / {t.Median,7:F1}";
    }

    private static (double Best, double Median)[] Time(Action[] actions)
    {
        Parallelism.MaxThreads = 1;
        var reps = new int[actions.Length];
        for (int i = 0; i < actions.Length; i++)
        {
            for (int w = 0; w < 20; w++)
            {
                actions[i]();
            }

            long start = ThreadCpuClock.Instance.GetTimestamp();
            actions[i]();
            double once = (ThreadCpuClock.Instance.GetTimestamp() - start) * 1e-9;
            reps[i] = (int)Math.Clamp(SampleSeconds / Math.Max(once, 1e-7), 1, 100_000);
        }

        var samples = new double[actions.Length][];
        for (int i = 0; i < actions.Length; i++)
        {
            samples[i] = new double[Samples];
        }

        for (int s = 0; s < Samples; s++)
        {
            // The order alternates: whichever runs second after a switch of product was seen to run slower.
            for (int o = 0; o < actions.Length; o++)
            {
                int i = s % 2 == 0 ? o : actions.Length - 1 - o;
                long start = ThreadCpuClock.Instance.GetTimestamp();
                for (int r = 0; r < reps[i]; r++)
                {
                    actions[i]();
                }

                samples[i][s] = (ThreadCpuClock.Instance.GetTimestamp() - start) * 1e-3 / reps[i];
            }
        }

        Parallelism.MaxThreads = Environment.ProcessorCount;
        return samples.Select(x =>
        {
            Array.Sort(x);
            return (x[0], x[Samples / 10]);
        }).ToArray();
    }
}
