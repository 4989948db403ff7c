using System.Globalization;

namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>Comparisons of generated results with their references, with messages that say what differed.</summary>
public static class Expect
{
    /// <summary>Asserts |actual − expected| ≤ tolerance·max(1, |expected|).</summary>
    public static void Close(double actual, double expected, double tolerance, string what)
    {
        double bound = tolerance * Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(actual - expected) <= bound, string.Format(
            CultureInfo.InvariantCulture, "{0}: got {1:G9}, expected {2:G9} (|difference| {3:E2} > {4:E2})",
            what, actual, expected, Math.Abs(actual - expected), bound));
    }

    /// <summary>
    /// Asserts max |actual − expected| ≤ tolerance·max(1, max |expected|): element-wise, relative to the largest
    /// element, which is what float rounding of sums over the whole gradient allows.
    /// </summary>
    public static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, double tolerance, string what)
    {
        Assert.True(actual.Length == expected.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        double largest = 0;
        foreach (double e in expected)
        {
            largest = Math.Max(largest, Math.Abs(e));
        }

        double bound = tolerance * Math.Max(1, largest);
        for (int k = 0; k < actual.Length; k++)
        {
            double difference = Math.Abs(actual[k] - expected[k]);
            Assert.True(difference <= bound, string.Format(
                CultureInfo.InvariantCulture, "{0}: element {1} is {2:G9}, expected {3:G9} (|difference| {4:E2} > {5:E2})",
                what, k, actual[k], expected[k], difference, bound));
        }
    }

    /// <summary>Float overload of <see cref="Close(ReadOnlySpan{float}, ReadOnlySpan{double}, double, string)"/>.</summary>
    public static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance, string what)
    {
        double[] widened = new double[expected.Length];
        for (int k = 0; k < expected.Length; k++)
        {
            widened[k] = expected[k];
        }

        Close(actual, widened, tolerance, what);
    }

    /// <summary>Asserts the two arrays are equal bit for bit, naming the first element that differs.</summary>
    public static void Identical(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, string what)
    {
        Assert.True(actual.Length == expected.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (int k = 0; k < actual.Length; k++)
        {
            // Bits, not float.Equals: that would take −0 for +0 (a flushed value keeps its sign) and any NaN for another.
            Assert.True(BitConverter.SingleToInt32Bits(actual[k]) == BitConverter.SingleToInt32Bits(expected[k]), string.Format(
                CultureInfo.InvariantCulture, "{0}: element {1} is {2:R}, expected {3:R}", what, k, actual[k], expected[k]));
        }
    }
}
