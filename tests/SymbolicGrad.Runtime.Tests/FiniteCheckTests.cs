namespace SymbolicGrad.Runtime.Tests;

public class FiniteCheckTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(784)]
    public void MaxMagnitudeIsTheLargestAbsoluteValueAtAnyLength(int length)
    {
        var values = Reference.Random(length, length + 3).Select(v => 1000 * v).ToArray();
        float expected = values.Length == 0 ? 0f : values.Max(MathF.Abs);
        Assert.Equal(expected, FiniteCheck.MaxMagnitude(values));
    }

    [Fact]
    public void MaxMagnitudeSeesANegativeExtremeAndTinyNumbers()
    {
        float[] values = [1e-45f, -3e38f, 2e38f, -0f, 5f, 1e-40f, 0.5f, -1f, 2f];
        Assert.Equal(3e38f, FiniteCheck.MaxMagnitude(values));
        Assert.Equal(1e-40f, FiniteCheck.MaxMagnitude([1e-45f, -1e-40f]));
    }

    [Theory]
    [InlineData(float.NaN, 0)]
    [InlineData(float.PositiveInfinity, 3)]
    [InlineData(float.NegativeInfinity, 8)]
    [InlineData(float.NaN, 16)]
    public void MaxMagnitudeIsInfiniteWhenAnyElementIsNotFinite(float bad, int at)
    {
        var values = Reference.Random(17, 9);
        values[at] = bad;
        Assert.Equal(float.PositiveInfinity, FiniteCheck.MaxMagnitude(values));
    }
}
