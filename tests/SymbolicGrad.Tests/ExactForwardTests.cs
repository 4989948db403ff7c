using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>
/// The generated forward pass keeps every IEEE result of the user's method — NaN, ∞ and the sign of zero included —
/// so no rewrite that holds only in real arithmetic (0·x → 0, x + 0 → x) may touch forward code.
/// </summary>
public sealed class ExactForwardTests
{
    private static readonly double[] Specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1.5, -2.25, double.Epsilon];

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
        AssertSameBits(IeeeEdges.ZeroTimes(x, y), IeeeEdges.ZeroTimesGradient(x, y, out _, out _));
        AssertSameBits(IeeeEdges.PlusZero(x), IeeeEdges.PlusZeroGradient(x, out _));
        AssertSameBits(IeeeEdges.ZeroMinus(x), IeeeEdges.ZeroMinusGradient(x, out _));
        AssertSameBits(IeeeEdges.ZeroOver(x, y), IeeeEdges.ZeroOverGradient(x, y, out _, out _));
        AssertSameBits(IeeeEdges.GuardedProduct(-1.0, x, y), IeeeEdges.GuardedProductGradient(-1.0, x, y, out _, out _, out _));
        AssertSameBits(IeeeEdges.GuardedProduct(1.0, x, y), IeeeEdges.GuardedProductGradient(1.0, x, y, out _, out _, out _));
        AssertSameBits(IeeeEdges.AccumulatedFromZero(x, y), IeeeEdges.AccumulatedFromZeroGradient(x, y, out _, out _));
        AssertSameBits(IeeeEdges.FloatZeroTimes((float)x, (float)y), IeeeEdges.FloatZeroTimesGradient((float)x, (float)y, out _, out _));
    }

    [Fact]
    public void The_cases_above_can_fail_where_algebra_and_IEEE_disagree()
    {
        // Guards the theory: these are the inputs where a real-arithmetic rewrite would change the result.
        Assert.True(double.IsNaN(IeeeEdges.ZeroTimes(double.PositiveInfinity, 1.0)));
        Assert.True(double.IsPositive(IeeeEdges.PlusZero(-0.0)));
        Assert.True(double.IsPositive(IeeeEdges.ZeroMinus(0.0)));
        Assert.True(double.IsNaN(IeeeEdges.ZeroOver(0.0, 1.0)));
        Assert.True(double.IsNaN(IeeeEdges.GuardedProduct(-1.0, 1.0, double.NaN)));
        Assert.True(double.IsPositive(IeeeEdges.AccumulatedFromZero(-0.0, 1.0)));
    }

    [Fact]
    public void Gradients_of_the_zero_terms_are_still_exact()
    {
        IeeeEdges.ZeroTimesGradient(3.0, 4.0, out double dX, out double dY);
        Assert.Equal(0.0, dX);
        Assert.Equal(1.0, dY);
        IeeeEdges.GuardedProductGradient(2.0, 3.0, 4.0, out double dC, out double dX2, out double dY2);
        Assert.Equal((0.0, 4.0, 3.0), (dC, dX2, dY2));
        IeeeEdges.GuardedProductGradient(-2.0, 3.0, 4.0, out dC, out dX2, out dY2);
        Assert.Equal((0.0, 0.0, 0.0), (dC, dX2, dY2));
    }

    private static void AssertSameBits(double expected, double actual) =>
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));

    private static void AssertSameBits(float expected, float actual) =>
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(actual));
}
