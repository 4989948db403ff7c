using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>
/// Rule calls whose array is longer than the 256 elements a derivative buffer may take on the stack: the buffer is
/// rented from the shared pool and given back before the generated method returns, so warm calls allocate nothing and
/// two buffers alive at once (two calls, an array passed twice, a call inside a loop) never share memory.
/// </summary>
public sealed class LongArrayRuleTests
{
    public static TheoryData<int> Lengths => new() { 257, 1000, 100_000 };

    /// <summary>Values in [−1.6, 1.6) spread over both sides of every rounding point.</summary>
    private static double[] Array(int n, int seed)
    {
        var random = new Random(seed);
        var xs = new double[n];
        for (int i = 0; i < n; i++) xs[i] = 3.2 * random.NextDouble() - 1.6;
        return xs;
    }

    private static double SumOfSquares(double[] xs) => xs.Sum(x => x * x);

    /// <summary>Equal up to rounding: 1e-10 relative to the value, or to the sum of magnitudes a dot product adds up.</summary>
    private static void Near(double expected, double actual, double scale = 0)
    {
        double tolerance = 1e-10 * (1 + Math.Max(Math.Abs(expected), scale));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected:R}, got {actual:R} (tolerance {tolerance:G3})");
    }

    private static double Magnitudes(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += Math.Abs(a[i] * b[i]);
        return sum;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Gradient_and_jvp_of_a_long_array_match_the_closed_forms(int n)
    {
        double[] xs = Array(n, 1), ws = Array(n, 2), tXs = Array(n, 3);
        double a = 0.375 / Math.Sqrt(n), tA = -1.5, s = SumOfSquares(xs);

        var dXs = new double[n];
        double value = ArrayRules.SineOfSquaresGradient(xs, a, dXs, out double dA);
        Assert.Equal(ArrayRules.SineOfSquares(xs, a), value);
        for (int i = 0; i < n; i++) Near(Math.Cos(s * a) * 2 * xs[i] * a, dXs[i]);
        Near(Math.Cos(s * a) * s + 1, dA);
        ArrayRules.SineOfSquaresJvp(xs, a, tXs, tA, out double tangent);
        Near(Dot(dXs, tXs) + dA * tA, tangent, Magnitudes(dXs, tXs) + Math.Abs(dA * tA));

        // Two rule calls alive at once, one array data: Σ round(x)·w + a·Σ x²·a.
        System.Array.Clear(dXs);
        ArrayRules.TwoCallsGradient(xs, ws, a, dXs, out dA);
        for (int i = 0; i < n; i++) Near(ws[i] + a * 2 * xs[i] * a, dXs[i]);
        Near(2 * a * s, dA);
        ArrayRules.TwoCallsJvp(xs, ws, a, tXs, tA, out tangent);
        Near(Dot(dXs, tXs) + dA * tA, tangent, Magnitudes(dXs, tXs) + Math.Abs(dA * tA));

        // The array passed twice, straight through: 3·(x + round(x)).
        System.Array.Clear(dXs);
        Assert.Equal(ArrayRules.RoundedSelfDot(xs), ArrayRules.RoundedSelfDotGradient(xs, dXs));
        for (int i = 0; i < n; i++) Near(3 * (xs[i] + Math.Round(xs[i])), dXs[i]);
        ArrayRules.RoundedSelfDotJvp(xs, tXs, out tangent);
        Near(Dot(dXs, tXs), tangent, Magnitudes(dXs, tXs));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Inside_a_loop_a_long_array_gives_the_closed_forms(int n)
    {
        double[] xs = Array(n, 4), tXs = Array(n, 5);
        double a = 0.25 / Math.Sqrt(n), s = SumOfSquares(xs);
        const int trips = 3;

        var dXs = new double[n];
        double value = ArrayRules.LoopOfSquaresGradient(xs, a, trips, dXs, out double dA);
        Assert.Equal(ArrayRules.LoopOfSquares(xs, a, trips), value);
        for (int i = 0; i < n; i++) Near(Enumerable.Range(1, trips).Sum(k => Math.Cos(s * a * k) * 2 * xs[i] * a * k), dXs[i]);
        Near(Enumerable.Range(1, trips).Sum(k => Math.Cos(s * a * k) * s * k), dA);
        ArrayRules.LoopOfSquaresJvp(xs, a, trips, tXs, -1.5, out double tangent);
        Near(Dot(dXs, tXs) + dA * -1.5, tangent, Magnitudes(dXs, tXs) + Math.Abs(dA * 1.5));

        var dRounded = new double[n];
        ArrayRules.LoopOfRoundedDotsGradient(xs, trips, dRounded);
        for (int i = 0; i < n; i++) Near(6 * (xs[i] + Math.Round(xs[i])), dRounded[i]);
        ArrayRules.LoopOfRoundedDotsJvp(xs, trips, tXs, out tangent);
        Near(Dot(dRounded, tXs), tangent, Magnitudes(dRounded, tXs));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void A_rule_that_runs_generated_code_gets_a_buffer_of_its_own(int n)
    {
        // NestedRulesGradient's buffer for ∂OpaqueSineOfSquares/∂xs is in use while the rule runs SineOfSquaresGradient,
        // which takes its own for ∂SquaresTimes/∂xs: shared memory would add the inner buffer into itself.
        double[] xs = Array(n, 9), tXs = Array(n, 10);
        double a = 0.375 / Math.Sqrt(n), s = SumOfSquares(xs);
        var dXs = new double[n];
        double value = ArrayRules.NestedRulesGradient(xs, a, dXs, out double dA);
        Assert.Equal(ArrayRules.NestedRules(xs, a), value);
        for (int i = 0; i < n; i++) Near(2 * Math.Cos(s * a) * 2 * xs[i] * a, dXs[i]);
        Near(2 * (Math.Cos(s * a) * s + 1), dA);
        ArrayRules.NestedRulesJvp(xs, a, tXs, 0.5, out double tangent);
        Near(Dot(dXs, tXs) + dA * 0.5, tangent, Magnitudes(dXs, tXs) + Math.Abs(dA * 0.5));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Warm_calls_with_a_long_array_allocate_nothing(int n)
    {
        double[] xs = Array(n, 6), ws = Array(n, 7), tXs = Array(n, 8);
        var dXs = new double[n];
        var calls = new (string Name, Action Call)[]
        {
            ("SineOfSquaresGradient", () => ArrayRules.SineOfSquaresGradient(xs, 0.5, dXs, out _)),
            ("SquaresOfDataGradient", () => ArrayRules.SquaresOfDataGradient(xs, 0.5, out _)),
            ("RoundedSelfDotGradient", () => ArrayRules.RoundedSelfDotGradient(xs, dXs)),
            ("TwoCallsGradient", () => ArrayRules.TwoCallsGradient(xs, ws, 0.5, dXs, out _)),
            ("SineOfSquaresJvp", () => ArrayRules.SineOfSquaresJvp(xs, 0.5, tXs, 1.0, out _)),
            ("SquaresOfDataJvp", () => ArrayRules.SquaresOfDataJvp(xs, 0.5, 1.0, out _)),
            ("RoundedSelfDotJvp", () => ArrayRules.RoundedSelfDotJvp(xs, tXs, out _)),
            ("TwoCallsJvp", () => ArrayRules.TwoCallsJvp(xs, ws, 0.5, tXs, 1.0, out _)),
            ("LoopOfSquaresGradient", () => ArrayRules.LoopOfSquaresGradient(xs, 0.5, 5, dXs, out _)),
            ("LoopOfSquaresJvp", () => ArrayRules.LoopOfSquaresJvp(xs, 0.5, 5, tXs, 1.0, out _)),
            ("LoopOfRoundedDotsGradient", () => ArrayRules.LoopOfRoundedDotsGradient(xs, 5, dXs)),
            ("LoopOfRoundedDotsJvp", () => ArrayRules.LoopOfRoundedDotsJvp(xs, 5, tXs, out _)),
            ("NestedRulesGradient", () => ArrayRules.NestedRulesGradient(xs, 0.5, dXs, out _)),
            ("NestedRulesJvp", () => ArrayRules.NestedRulesJvp(xs, 0.5, tXs, 1.0, out _)),
        };
        int repeats = n > 10_000 ? 10 : 100;
        foreach (var (name, call) in calls)
        {
            call(); // warms the pool (and grows this thread's tape)
            // A buffer the calls fail to give back allocates in every window; one window's bytes can also come from the
            // runtime (the shared pool trimmed by a gen-2 collection on a loaded machine), so up to three windows are tried.
            var windows = new List<long>();
            for (int window = 0; window < 3 && (windows.Count == 0 || windows[^1] != 0); window++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int k = 0; k < repeats; k++) call();
                windows.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.True(windows[^1] == 0, $"{name} with {n} elements allocated {string.Join(", then ", windows)} bytes in windows of {repeats} warm calls");
        }
    }
}
