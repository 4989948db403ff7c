using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>Switch expressions and patterns keep C#'s matching at NaN, ±0 and ∞, and their derivative is the arm taken's.</summary>
public sealed class PatternTests
{
    private static readonly double[] Specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1.0, 3.0, -1.0, 0.5, 6.0];

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
        Same(Patterns.AbsBySwitch(x), Patterns.AbsBySwitchGradient(x, out _));
        Same(Patterns.Bands(x, y), Patterns.BandsGradient(x, y, out _, out _));
        Same(Patterns.VarPattern(x, y), Patterns.VarPatternGradient(x, y, out _, out _));
        Same(Patterns.IsPatterns(x, y), Patterns.IsPatternsGradient(x, y, out _, out _));
        Same(Patterns.ZeroPattern(x, y), Patterns.ZeroPatternGradient(x, y, out _, out _));
        Same(Patterns.FloatSwitch((float)x), Patterns.FloatSwitchGradient((float)x, out _));
    }

    [Fact]
    public void The_special_values_reach_the_arms_a_naive_lowering_would_miss()
    {
        // −0.0 is not < 0 (kept, sign and all), NaN matches 'double.NaN', and 0.0 matches −0.0 products.
        Assert.True(double.IsNegative(Patterns.AbsBySwitch(-0.0)));
        Assert.Equal(0.0, Patterns.IsPatterns(double.NaN, 2.0));
        Assert.Equal(2.0, Patterns.ZeroPattern(-0.0, 2.0));
        Assert.Equal(2.0, Patterns.ZeroPatternGradient(-0.0, 2.0, out double dX, out double dY));
        Assert.Equal((0.0, 1.0), (dX, dY));
    }

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(2, 0.5)]
    [InlineData(11, 0.5)]
    [InlineData(5, 0.5)]
    public void The_arm_taken_gives_the_derivative(int n, double x)
    {
        Patterns.SwitchOnIntGradient(x, n, out double dX);
        double expected = n switch { 0 => 1.0, 1 or 2 => 2 * x, > 10 => Math.Exp(x) * n, _ => -1.0 };
        Assert.Equal(expected, dX);
    }

    [Fact]
    public void Partials_are_exact_at_dyadic_points()
    {
        Assert.Equal(-6.0, Patterns.BandsGradient(-2.0, 3.0, out double dX, out double dY));
        Assert.Equal((3.0, -2.0), (dX, dY));
        Assert.Equal(-0.375, Patterns.BandsGradient(0.5, -1.5, out dX, out dY));
        Assert.Equal((-1.5, 0.25), (dX, dY));
        Patterns.BandsGradient(6.0, 0.5, out _, out dY);
        Assert.Equal(1.0, dY);
        Assert.Equal(36.0, Patterns.VarPatternGradient(2.0, 3.0, out dX, out dY));
        Assert.Equal((36.0, 24.0), (dX, dY));
        Assert.Equal(0.75, Patterns.VarPatternGradient(0.5, 0.5, out dX, out dY));
        Assert.Equal((1.5, 0.5), (dX, dY));
        Assert.Equal(0.8125, Patterns.IsPatternsGradient(0.25, 3.0, out dX, out dY));
        Assert.Equal((3.5, 0.25), (dX, dY));
    }

    private static void Same(double expected, double actual) =>
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));

    private static void Same(float expected, float actual) =>
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(actual));
}
