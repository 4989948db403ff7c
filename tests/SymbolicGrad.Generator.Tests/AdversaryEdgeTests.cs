using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Inputs a demanding user passes that the hand-picked tests do not: empty arrays and vectors, 1×1 matrices, NaN and
/// ±∞ through loops whose trip count depends on them, and Hessian buffers of the wrong length. The generated forward
/// value must be the user's method's, bit for bit; a refused call must leave the caller's buffers as they were.
/// </summary>
public sealed class AdversaryEdgeTests
{
    private const string Source = """
        using System;
        using SymbolicGrad;

        namespace Adversary;

        public static partial class Edges
        {
            [Differentiable]
            public static double Horner(double[] c, double x) { double p = 0; for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i]; return p; }

            [Differentiable]
            public static double MeanSquare(ReadOnlySpan<double> a) { double s = 0; foreach (double v in a) s += v * v; return s / a.Length; }

            // The trip count depends on the differentiable value: NaN never enters, +∞ leaves after one trip.
            [Differentiable]
            public static double Doubling(double x) { double s = 1; int n = 0; while (s < 100 && n < 50) { s = s * 2 + x; n++; } return s; }

            [Differentiable(Hessian = true)]
            public static double Bowl(double x, double y) => x * x * y + Math.Exp(y);

            [Differentiable]
            public static float Affine(Mat W, Vec x, Vec b) => Ops.Sum(W * x + b);

            [Differentiable]
            public static float SelfDot(Vec w) => Ops.Dot(w, w);

            public static double[] HornerAll(double[] c, double x)
            {
                var dC = new double[c.Length];
                double value = HornerGradient(c, x, dC, out double dX);
                var all = new double[c.Length + 2];
                all[0] = value; all[1] = dX; dC.CopyTo(all, 2);
                return all;
            }

            public static double[] MeanSquareAll(double[] a)
            {
                var dA = new double[a.Length];
                double value = MeanSquareGradient(a, dA);
                var all = new double[a.Length + 1];
                all[0] = value; dA.CopyTo(all, 1);
                return all;
            }

            public static double[] DoublingAll(double x) { double value = DoublingGradient(x, out double dX); return new[] { value, dX }; }

            public static double[] BowlWith(int gradientLength, int hessianLength)
            {
                var gradient = new double[gradientLength];
                var hessian = new double[hessianLength];
                Array.Fill(gradient, 7.0);
                Array.Fill(hessian, 7.0);
                try { BowlHessian(1.5, -0.5, gradient, hessian); }
                catch (ArgumentException) { }
                var all = new double[gradientLength + hessianLength];
                gradient.CopyTo(all, 0);
                hessian.CopyTo(all, gradientLength);
                return all;
            }

            public static float[] AffineAll(float w, float x, float b)
            {
                var dW = new Mat(new float[1], 1, 1);
                var dX = new Vec(new float[1]);
                var dB = new Vec(new float[1]);
                float value = AffineGradient(new Mat(new[] { w }, 1, 1), new Vec(new[] { x }), new Vec(new[] { b }), dW, dX, dB);
                return new[] { value, dW[0, 0], dX[0], dB[0] };
            }

            public static float SelfDotOfNothing() => SelfDotGradient(new Vec(Array.Empty<float>()), new Vec(Array.Empty<float>()));
        }
        """;

    private static readonly Lazy<LoadedAssembly> Compiled = new(() => LoadedAssembly.Emit(GeneratorHarness.Run(Source).AssertClean().OutputCompilation));

    private static object? Call(string method, params object[] args) =>
        Compiled.Value.Type("Adversary.Edges").GetMethod(method)!.Invoke(null, args);

    private static double User(string method, params object[] args) => (double)Call(method, args)!;

