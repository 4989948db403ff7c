using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>
/// Calls through [DerivativeOf] rules whose derivative with respect to an array is a Span added into: the gradient adds
/// the adjoint times the rule's buffer into the array's gradient, the Jvp dots the buffer with the array's tangent.
/// Checked against closed forms, finite differences, and a straight-through rule that differs from the true derivative.
/// </summary>
public sealed class ArrayRuleTests
{
    private static readonly double[] Xs = [0.75, -1.25, 2.5, 0.125];

    private static double SumOfSquares(double[] xs) => xs.Sum(x => x * x);

    [Theory]
    [InlineData(0.5)]
    [InlineData(-1.75)]
    public void Gradient_adds_the_rules_array_derivative_into_the_callers_gradient(double a)
    {
        var dXs = new double[Xs.Length];
        dXs[0] = 10; // added into, not overwritten
        double value = ArrayRules.SineOfSquaresGradient(Xs, a, dXs, out double dA);
        double s = SumOfSquares(Xs);
        Assert.Equal(ArrayRules.SineOfSquares(Xs, a), value);
        for (int i = 0; i < Xs.Length; i++) Assert.Equal((i == 0 ? 10 : 0) + Math.Cos(s * a) * 2 * Xs[i] * a, dXs[i], 12);
        Assert.Equal(Math.Cos(s * a) * s + 1, dA, 12);
    }

    [Fact]
    public void Gradient_matches_finite_differences()
    {
        double a = 0.375;
        GradientCheck.Function(p => ArrayRules.SineOfSquares(p.ToArray(), a), (p, g) => ArrayRules.SineOfSquaresGradient(p.ToArray(), a, g, out _), Xs)
            .ThrowIfFailed();
        GradientCheck.Function(p => ArrayRules.SineOfSquares(Xs, p[0]), (p, g) => ArrayRules.SineOfSquaresGradient(Xs, p[0], new double[Xs.Length], out g[0]), [a])
            .ThrowIfFailed();
    }

    [Fact]
    public void An_array_that_is_data_in_the_caller_gives_the_scalar_derivatives()
    {
        double a = -0.625, s = SumOfSquares(Xs);
        double value = ArrayRules.SquaresOfDataGradient(Xs, a, out double dA);
        Assert.Equal(s * a * a, value, 12);
        Assert.Equal(2 * s * a, dA, 12);
    }

    [Fact]
    public void The_rule_is_used_not_the_true_derivative_when_the_array_is_passed_twice()
    {
        // 3·Σ round(x)·x: straight through, ∂/∂x = 3·(x + round(x)); the true derivative is 3·round(x).
        var dXs = new double[Xs.Length];
        double value = ArrayRules.RoundedSelfDotGradient(Xs, dXs);
        Assert.Equal(ArrayRules.RoundedSelfDot(Xs), value);
        for (int i = 0; i < Xs.Length; i++) Assert.Equal(3 * (Xs[i] + Math.Round(Xs[i])), dXs[i], 12);
    }

    [Fact]
    public void Two_rule_calls_on_one_array_add_both_derivatives()
    {
        double[] ws = [1.5, -0.5, 0.25, 2.0];
        double a = 1.25, s = SumOfSquares(Xs);
        var dXs = new double[Xs.Length];
        ArrayRules.TwoCallsGradient(Xs, ws, a, dXs, out double dA);
        for (int i = 0; i < Xs.Length; i++) Assert.Equal(ws[i] + a * 2 * Xs[i] * a, dXs[i], 12);
        Assert.Equal(2 * a * s, dA, 12);
    }

    [Fact]
    public void Jvp_dots_the_rules_buffer_with_the_arrays_tangent()
    {
        double[] tXs = [1.0, -0.5, 0.25, 2.0], ws = [1.5, -0.5, 0.25, 2.0];
        double a = 0.375, tA = -1.5;

        var dXs = new double[Xs.Length];
        ArrayRules.SineOfSquaresGradient(Xs, a, dXs, out double dA);
        double value = ArrayRules.SineOfSquaresJvp(Xs, a, tXs, tA, out double tangent);
        Assert.Equal(ArrayRules.SineOfSquares(Xs, a), value);
        Assert.Equal(Dot(dXs, tXs) + dA * tA, tangent, 12);

        ArrayRules.SquaresOfDataJvp(Xs, a, tA, out tangent);
        Assert.Equal(2 * SumOfSquares(Xs) * a * tA, tangent, 12);

        // Straight through, along t: 3·Σ (x + round(x))·t.
        ArrayRules.RoundedSelfDotJvp(Xs, tXs, out tangent);
        Assert.Equal(Enumerable.Range(0, Xs.Length).Sum(i => 3 * (Xs[i] + Math.Round(Xs[i])) * tXs[i]), tangent, 12);

        Array.Clear(dXs);
        ArrayRules.TwoCallsGradient(Xs, ws, a, dXs, out dA);
        ArrayRules.TwoCallsJvp(Xs, ws, a, tXs, tA, out tangent);
        Assert.Equal(Dot(dXs, tXs) + dA * tA, tangent, 12);
    }

