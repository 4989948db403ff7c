using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>
/// An operation that may throw, guarded by a condition in the method, throws in the generated code exactly when it
/// does in the method — although the generated code computes locals before the branch that uses them.
/// </summary>
public sealed class ConditionalExceptionTests
{
    [Theory]
    [InlineData(7, 2)]
    [InlineData(-7, 2)]
    [InlineData(7, 0)]
    [InlineData(int.MinValue, 0)]
    public void Integer_division_in_an_untaken_branch_does_not_throw(int n, int m)
    {
        Assert.Equal(ConditionalExceptions.DivisionInBranch(1.5, n, m), ConditionalExceptions.DivisionInBranchGradient(1.5, n, m, out double dX));
        Assert.Equal(m != 0 ? n / m : 1.0, dX);
    }

    [Fact]
    public void Integer_division_that_the_method_runs_still_throws()
    {
        Assert.Throws<OverflowException>(() => ConditionalExceptions.DivisionInBranch(1.5, int.MinValue, -1));
        Assert.Throws<OverflowException>(() => ConditionalExceptions.DivisionInBranchGradient(1.5, int.MinValue, -1, out _));
    }

    [Theory]
    [InlineData(0.5, 0.0, 1.0)]
    [InlineData(2.0, 0.0, 1.0)]
    [InlineData(0.5, 1.0, 0.0)] // min > max: the method does not call Clamp
    [InlineData(0.5, double.NaN, 0.0)]
    public void Clamp_in_an_untaken_branch_does_not_throw(double x, double lo, double hi)
    {
        double value = ConditionalExceptions.ClampWhenOrdered(x, lo, hi);
        Assert.Equal(value, ConditionalExceptions.ClampWhenOrderedGradient(x, lo, hi, out double dX, out _, out _));
        double expected = lo <= hi ? (x < lo ? lo : x > hi ? hi : 2 * x) : 1.0;
        Assert.Equal(expected, dX);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(2)]
    public void Remainder_on_the_right_of_a_logical_operator_runs_only_when_the_left_allows(int n)
    {
        Assert.Equal(ConditionalExceptions.RemainderAfterAnd(1.5, n), ConditionalExceptions.RemainderAfterAndGradient(1.5, n, out _));
        Assert.Equal(ConditionalExceptions.RemainderAfterOr(1.5, n), ConditionalExceptions.RemainderAfterOrGradient(1.5, n, out _));
    }

    [Fact]
    public void Sign_of_NaN_throws_only_where_the_method_takes_it()
    {
        Assert.Equal(2.0, ConditionalExceptions.SignOfNumberGradient(double.NaN, 2.0, out double dY));
        Assert.Equal(1.0, dY);
        Assert.Equal(-2.0, ConditionalExceptions.SignOfNumberGradient(-0.5, 2.0, out dY));
        Assert.Equal(-1.0, dY);
    }

    [Fact]
    public void A_callee_runs_only_where_its_call_does()
    {
        Assert.Equal(-1.5, ConditionalExceptions.CallInBranchGradient(1.5, 0, out double dX));
        Assert.Equal(-1.0, dX);
        Assert.Equal(6.0, ConditionalExceptions.CallInBranchGradient(1.5, 3, out dX));
        Assert.Equal(4.0, dX);
        Assert.Throws<DivideByZeroException>(() => ConditionalExceptions.HelperGradient(1.5, 0, out _));
    }
}
