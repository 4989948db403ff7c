namespace SymbolicGrad.Runtime.Tests;

/// <summary>Naive double-precision references and helpers for comparing float kernels against them.</summary>
internal static class Reference
{
    /// <summary>Deterministic values in [-1, 1).</summary>
    internal static float[] Random(int n, int seed)
    {
        var random = new Random(seed);
        var data = new float[n];
        for (int i = 0; i < n; i++)
        {
            data[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return data;
    }

    /// <summary>
    /// Asserts |actual − expected| ≤ 1e-5·scale + 1e-6 where scale bounds the magnitudes summed (Σ|aᵢ·bᵢ| for a dot
    /// product): the error a float accumulation of that many terms can reach, and far below any indexing mistake.
    /// </summary>
    internal static void Close(double expected, float actual, double scale, string where)
    {
        double tolerance = 1e-5 * scale + 1e-6;
        Assert.True(
            Math.Abs(actual - expected) <= tolerance,
            $"{where}: expected {expected}, got {actual} (|error| {Math.Abs(actual - expected):E2} > {tolerance:E2})");
    }

    /// <summary>Element (i, j) of op(X) for a row-major matrix with leading dimension ld, transposed or not.</summary>
    internal static double At(ReadOnlySpan<float> x, int ld, int i, int j, bool transposed) =>
        transposed ? x[j * ld + i] : x[i * ld + j];
}
