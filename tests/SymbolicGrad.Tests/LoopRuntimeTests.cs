using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>
/// What loop gradients promise at run time: no allocation once the per-thread tape is warm, the same bits when several
/// threads call one taped gradient at once as when they run one after another, and a million iterations on a heap tape
/// (no stack overflow, even on a small stack) that match the closed form.
/// </summary>
public sealed class LoopRuntimeTests
{
    private const int Million = 1_000_000;

    [Fact]
    public void Loop_gradients_allocate_nothing_once_warm()
    {
        var random = new Random(3);
        double[] a = Values(random, 64), b = Values(random, 64), da = new double[64], db = new double[64];
        float[] c = a.Select(v => (float)v).ToArray(), dc = new float[64];

        // Each lambda calls one gradient: untaped (Dot, SpanWeightedSum), taped (Horner, FloatPolynomial, Rotation),
        // taped with inner trip counts (NestedLoops), with an early return (ReturnInsideLoop).
        var calls = new (string Name, Action Call)[]
        {
            ("Dot", () => Loops.DotGradient(a, b, da, db)),
            ("SpanWeightedSum", () => Loops.SpanWeightedSumGradient(a, b, da)),
            ("Horner", () => Loops.HornerGradient(a, 0.5, da, out _)),
            ("FloatPolynomial", () => Loops.FloatPolynomialGradient(c, 0.5f, dc, out _)),
            ("NestedLoops", () => Loops.NestedLoopsGradient(a, 0.5, da, out _)),
            ("Rotation", () => Loops.RotationGradient(0.1, 500, out _)),
            ("ReturnInsideLoop", () => Loops.ReturnInsideLoopGradient(a, 0.25, da, out _)),
        };
        foreach (var (name, call) in calls)
        {
            call(); // grows this thread's tape
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 100; k++) call();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{name}Gradient allocated {allocated} bytes in 100 warm calls");
        }
    }

    [Fact]
    public void A_tape_grown_for_many_iterations_serves_fewer_without_allocating()
    {
        var c = Enumerable.Repeat(0.5, 100_000).ToArray();
        var dc = new double[c.Length];
        Loops.HornerGradient(c, 0.999, dc, out _);
        var shorter = c[..1000];
        var dShorter = new double[shorter.Length];
        long before = GC.GetAllocatedBytesForCurrentThread();
        double value = Loops.HornerGradient(shorter, 0.999, dShorter, out double dx);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        // The short call reads only its own iterations from the longer tape.
        Assert.Equal(Loops.Horner(shorter, 0.999), value);
        var fresh = new double[shorter.Length];
        Loops.HornerGradient(shorter, 0.999, fresh, out double again);
        Assert.Equal(again, dx);
        Assert.Equal(fresh, dShorter);
        Assert.Equal(Math.Pow(0.999, 999), dShorter[999], 1e-12);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Threads_calling_one_taped_gradient_at_once_get_the_sequential_bits(int threads)
    {
        // Each thread has its own inputs and lengths (so tapes grow at different times) and runs many rounds.
        const int rounds = 200;
        var inputs = Enumerable.Range(0, threads).Select(t =>
        {
            var random = new Random(100 + t);
            return (C: Values(random, 200 + 137 * t), X: 0.9 + 0.02 * t, N: 50 + 10 * t);
        }).ToArray();
        var expected = inputs.Select(Run).ToArray();

        var results = new Result[threads];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            Result last = default!;
            for (int r = 0; r < rounds; r++)
            {
                last = Run(inputs[t]);
                if (!last.Equals(expected[t])) break;
            }
            results[t] = last;
        })).ToArray();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();

        for (int t = 0; t < threads; t++) Assert.Equal(expected[t], results[t]);
    }

    [Fact]
    public void A_million_iterations_of_Horner_match_the_closed_form_on_a_small_stack()
    {
        // p(x) = Σ x^i = (1 − x^N)/(1 − x); ∂p/∂c_i = x^i; ∂p/∂x = Σ i·x^(i−1).
        const double x = 1 - 1e-6;
        var c = Enumerable.Repeat(1.0, Million).ToArray();
        var dc = new double[Million];
        double value = 0, dx = 0;
        // The tape lives on the heap: a thread with a 256 KB stack runs the million iterations.
        var thread = new Thread(() => value = Loops.HornerGradient(c, x, dc, out dx), 256 * 1024);
        thread.Start();
        thread.Join();

        double xn = Math.Pow(x, Million);
        double closedValue = (1 - xn) / (1 - x);
        double closedSlope = (1 - xn - Million * Math.Pow(x, Million - 1) * (1 - x)) / ((1 - x) * (1 - x));
        Assert.Equal(Loops.Horner(c, x), value);
        Assert.Equal(closedValue, value, closedValue * 1e-9);
        Assert.Equal(closedSlope, dx, closedSlope * 1e-8);
        foreach (int i in new[] { 0, 1, 12_345, Million / 2, Million - 1 })
            Assert.Equal(Math.Pow(x, i), dc[i], 1e-9);
    }

    [Fact]
    public void A_million_rotations_carrying_two_values_match_the_closed_form()
    {
        // After n turns by x: u + 2v = cos nx + 2 sin nx, so the derivative is n(2 cos nx − sin nx).
        const double x = 1e-5;
        double value = 0, dx = 0;
        var thread = new Thread(() => value = Loops.RotationGradient(x, Million, out dx), 256 * 1024);
        thread.Start();
        thread.Join();

        double nx = Million * x;
        Assert.Equal(Loops.Rotation(x, Million), value);
        Assert.Equal(Math.Cos(nx) + 2 * Math.Sin(nx), value, 1e-8);
        Assert.Equal(Million * (2 * Math.Cos(nx) - Math.Sin(nx)), dx, Million * 1e-8);
    }

    private sealed record Result(double Value, double Dx, double[] Dc, double Rotation, double DRotation)
    {
        public bool Equals(Result? other) =>
            other is not null && BitConverter.DoubleToInt64Bits(Value) == BitConverter.DoubleToInt64Bits(other.Value) &&
            BitConverter.DoubleToInt64Bits(Dx) == BitConverter.DoubleToInt64Bits(other.Dx) && Dc.SequenceEqual(other.Dc) &&
            BitConverter.DoubleToInt64Bits(Rotation) == BitConverter.DoubleToInt64Bits(other.Rotation) &&
            BitConverter.DoubleToInt64Bits(DRotation) == BitConverter.DoubleToInt64Bits(other.DRotation);

        public override int GetHashCode() => Value.GetHashCode();
    }

    private static Result Run((double[] C, double X, int N) input)
    {
        var dc = new double[input.C.Length];
        double value = Loops.HornerGradient(input.C, input.X, dc, out double dx);
        double rotation = Loops.RotationGradient(input.X, input.N, out double dRotation);
        return new Result(value, dx, dc, rotation, dRotation);
    }

    private static double[] Values(Random random, int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
}
