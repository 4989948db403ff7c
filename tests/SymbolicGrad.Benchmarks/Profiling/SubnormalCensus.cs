using System.Runtime.Intrinsics;
using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--denormals [--threads N] [--steps S] [--window W] [batch…]</c>: trains the 784-128-10 MLP with momentum and, after
/// every window of W steps, prints the time per step (thread CPU time on one thread, else wall clock) and how many
/// subnormal floats (0 &lt; |x| &lt; 2⁻¹²⁶) each buffer holds: the velocity, the parameters, the gradient of an unfused
/// copy (the fused step writes none for the weight matrices), the hand-written step's activations and deltas, and the
/// products the momentum rule forms from the velocity (βG, ηG). On Intel cores each operation that reads or writes a
/// subnormal takes a microcode assist unless FTZ/DAZ is set, which .NET cannot do.
/// </summary>
internal static class SubnormalCensus
{
    public static void Run(int[] batches, int threads, int steps, int window)
    {
        bool wall = threads > 1;
        Console.WriteLine($"Subnormal census, 784-128-10, momentum (η {0.01f}, β {0.9f}), {threads} thread(s), {(wall ? "wall clock" : "thread CPU time")}; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        foreach (int batch in batches)
        {
            var fused = new SmallMlpStepBenchmarks { Batch = batch };
            fused.Setup();
            var unfused = new SmallMlpStepBenchmarks { Batch = batch, FusedUpdate = false };
            unfused.Setup();
            Parallelism.MaxThreads = threads;

            Console.WriteLine();
            Console.WriteLine($"=== batch {batch} ===");
            Console.WriteLine($"{"step",6} {"gen µs",8} {"hand µs",8} {"unfused",8} | subnormal: {"G",7} {"βG",7} {"ηG",7} {"G≤4ε",7} {"w",5} {"∇",5} {"a",5} {"δ",5} | G = 0 | hidden units on");
            for (int done = 0; done < steps; done += window)
            {
                double gen = Time(() => fused.Generated(), window, wall);
                double hand = Time(() => fused.HandWritten(), window, wall);
                double plain = Time(() => unfused.Generated(), window, wall);
                var (parameters, velocity, _, _) = fused.State;
                var (activations, deltas) = fused.HandBuffers;
                int beta = 0, eta = 0, stuck = 0, zero = 0;
                foreach (float v in velocity)
                {
                    if (v == 0f)
                    {
                        zero++;
                    }
                    else
                    {
                        beta += IsSubnormal(0.9f * v) ? 1 : 0;
                        eta += IsSubnormal(0.01f * v) ? 1 : 0;
                        stuck += MathF.Abs(v) <= 4 * float.Epsilon ? 1 : 0; // 0.9·kε rounds back to kε for k ≤ 4: stuck for ever
                    }
                }

                Console.WriteLine($"{done + window,6} {gen,8:F1} {hand,8:F1} {plain,8:F1} | {"",10} {Count(velocity),7} {beta,7} {eta,7} {stuck,7} " +
                    $"{Count(parameters.Values),5} {Count(unfused.State.Generated.Gradients),5} {activations.Sum(a => Count(a)),5} {deltas.Sum(d => Count(d)),5} | {zero} of {velocity.Length} | {Active(activations[0], batch)} of 128");
            }
        }
    }

    /// <summary>
    /// <c>--denormals --micro</c>: the momentum update of 100,352 elements (W1) with zero gradient, one thread, per regime
    /// of the velocity G it starts from (reset before each call): what a subnormal costs in each place of the rule.
    /// </summary>
    public static void Micro()
    {
        const int n = 784 * 128;
        Parallelism.MaxThreads = 1; // the update would otherwise split across the pool, which thread CPU time does not see
        var w = AlignedBuffer.AllocateArray(n);
        var v = AlignedBuffer.AllocateArray(n);
        var g = AlignedBuffer.AllocateArray(n);
        var start = new float[n];
        Array.Fill(w, 0.5f);
        Console.WriteLine($"Momentum update of {n} elements, g = 0, one thread, thread CPU time, ns per element; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        var regimes = new (string, float, bool)[]
        {
            ("G = 1e-3 (all normal)", 1e-3f, false),
            ("G = 0", 0f, false),
            ("G = 5e-37: ηG subnormal", 5e-37f, false),
            ("G = 1.25e-38: βG subnormal, flushed", 1.25e-38f, false),
            ("G = 3·2⁻¹⁴⁹, flushed on the way", 3 * float.Epsilon, false),
            ("G = 1e-3, unflushed formula", 1e-3f, true),
            ("G = 5e-37, unflushed formula", 5e-37f, true),
            ("G = 1.25e-38, unflushed formula", 1.25e-38f, true),
            ("G = 3·2⁻¹⁴⁹, unflushed formula", 3 * float.Epsilon, true),
        };

        // Twice through: the first pass also lets the JIT finish (tiered compilation), the second is printed.
        for (int pass = 0; pass < 2; pass++)
        foreach (var (name, g0, raw) in regimes)
        {
            Array.Fill(start, g0);
            double best = double.MaxValue;
            for (int rep = 0; rep < 60; rep++)
            {
                start.CopyTo(v, 0);
                long t = ThreadCpuClock.Instance.GetTimestamp();
                if (raw) Unflushed(w, v, g, 0.01f, 0.9f);
                else UpdateRules.Apply(UpdateKind.Momentum, w, v, g, 0.01f, 0.9f);
                best = Math.Min(best, ThreadCpuClock.Instance.GetTimestamp() - t);
            }

            if (pass == 1) Console.WriteLine($"{name,-40} {best / n,6:F2}");
        }
    }

    // The rule before the flush (G ← βG + g; w ← w − ηG), 8 lanes at a time.
    private static void Unflushed(float[] w, float[] v, float[] g, float eta, float beta)
    {
        var a = Vector256.Create(eta);
        var b = Vector256.Create(beta);
        ref float rw = ref w[0], rv = ref v[0], rg = ref g[0];
        for (int i = 0; i < w.Length; i += 8)
        {
            var vi = b * Vector256.LoadUnsafe(ref rv, (nuint)i) + Vector256.LoadUnsafe(ref rg, (nuint)i);
            vi.StoreUnsafe(ref rv, (nuint)i);
            (Vector256.LoadUnsafe(ref rw, (nuint)i) - a * vi).StoreUnsafe(ref rw, (nuint)i);
        }
    }

    // Hidden units positive for at least one sample of the last batch (ReLU on): the others get a zero gradient row.
    private static int Active(float[] hidden, int batch)
    {
        int on = 0;
        for (int j = 0; j < 128; j++)
        {
            bool any = false;
            for (int r = 0; r < batch; r++) any |= hidden[r * 128 + j] > 0f;
            on += any ? 1 : 0;
        }

        return on;
    }

    private static bool IsSubnormal(float x) => (BitConverter.SingleToInt32Bits(x) & 0x7FFF_FFFF) is > 0 and < 0x0080_0000;

    private static int Count(ReadOnlySpan<float> values)
    {
        int n = 0;
        foreach (float x in values) n += IsSubnormal(x) ? 1 : 0;
        return n;
    }

    // µs per step over `count` consecutive steps.
    private static double Time(Action step, int count, bool wall)
    {
        long Now() => wall ? System.Diagnostics.Stopwatch.GetTimestamp() * (1_000_000_000 / System.Diagnostics.Stopwatch.Frequency) : ThreadCpuClock.Instance.GetTimestamp();
        long start = Now();
        for (int i = 0; i < count; i++) step();
        return (Now() - start) * 1e-3 / count;
    }
}
