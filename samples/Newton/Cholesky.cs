namespace SymbolicGrad.Samples.Newton;

/// <summary>Solves A·x = b for a small symmetric positive definite A (row-major), as Newton's step needs.</summary>
public static class Cholesky
{
    public static void Solve(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> x)
    {
        int n = b.Length;
        if (a.Length != n * n || x.Length != n) throw new ArgumentException($"Cholesky.Solve: A must be {n}×{n} and x of length {n}.");
        Span<double> l = stackalloc double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
                if (i == j)
                {
                    if (!(s > 0)) throw new InvalidOperationException("Cholesky.Solve: the matrix is not positive definite.");
                    l[i * n + i] = Math.Sqrt(s);
                }
                else
                {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        // L·z = b, then Lᵀ·x = z.
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i * n + k] * x[k];
            x[i] = s / l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = x[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
            x[i] = s / l[i * n + i];
        }
    }
}
