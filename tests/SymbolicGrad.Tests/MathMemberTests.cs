using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>
/// The Math members beyond the classic set: exact partials at dyadic points, the derivative chosen at Clamp's ties,
/// and the forward pass keeping the method's bits and exceptions (Clamp with min &gt; max, integer division by zero).
/// </summary>
public sealed class MathMemberTests
{
    private static readonly double[] Specials =
        [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1.0, 1.5, -2.25, 2.0, double.Epsilon, 1e300];

    public static TheoryData<double, double> Pairs()
    {
        var data = new TheoryData<double, double>();
        foreach (double x in Specials)
        {
            foreach (double y in Specials) data.Add(x, y);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Forward_values_equal_the_methods_bit_for_bit(double x, double y)
    {
        Same(MathMembers.Atan2(x, y), MathMembers.Atan2Gradient(x, y, out _, out _));
        Same(MathMembers.Cbrt(x), MathMembers.CbrtGradient(x, out _));
        Same(MathMembers.Log2(x, y), MathMembers.Log2Gradient(x, y, out _, out _));
        Same(MathMembers.LogWithBase(x, y), MathMembers.LogWithBaseGradient(x, y, out _, out _));
        Same(MathMembers.InverseHyperbolic(x), MathMembers.InverseHyperbolicGradient(x, out _));
        Same(MathMembers.FusedMultiplyAdd(x, y, -x), MathMembers.FusedMultiplyAddGradient(x, y, -x, out _, out _, out _));
        Same(MathMembers.ScaleB(x, 1000), MathMembers.ScaleBGradient(x, 1000, out _));
        Same(MathMembers.ScaleB(x, -1100), MathMembers.ScaleBGradient(x, -1100, out _));
        Same(MathMembers.CopySign(x, y), MathMembers.CopySignGradient(x, y, out _, out _));
        Same(MathMembers.ClampedSquare(x, y), MathMembers.ClampedSquareGradient(x, y, out _, out _));
        Same(MathMembers.IeeeRemainder(x, y), MathMembers.IeeeRemainderGradient(x, y, out _, out _));
        Same(MathMembers.Remainder(x, y), MathMembers.RemainderGradient(x, y, out _, out _));
        Same(MathMembers.WrappedPhase(x, y), MathMembers.WrappedPhaseGradient(x, y, out _, out _));
        Same(MathMembers.FloatMembers((float)x, (float)y), MathMembers.FloatMembersGradient((float)x, (float)y, out _, out _));
        if (!(x > y))
        {
            Same(MathMembers.Clamp(0.5, x, y), MathMembers.ClampGradient(0.5, x, y, out _, out _, out _));
            Same(MathMembers.Clamp(-0.0, x, y), MathMembers.ClampGradient(-0.0, x, y, out _, out _, out _));
            Same(MathMembers.Clamp(double.NaN, x, y), MathMembers.ClampGradient(double.NaN, x, y, out _, out _, out _));
        }
    }

    [Fact]
    public void The_forward_cases_can_fail_where_a_rewrite_would_change_the_result()
    {
        // log_b(a) is NaN for b = 1 where ln a / ln b is ∞; fma rounds once where a·b + c rounds twice.
        Assert.True(double.IsNaN(MathMembers.LogWithBase(2.0, 1.0)));
        Assert.True(double.IsPositiveInfinity(Math.Log(2.0) / Math.Log(1.0)));
        double a = 1.0 + Math.ScaleB(1.0, -30);
        double once = Math.ScaleB(1.0, -29) + Math.ScaleB(1.0, -60);
        Assert.NotEqual(once, a * a - 1.0);
        Assert.Equal(once, MathMembers.FusedMultiplyAddGradient(a, a, -1.0, out _, out _, out _));
        Assert.True(double.IsNegative(MathMembers.Clamp(-0.0, 0.0, 1.0)));
    }

    [Fact]
    public void Partials_are_exact_at_dyadic_points()
    {
        Assert.Equal(Math.PI / 4, MathMembers.Atan2Gradient(1.0, 1.0, out double dY, out double dX));
        Assert.Equal((0.5, -0.5), (dY, dX));
        MathMembers.Atan2Gradient(0.75, -0.25, out dY, out dX);
        Assert.Equal((-0.25 / 0.625, -0.75 / 0.625), (dY, dX));

        Assert.Equal(2.0, MathMembers.CbrtGradient(8.0, out double dCbrt));
        Assert.Equal(1.0 / 12.0, dCbrt);
        Assert.Equal(3.0, MathMembers.Log2Gradient(2.0, 4.0, out double dA, out double dB));
        Assert.Equal((1.0 / (2.0 * Math.Log(2.0)), 1.0 / (4.0 * Math.Log(2.0))), (dA, dB));

        Assert.Equal(-2.75, MathMembers.FusedMultiplyAddGradient(1.5, -2.0, 0.25, out double d0, out double d1, out double d2));
        Assert.Equal((-2.0, 1.5, 1.0), (d0, d1, d2));
        Assert.Equal(2.75, MathMembers.FusedHornerGradient(0.5, out double dHorner));
        Assert.Equal(5.0, dHorner);

        Assert.Equal(0.25 * 8.0, MathMembers.ScaleBGradient(0.5, 3, out double dScale));
        Assert.Equal(8.0, dScale);
        MathMembers.ScaleBGradient(-2.0, -2, out dScale);
        Assert.Equal(-1.0, dScale);

        // CopySign(x, y)·y: ±y by the sign bits, and ∂/∂y = CopySign(x, y) (y's sign contributes nothing).
        Assert.Equal(3.0, MathMembers.CopySignGradient(1.5, -2.0, out double dx, out double dy));
        Assert.Equal((2.0, -1.5), (dx, dy));
        MathMembers.CopySignGradient(-1.5, 2.0, out dx, out dy);
        Assert.Equal((-2.0, 1.5), (dx, dy));
        MathMembers.CopySignGradient(-0.0, 2.0, out dx, out _);
        Assert.Equal(-2.0, dx);

        // x % y = x − trunc(x/y)·y: ∂/∂x = 1, ∂/∂y = −trunc(x/y).
        Assert.Equal(1.5, MathMembers.RemainderGradient(5.5, 2.0, out dx, out dy));
        Assert.Equal((1.0, -2.0), (dx, dy));
        Assert.Equal(-1.5, MathMembers.RemainderGradient(-5.5, 2.0, out dx, out dy));
        Assert.Equal((1.0, 2.0), (dx, dy));
        Assert.Equal(-0.5, MathMembers.IeeeRemainderGradient(5.5, 2.0, out dx, out dy));
        Assert.Equal((1.0, -3.0), (dx, dy));

        // IntegerRemainder: q = 7 / 3 = 2, r = (7 % 3) % 3 = 1, so f = 2x + x², f' = 2 + 2x.
        Assert.Equal(1.25, MathMembers.IntegerRemainderGradient(0.5, 7, 3, out double dInt));
        Assert.Equal(3.0, dInt);
        // -7 / 2 = -3 and -7 % 2 = -1 (truncation): f = -3x - x², f' = -3 - 2x.
        Assert.Equal(-1.75, MathMembers.IntegerRemainderGradient(0.5, -7, 2, out dInt));
        Assert.Equal(-4.0, dInt);
    }

    [Theory]
    [InlineData(-0.5, 0.0, 1.0, 0.0, 1.0, 0.0)]
    [InlineData(0.0, 0.0, 1.0, 1.0, 0.0, 0.0)] // at min: to x, as PyTorch's clamp
    [InlineData(0.5, 0.0, 1.0, 1.0, 0.0, 0.0)]
    [InlineData(1.0, 0.0, 1.0, 1.0, 0.0, 0.0)] // at max: to x
    [InlineData(1.5, 0.0, 1.0, 0.0, 0.0, 1.0)]
    [InlineData(0.5, 0.5, 0.5, 1.0, 0.0, 0.0)] // min = max = x
    [InlineData(double.NaN, 0.0, 1.0, 1.0, 0.0, 0.0)] // NaN is returned as x
    public void Clamp_sends_the_derivative_to_the_operand_it_returns(double x, double min, double max, double dX, double dMin, double dMax)
    {
        double value = MathMembers.ClampGradient(x, min, max, out double gX, out double gMin, out double gMax);
        Assert.Equal(BitConverter.DoubleToInt64Bits(Math.Clamp(x, min, max)), BitConverter.DoubleToInt64Bits(value));
        Assert.Equal((dX, dMin, dMax), (gX, gMin, gMax));
    }

    [Fact]
    public void Exceptions_are_the_methods()
    {
        var expected = Assert.Throws<ArgumentException>(() => MathMembers.Clamp(0.5, 1.0, 0.0));
        var actual = Assert.Throws<ArgumentException>(() => MathMembers.ClampGradient(0.5, 1.0, 0.0, out _, out _, out _));
        Assert.Equal(expected.Message, actual.Message);
        Assert.Throws<DivideByZeroException>(() => MathMembers.IntegerRemainder(1.0, 7, 0));
        Assert.Throws<DivideByZeroException>(() => MathMembers.IntegerRemainderGradient(1.0, 7, 0, out _));
        Assert.Throws<OverflowException>(() => MathMembers.IntegerRemainder(1.0, int.MinValue, -1));
        Assert.Throws<OverflowException>(() => MathMembers.IntegerRemainderGradient(1.0, int.MinValue, -1, out _));
    }

    private static void Same(double expected, double actual) =>
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));

    private static void Same(float expected, float actual) =>
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(actual));
}
