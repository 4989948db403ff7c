namespace SymbolicGrad.Training.Tests;

/// <summary>Assertions on float buffers with a message that shows the first element that differs.</summary>
internal static class Expect
{
    public static void Close(double[] expected, ReadOnlySpan<float> actual, double tolerance = 2e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(expected[i] - actual[i]) <= tolerance))
            {
                Assert.Fail($"Element {i}: expected {expected[i]:R} but got {actual[i]:R} (tolerance {tolerance}); all: [{string.Join(", ", actual.ToArray())}]");
            }
        }
    }

    public static void Close(double expected, double actual, double tolerance = 1e-6)
    {
        if (!(Math.Abs(expected - actual) <= tolerance))
        {
            Assert.Fail($"Expected {expected:R} but got {actual:R} (tolerance {tolerance}).");
        }
    }
}
