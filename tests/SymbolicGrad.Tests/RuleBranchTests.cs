using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>
/// A [DerivativeOf] rule runs only where the method calls its function: a call in the branch not taken must not run
/// the rule (which may throw, or cost as much as the function) in the gradient or the Jvp.
/// </summary>
public sealed class RuleBranchTests
{
    private static readonly double[] Xs = [0.75, -1.25, 2.5, 0.125];

    private static double SumOfSquares(double[] xs) => xs.Sum(x => x * x);

    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    [InlineData(-1.5)]
    [InlineData(0.0)]
    public void The_rule_of_a_call_in_a_branch_runs_only_when_the_branch_is_taken(double a)
    {
        var dXs = new double[Xs.Length];
        double value = GuardedRules.LogSquaresWherePositiveGradient(Xs, a, dXs, out double dA);
        Assert.Equal(GuardedRules.LogSquaresWherePositive(Xs, a), value);
        for (int i = 0; i < Xs.Length; i++) Assert.Equal(a > 0 ? 2 * Xs[i] / SumOfSquares(Xs) : 0, dXs[i], 14);
        Assert.Equal(a > 0 ? 1 / a : 2 * a, dA, 14);

        double[] tXs = [1.0, -0.5, 0.25, 2.0];
        Assert.Equal(value, GuardedRules.LogSquaresWherePositiveJvp(Xs, a, tXs, -1.5, out double tangent));
        Assert.Equal(dXs.Zip(tXs, (d, t) => d * t).Sum() + dA * -1.5, tangent, 12);
    }

    [Theory]
    [InlineData(2.5, 4)]
    [InlineData(0.5, 3)]
    [InlineData(-1.0, 2)]
    public void Inside_a_loop_the_rule_runs_only_in_the_iterations_that_call_the_function(double a, int n)
    {
        var dXs = new double[Xs.Length];
        double value = GuardedRules.LogSquaresInALoopGradient(Xs, a, n, dXs, out double dA);
        Assert.Equal(GuardedRules.LogSquaresInALoop(Xs, a, n), value);
        int taken = Enumerable.Range(0, n).Count(k => a - k > 0);
        for (int i = 0; i < Xs.Length; i++) Assert.Equal(taken * 2 * Xs[i] / SumOfSquares(Xs), dXs[i], 12);
        Assert.Equal(Enumerable.Range(0, n).Sum(k => a - k > 0 ? 1 / (a - k) : 2 * (a - k)), dA, 12);

        double[] tXs = [1.0, -0.5, 0.25, 2.0];
        Assert.Equal(value, GuardedRules.LogSquaresInALoopJvp(Xs, a, n, tXs, -1.5, out double tangent));
        Assert.Equal(dXs.Zip(tXs, (d, t) => d * t).Sum() + dA * -1.5, tangent, 12);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(-1.5)]
    [InlineData(0.0)]
    public void A_calls_value_kept_for_the_backward_pass_is_computed_only_when_the_branch_is_taken(double a)
    {
        var dXs = new double[Xs.Length];
        double s = SumOfSquares(Xs), value = GuardedRules.SineOfLogSquaresWherePositiveGradient(Xs, a, dXs, out double dA);
        Assert.Equal(GuardedRules.SineOfLogSquaresWherePositive(Xs, a), value);
        double outer = a > 0 ? Math.Cos(Math.Log(a * s)) : 0;
        for (int i = 0; i < Xs.Length; i++) Assert.Equal(outer * 2 * Xs[i] / s, dXs[i], 14);
        Assert.Equal(a > 0 ? outer / a : 1, dA, 14);
        double[] tXs = [1.0, -0.5, 0.25, 2.0];
        Assert.Equal(value, GuardedRules.SineOfLogSquaresWherePositiveJvp(Xs, a, tXs, -1.5, out double tangent));
        Assert.Equal(dXs.Zip(tXs, (d, t) => d * t).Sum() + dA * -1.5, tangent, 12);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(-2.0)]
    [InlineData(0.0)]
    public void A_scalar_rule_in_a_branch_runs_only_when_the_branch_is_taken(double x)
    {
        double value = GuardedRules.EntropyTermGradient(x, out double dX);
        Assert.Equal(GuardedRules.EntropyTerm(x), value);
        Assert.Equal(x > 0 ? Math.Log(x) + 1 : 0, dX, 14);
        Assert.Equal(value, GuardedRules.EntropyTermJvp(x, 2.0, out double tangent));
        Assert.Equal(2 * dX, tangent, 14);
    }
}