    [Fact]
    public void Warm_calls_allocate_nothing()
    {
        double[] tXs = [1.0, -0.5, 0.25, 2.0], ws = [1.5, -0.5, 0.25, 2.0];
        var dXs = new double[Xs.Length];
        var calls = new (string Name, Action Call)[]
        {
            ("SineOfSquaresGradient", () => ArrayRules.SineOfSquaresGradient(Xs, 0.5, dXs, out _)),
            ("SquaresOfDataGradient", () => ArrayRules.SquaresOfDataGradient(Xs, 0.5, out _)),
            ("RoundedSelfDotGradient", () => ArrayRules.RoundedSelfDotGradient(Xs, dXs)),
            ("TwoCallsGradient", () => ArrayRules.TwoCallsGradient(Xs, ws, 0.5, dXs, out _)),
            ("SineOfSquaresJvp", () => ArrayRules.SineOfSquaresJvp(Xs, 0.5, tXs, 1.0, out _)),
        };
        foreach (var (name, call) in calls)
        {
            call();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 100; k++) call();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{name} allocated {allocated} bytes in 100 warm calls");
        }
    }

    [Theory]
    [InlineData(0.375, 3)]
    [InlineData(-0.5, 1)]
    [InlineData(0.25, 0)]
    public void Inside_a_loop_the_rule_is_used_in_every_iteration(double a, int n)
    {
        double s = SumOfSquares(Xs);
        var dXs = new double[Xs.Length];
        double value = ArrayRules.LoopOfSquaresGradient(Xs, a, n, dXs, out double dA);
        Assert.Equal(ArrayRules.LoopOfSquares(Xs, a, n), value);
        for (int i = 0; i < Xs.Length; i++)
        {
            Assert.Equal(Enumerable.Range(1, n).Sum(k => Math.Cos(s * a * k) * 2 * Xs[i] * a * k), dXs[i], 12);
        }
        Assert.Equal(Enumerable.Range(1, n).Sum(k => Math.Cos(s * a * k) * s * k), dA, 12);
        GradientCheck.Function(p => ArrayRules.LoopOfSquares(p.ToArray(), a, n), (p, g) => ArrayRules.LoopOfSquaresGradient(p.ToArray(), a, n, g, out _), Xs)
            .ThrowIfFailed();

        double[] tXs = [1.0, -0.5, 0.25, 2.0];
        ArrayRules.LoopOfSquaresJvp(Xs, a, n, tXs, -1.5, out double tangent);
        Assert.Equal(Dot(dXs, tXs) + dA * -1.5, tangent, 12);

        // Straight through in a loop, the array passed twice: Σₖ k·(x + round(x)).
        var dRounded = new double[Xs.Length];
        ArrayRules.LoopOfRoundedDotsGradient(Xs, n, dRounded);
        double weights = n * (n + 1) / 2.0;
        for (int i = 0; i < Xs.Length; i++) Assert.Equal(weights * (Xs[i] + Math.Round(Xs[i])), dRounded[i], 12);
        ArrayRules.LoopOfRoundedDotsJvp(Xs, n, tXs, out tangent);
        Assert.Equal(Dot(dRounded, tXs), tangent, 12);
    }

    [Fact]
    public void Warm_calls_inside_a_loop_allocate_nothing()
    {
        double[] tXs = [1.0, -0.5, 0.25, 2.0];
        var dXs = new double[Xs.Length];
        var calls = new (string Name, Action Call)[]
        {
            ("LoopOfSquaresGradient", () => ArrayRules.LoopOfSquaresGradient(Xs, 0.5, 50, dXs, out _)),
            ("LoopOfSquaresJvp", () => ArrayRules.LoopOfSquaresJvp(Xs, 0.5, 50, tXs, 1.0, out _)),
            ("LoopOfRoundedDotsGradient", () => ArrayRules.LoopOfRoundedDotsGradient(Xs, 50, dXs)),
        };
        foreach (var (name, call) in calls)
        {
            call(); // grows this thread's tape
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 100; k++) call();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{name} allocated {allocated} bytes in 100 warm calls");
        }
    }

    private static double Dot(double[] a, double[] b) => Enumerable.Range(0, a.Length).Sum(i => a[i] * b[i]);
}
