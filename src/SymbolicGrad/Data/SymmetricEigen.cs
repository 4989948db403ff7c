using System.Numerics;
using System.Numerics.Tensors;

namespace SymbolicGrad;

/// <summary>
/// Eigenvalues and eigenvectors of a real symmetric matrix, in double: Householder reduction to tridiagonal form,
/// then implicit QR steps with Wilkinson shifts on the tridiagonal matrix (Golub and Van Loan, §8.3). O(n³).
/// </summary>
/// <remarks>
/// Chosen over Jacobi rotations (several O(n³) sweeps: about ten times slower at n = 784, the pixels of a digit) and
/// over power iteration with deflation (slow when eigenvalues are close, as a covariance's small ones are, and each
/// deflation adds the errors of the ones before): PCA needs every eigenvalue anyway, for the explained-variance ratios.
/// Eigenvectors are accumulated as the rows of Qᵀ, so every rotation updates two contiguous rows.
/// </remarks>
internal static class SymmetricEigen
{
    // 2⁻⁵², the gap between 1 and the next double (double.Epsilon is the smallest subnormal instead).
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// Decomposes A = V diag(λ) Vᵀ. Returns the eigenvalues in descending order and the eigenvectors as the rows of
    /// an n × n row-major matrix (row i belongs to λᵢ), each of unit length with its largest-magnitude entry positive.
    /// </summary>
    /// <param name="a">n × n symmetric, row-major; overwritten.</param>
    /// <param name="n">The order.</param>
    /// <exception cref="InvalidOperationException">The QR iteration did not converge (never seen with finite input).</exception>
    internal static (double[] Values, double[] Vectors) Decompose(double[] a, int n)
    {
        var vectors = new double[(long)n * n];
        for (int i = 0; i < n; i++)
        {
            vectors[(long)i * n + i] = 1;
        }

        var diagonal = new double[n];
        var offDiagonal = new double[Math.Max(n - 1, 0)];
        Tridiagonalize(a, n, vectors, diagonal, offDiagonal);
        Diagonalize(diagonal, offDiagonal, vectors, n);
        return SortDescending(diagonal, vectors, n);
    }

    // A ← H A H for Householder reflections H = I − β v vᵀ that zero column k below the subdiagonal, k = 0 … n − 3;
    // Qᵀ ← H Qᵀ, so that A_original = Q T Qᵀ.
    private static void Tridiagonalize(double[] a, int n, double[] qt, double[] diagonal, double[] offDiagonal)
    {
        var v = new double[n];
        var w = new double[n];
        var u = new double[n];
        for (int k = 0; k < n - 2; k++)
        {
            int m = n - k - 1;
            var x = a.AsSpan(k * n + k + 1, m); // row k right of the diagonal = column k below it
            double tail = TensorPrimitives.Norm<double>(x[1..]);
            if (tail == 0)
            {
                continue; // already tridiagonal in this column
            }

            double sigma = double.Hypot(x[0], tail);
            double alpha = x[0] >= 0 ? -sigma : sigma;
            var vs = v.AsSpan(0, m);
            x.CopyTo(vs);
            vs[0] -= alpha;
            double beta = 1 / (sigma * (sigma + Math.Abs(x[0]))); // 2 / vᵀv

            // p = β B v (B the trailing block), K = β vᵀp / 2, w = p − K v; then B ← B − v wᵀ − w vᵀ = H B H.
            var ws = w.AsSpan(0, m);
            for (int i = 0; i < m; i++)
            {
                ws[i] = beta * TensorPrimitives.Dot<double>(a.AsSpan((k + 1 + i) * n + k + 1, m), vs);
            }

            double half = 0.5 * beta * TensorPrimitives.Dot<double>(vs, ws);
            TensorPrimitives.MultiplyAdd<double>(vs, -half, ws, ws);
            for (int i = 0; i < m; i++)
            {
                var row = a.AsSpan((k + 1 + i) * n + k + 1, m);
                TensorPrimitives.MultiplyAdd<double>(ws, -vs[i], row, row);
                TensorPrimitives.MultiplyAdd<double>(vs, -ws[i], row, row);
            }

            x.Clear();
            x[0] = alpha;
            for (int i = 0; i < m; i++)
            {
                a[(k + 1 + i) * n + k] = x[i];
            }

            // Qᵀ rows k+1 … n−1 ← H · those rows: u = vᵀ·rows, row_i −= β vᵢ u.
            var us = u.AsSpan();
            us.Clear();
            for (int i = 0; i < m; i++)
            {
                TensorPrimitives.MultiplyAdd<double>(qt.AsSpan((k + 1 + i) * n, n), vs[i], us, us);
            }

            for (int i = 0; i < m; i++)
            {
                var row = qt.AsSpan((k + 1 + i) * n, n);
                TensorPrimitives.MultiplyAdd<double>(us, -beta * vs[i], row, row);
            }
        }

        for (int i = 0; i < n; i++)
        {
            diagonal[i] = a[i * n + i];
            if (i + 1 < n)
            {
                offDiagonal[i] = a[i * n + i + 1];
            }
        }
    }