    private static void SameBits(double expected, double actual, string what) =>
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"{what}: generated {actual:R}, the user's method {expected:R}");

    [Fact]
    public void An_empty_array_gives_the_users_value_and_an_empty_gradient()
    {
        var all = (double[])Call("HornerAll", Array.Empty<double>(), 3.0)!;
        Assert.Equal([0.0, 0.0], all);
        SameBits(User("Horner", Array.Empty<double>(), 3.0), all[0], "Horner([], 3)");
    }

    [Fact]
    public void The_mean_of_an_empty_span_is_the_users_NaN()
    {
        var all = (double[])Call("MeanSquareAll", Array.Empty<double>())!;
        Assert.Single(all);
        Assert.True(double.IsNaN(all[0]), $"MeanSquare([]) gave {all[0]}, not NaN (0 / 0)");
        var some = (double[])Call("MeanSquareAll", new[] { 0.5, -1.5 })!;
        Assert.Equal([1.25, 0.5, -1.5], some); // (0.25 + 2.25) / 2, d/da = 2a / 2
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(-0.0)]
    [InlineData(double.MaxValue)]
    [InlineData(-1.0)] // s stays 1 + … : 1 → 1 → …, the counter ends the loop
    public void Loops_whose_trips_depend_on_NaN_or_infinity_give_the_users_bits(double x)
    {
        var all = (double[])Call("DoublingAll", x)!;
        SameBits(User("Doubling", x), all[0], $"Doubling({x})");
        SameBits(User("Horner", new[] { 1.0, x, -2.0 }, x), ((double[])Call("HornerAll", new[] { 1.0, x, -2.0 }, x)!)[0], $"Horner(.., {x})");
    }

    [Fact]
    public void The_trips_taken_are_differentiated()
    {
        // x = 10: s = 1 → 12 → 34 → 78 → 166, four trips: ds/dx = 1 + 2 + 4 + 8 = 15.
        Assert.Equal([166.0, 15.0], (double[])Call("DoublingAll", 10.0)!);
        // x = −1: s = 1 forever, fifty trips: ds/dx = 2⁵⁰ − 1.
        Assert.Equal([1.0, Math.Pow(2, 50) - 1], (double[])Call("DoublingAll", -1.0)!);
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 3)]
    [InlineData(3, 4)]
    [InlineData(0, 0)]
    public void A_Hessian_with_buffers_of_the_wrong_length_writes_nothing(int gradientLength, int hessianLength)
    {
        var all = (double[])Call("BowlWith", gradientLength, hessianLength)!;
        Assert.All(all, v => Assert.Equal(7.0, v));
    }

    [Fact]
    public void The_Hessian_with_the_right_buffers_is_exact()
    {
        // f = x²y + eʸ at (1.5, −0.5): ∇f = (2xy, x² + eʸ), H = [[2y, 2x], [2x, eʸ]].
        var all = (double[])Call("BowlWith", 2, 4)!;
        Assert.Equal([-1.5, 2.25 + Math.Exp(-0.5), -1.0, 3.0, 3.0, Math.Exp(-0.5)], all);
    }

    [Fact]
    public void One_by_one_matrices_and_empty_vectors_work()
    {
        Assert.Equal([2f * 3f + 0.5f, 3f, 2f, 1f], (float[])Call("AffineAll", 2f, 3f, 0.5f)!);
        Assert.Equal(0f, (float)Call("SelfDotOfNothing")!);
    }

    [Fact]
    public void Loop_code_whose_names_are_the_tapes_and_counters_compiles_and_differentiates()
    {
        // Parameters and locals named like the generated tape's type (FTape), its per-thread field (_FTape) and counters.
        using var assembly = LoadedAssembly.Emit(GeneratorHarness.Run("""
            using System;
            using SymbolicGrad;

            namespace Adversary;

            public static partial class Clash
            {
                [Differentiable]
                public static double F(double[] tape, double FTape, double trips)
                {
                    double _FTape = 0;
                    int k = 0;
                    for (int i = 0; i < tape.Length; i++)
                    {
                        if (tape[i] * FTape > 100) break;
                        _FTape = _FTape * FTape + tape[i] * trips;
                    }
                    while (_FTape < 50 && k < 4) { _FTape = _FTape * 2 + trips; k++; }
                    return _FTape;
                }

                public static double[] All(double[] c, double q, double t)
                {
                    var d = new double[c.Length];
                    double value = FGradient(c, q, t, d, out double dq, out double dt);
                    return new[] { value, dq, dt, d[0], d[1] };
                }
            }
            """).AssertClean().OutputCompilation);
        // tape = (1, 2), q = 0.5, t = 3: the for loop gives (t·q + 2t) = 7.5, three doublings (+t) give 81;
        // ∂/∂q = t·8 = 24, ∂/∂t = (q + 2)·8 + 7 = 27, ∂/∂tape = (t·q, t)·8 = (12, 24).
        var all = (double[])assembly.Type("Adversary.Clash").GetMethod("All")!.Invoke(null, [new[] { 1.0, 2.0 }, 0.5, 3.0])!;
        Assert.Equal([81.0, 24.0, 27.0, 12.0, 24.0], all);
    }
}