    // Implicit symmetric QR steps with the Wilkinson shift on the unreduced block [lo, hi] at the bottom until every
    // off-diagonal entry is negligible. Each step chases a bulge down the block with Givens rotations G; T ← G T Gᵀ
    // and Qᵀ ← G Qᵀ (two rows at a time).
    private static void Diagonalize(double[] d, double[] e, double[] qt, int n)
    {
        double norm = 0;
        for (int i = 0; i < n; i++)
        {
            norm = Math.Max(norm, Math.Abs(d[i]) + (i > 0 ? Math.Abs(e[i - 1]) : 0) + (i + 1 < n ? Math.Abs(e[i]) : 0));
        }

        // Below this an off-diagonal entry is rounding noise even between two zero eigenvalues.
        double floor = norm * 1e-30;
        long steps = 0;
        long maxSteps = 60L * Math.Max(n, 1);
        int hi = n - 1;
        while (hi > 0)
        {
            if (Negligible(d, e, hi - 1, floor))
            {
                e[hi - 1] = 0;
                hi--;
                continue;
            }

            int lo = hi - 1;
            while (lo > 0 && !Negligible(d, e, lo - 1, floor))
            {
                lo--;
            }

            if (lo > 0)
            {
                e[lo - 1] = 0;
            }

            if (++steps > maxSteps)
            {
                throw new InvalidOperationException($"The symmetric eigensolver did not converge in {maxSteps} QR steps (order {n}).");
            }

            // Wilkinson shift: the eigenvalue of the trailing 2 × 2 block nearer to its last diagonal entry.
            double delta = (d[hi - 1] - d[hi]) / 2;
            double last = e[hi - 1];
            double shift = d[hi] - last * (last / (delta + Math.CopySign(double.Hypot(delta, last), delta)));
            double x = d[lo] - shift;
            double z = e[lo];
            for (int k = lo; k < hi; k++)
            {
                double r = double.Hypot(x, z);
                double c = r == 0 ? 1 : x / r;
                double s = r == 0 ? 0 : z / r;
                if (k > lo)
                {
                    e[k - 1] = r;
                }

                double dk = d[k], ek = e[k], dk1 = d[k + 1];
                d[k] = c * c * dk + 2 * c * s * ek + s * s * dk1;
                d[k + 1] = s * s * dk - 2 * c * s * ek + c * c * dk1;
                e[k] = c * s * (dk1 - dk) + (c * c - s * s) * ek;
                if (k + 1 < hi)
                {
                    z = s * e[k + 1]; // the bulge at (k, k + 2)
                    e[k + 1] *= c;
                    x = e[k];
                }

                Rotate(qt.AsSpan(k * n, n), qt.AsSpan((k + 1) * n, n), c, s);
            }
        }
    }

    private static bool Negligible(double[] d, double[] e, int i, double floor) =>
        Math.Abs(e[i]) <= MachineEpsilon * (Math.Abs(d[i]) + Math.Abs(d[i + 1])) || Math.Abs(e[i]) <= floor;

    // (p, q) ← (c p + s q, −s p + c q)
    private static void Rotate(Span<double> p, Span<double> q, double c, double s)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vc = new Vector<double>(c);
            var vs = new Vector<double>(s);
            for (; j <= p.Length - Vector<double>.Count; j += Vector<double>.Count)
            {
                var pj = new Vector<double>(p[j..]);
                var qj = new Vector<double>(q[j..]);
                (vc * pj + vs * qj).CopyTo(p[j..]);
                (vc * qj - vs * pj).CopyTo(q[j..]);
            }
        }

        for (; j < p.Length; j++)
        {
            double pj = p[j], qj = q[j];
            p[j] = c * pj + s * qj;
            q[j] = c * qj - s * pj;
        }
    }

    private static (double[] Values, double[] Vectors) SortDescending(double[] values, double[] vectors, int n)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        // Ties keep their index order: the result does not depend on the sort's stability.
        Array.Sort(order, (i, j) => values[j].CompareTo(values[i]) is int c && c != 0 ? c : i.CompareTo(j));
        var sortedValues = new double[n];
        var sortedVectors = new double[(long)n * n];
        for (int r = 0; r < n; r++)
        {
            sortedValues[r] = values[order[r]];
            var row = sortedVectors.AsSpan(r * n, n);
            vectors.AsSpan(order[r] * n, n).CopyTo(row);
            int largest = TensorPrimitives.IndexOfMaxMagnitude<double>(row);
            if (row[largest] < 0)
            {
                TensorPrimitives.Negate<double>(row, row);
            }
        }

        return (sortedValues, sortedVectors);
    }
}
