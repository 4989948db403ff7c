using System.Numerics.Tensors;

namespace SymbolicGrad;

/// <summary>
/// Principal component analysis, the lectures' "de-correlate the features": fitted on the training rows, it finds the
/// mean and the principal axes (the eigenvectors of the covariance, largest variance first); <see cref="Transform(Dataset)"/>
/// centres a row and projects it on the first <see cref="ComponentCount"/> axes, giving features that are uncorrelated
/// over the fitted data — with unit variance when <see cref="Whiten"/> is on. Fit on the training set, apply to both.
/// </summary>
/// <remarks>
/// <para>The covariance is the population one (divided by the row count, as <see cref="Standardizer"/>'s variance),
/// computed in double; the eigenvectors come from a symmetric eigensolver in double (Householder tridiagonalization and
/// QR steps with Wilkinson shifts), so fitting d features costs O(rows · d² + d³): about a second for 784 pixels.
/// Each axis is a unit vector whose largest-magnitude entry is positive, so a fit is reproducible to the bit.</para>
/// <para>Save a fitted PCA with <see cref="Save"/> and read it back with <see cref="Load"/> to transform new data the
/// same way later.</para>
/// </remarks>
public sealed class Pca
{
    private readonly double[] _mean;
    private readonly double[] _components;
    private readonly double[] _variance;

    internal Pca(double[] mean, double[] components, double[] variance, double totalVariance, bool whiten, long fittedRows)
    {
        _mean = mean;
        _components = components;
        _variance = variance;
        TotalVariance = totalVariance;
        Whiten = whiten;
        FittedRows = fittedRows;
    }

    /// <summary>Features per input row.</summary>
    public int FeatureCount => _mean.Length;

    /// <summary>Principal components kept: the features per transformed row.</summary>
    public int ComponentCount => _variance.Length;

    /// <summary>Whether <see cref="Transform(Dataset)"/> scales each component to unit variance over the fitted data.</summary>
    public bool Whiten { get; }

    /// <summary>Rows the PCA was fitted on.</summary>
    public long FittedRows { get; }

    /// <summary>The per-feature mean of the fitted data.</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>
    /// The principal axes, <see cref="ComponentCount"/> × <see cref="FeatureCount"/> row-major: row j is the unit
    /// vector of component j, in order of decreasing variance.
    /// </summary>
    public ReadOnlySpan<double> Components => _components;

    /// <summary>The variance of the fitted data along each kept axis (the covariance's eigenvalues), largest first.</summary>
    public ReadOnlySpan<double> ExplainedVariance => _variance;

    /// <summary>The total variance of the fitted data: the sum of the per-feature variances (the covariance's trace).</summary>
    public double TotalVariance { get; }

    /// <summary>Each kept component's share of <see cref="TotalVariance"/> (all 0 when the fitted data are constant).</summary>
    public double[] ExplainedVarianceRatio()
    {
        var ratio = new double[_variance.Length];
        for (int j = 0; j < ratio.Length; j++)
        {
            ratio[j] = TotalVariance > 0 ? _variance[j] / TotalVariance : 0;
        }

        return ratio;
    }

    /// <summary>Fits a PCA on <paramref name="data"/>'s features (labels and targets are ignored).</summary>
    /// <param name="data">The training rows.</param>
    /// <param name="components">Components to keep, in [1, FeatureCount]; null keeps all.</param>
    /// <param name="whiten">Whether transformed components get unit variance.</param>
    /// <exception cref="ArgumentException">The data are empty or hold NaN or infinity, or a component to whiten has zero variance.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="components"/> is out of range.</exception>
    public static Pca Fit(Dataset data, int? components = null, bool whiten = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.Features, data.FeatureCount, components, whiten);
    }

    /// <summary>Fits a PCA on row-major features.</summary>
    /// <param name="features">Rows of <paramref name="featureCount"/> floats; at least one row.</param>
    /// <param name="featureCount">Features per row.</param>
    /// <param name="components">Components to keep, in [1, featureCount]; null keeps all.</param>
    /// <param name="whiten">Whether transformed components get unit variance.</param>
    /// <exception cref="ArgumentException">
    /// No rows, not a whole number of rows, a NaN or infinite feature (named by row and column), or
    /// <paramref name="whiten"/> with a kept component whose variance is zero.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="components"/> is out of range, or the covariance of so many features would not fit in memory.</exception>
    public static Pca Fit(ReadOnlySpan<float> features, int featureCount, int? components = null, bool whiten = false)
    {
        int rows = ScalerChecks.Rows(features.Length, featureCount);
        int keep = components ?? featureCount;
        if (keep < 1 || keep > featureCount)
        {
            throw new ArgumentOutOfRangeException(nameof(components), keep,
                $"Pca.Fit: the number of components must be between 1 and the {featureCount} features.");
        }

        if ((long)featureCount * featureCount > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount,
                $"Pca.Fit: the {featureCount} × {featureCount} covariance matrix is larger than an array can hold.");
        }

        CheckFinite(features, featureCount);
        var mean = Means(features, featureCount, rows);
        var covariance = Covariance(features, featureCount, rows, mean);
        double total = 0;
        for (int f = 0; f < featureCount; f++)
        {
            total += covariance[(long)f * featureCount + f];
        }

        var (values, vectors) = SymmetricEigen.Decompose(covariance, featureCount);
        var variance = new double[keep];
        for (int j = 0; j < keep; j++)
        {
            variance[j] = Math.Max(values[j], 0); // rounding leaves the zero eigenvalues a hair either side of 0
        }

        if (whiten)
        {
            // An eigenvalue this far below the largest is rounding noise around zero: dividing by it would blow it up.
            double noise = Math.Max(values[0], 0) * 1e-12;
            for (int j = 0; j < keep; j++)
            {
                if (variance[j] <= noise)
                {
                    throw new ArgumentException(
                        $"Pca.Fit: component {j + 1} has zero variance in the fitted data, so it cannot be whitened; keep at most {j} component{(j == 1 ? "" : "s")} or fit without whitening.",
                        nameof(whiten));
                }
            }
        }

        var kept = vectors.AsSpan(0, keep * featureCount).ToArray();
        return new Pca(mean, kept, variance, total, whiten, rows);
    }

    /// <summary>A new dataset of the transformed rows (<see cref="ComponentCount"/> features each), with the same labels or targets.</summary>
    /// <param name="data">Rows of <see cref="FeatureCount"/> features.</param>
    /// <exception cref="ArgumentException">The rows have another number of features.</exception>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var transformed = Transform(data.Features, data.FeatureCount);
        var names = Enumerable.Range(1, ComponentCount).Select(j => "pc" + j.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return data.Labels is int[] labels
            ? new Dataset(transformed, ComponentCount, labels, data.ClassCount) { FeatureNames = names, ClassNames = data.ClassNames }
            : new Dataset(transformed, ComponentCount, data.Targets!, data.TargetCount) { FeatureNames = names };
    }

    /// <summary>Transforms row-major features into a new array of rows of <see cref="ComponentCount"/> floats.</summary>
    /// <param name="features">Rows of <paramref name="featureCount"/> floats.</param>
    /// <param name="featureCount">Features per row; must equal <see cref="FeatureCount"/>.</param>
    /// <exception cref="ArgumentException">The feature count differs from the fitted data's.</exception>
    public float[] Transform(ReadOnlySpan<float> features, int featureCount)
    {
        CheckRows(features.Length, featureCount, FeatureCount, "Transform");
        var result = new float[(long)features.Length / featureCount * ComponentCount];
        Transform(features, featureCount, result);
        return result;
    }

    /// <summary>
    /// Transforms row-major features into <paramref name="destination"/>: component j of a row is
    /// (x − mean)·axisⱼ, divided by √varianceⱼ when whitening. NaN in a row gives NaN in its components.
    /// </summary>
    /// <param name="features">Rows of <paramref name="featureCount"/> floats.</param>
    /// <param name="featureCount">Features per row; must equal <see cref="FeatureCount"/>.</param>
    /// <param name="destination">Receives rows × <see cref="ComponentCount"/> floats.</param>
    /// <exception cref="ArgumentException">The feature count differs from the fitted data's, or the destination has the wrong length.</exception>
    public void Transform(ReadOnlySpan<float> features, int featureCount, Span<float> destination)
    {
        int rows = CheckRows(features.Length, featureCount, FeatureCount, "Transform");
        CheckDestination(destination.Length, (long)rows * ComponentCount, "Transform", $"{rows} rows of {ComponentCount} components");
        var centred = new double[featureCount];
        for (int r = 0; r < rows; r++)
        {
            var row = features.Slice(r * featureCount, featureCount);
            for (int f = 0; f < featureCount; f++)
            {
                centred[f] = row[f] - _mean[f];
            }

            for (int j = 0; j < ComponentCount; j++)
            {
                double y = TensorPrimitives.Dot<double>(centred, _components.AsSpan(j * featureCount, featureCount));
                destination[r * ComponentCount + j] = (float)(Whiten ? y / Math.Sqrt(_variance[j]) : y);
            }
        }
    }

    /// <summary>Maps transformed rows back to rows of <see cref="FeatureCount"/> features (exact when every component was kept).</summary>
    /// <param name="components">Rows of <see cref="ComponentCount"/> floats.</param>
    /// <exception cref="ArgumentException">Not a whole number of rows of <see cref="ComponentCount"/>.</exception>
    public float[] InverseTransform(ReadOnlySpan<float> components)
    {
        int rows = CheckRows(components.Length, ComponentCount, ComponentCount, "InverseTransform");
        var result = new float[(long)rows * FeatureCount];
        InverseTransform(components, result);
        return result;
    }

    /// <summary>
    /// Maps transformed rows back: x = mean + Σⱼ yⱼ axisⱼ (yⱼ times √varianceⱼ when whitening) — the projection of the
    /// original row on the kept axes, or the row itself when every component was kept.
    /// </summary>
    /// <param name="components">Rows of <see cref="ComponentCount"/> floats.</param>
    /// <param name="destination">Receives rows × <see cref="FeatureCount"/> floats.</param>
    /// <exception cref="ArgumentException">Not a whole number of rows, or the destination has the wrong length.</exception>
    public void InverseTransform(ReadOnlySpan<float> components, Span<float> destination)
    {
        int rows = CheckRows(components.Length, ComponentCount, ComponentCount, "InverseTransform");
        CheckDestination(destination.Length, (long)rows * FeatureCount, "InverseTransform", $"{rows} rows of {FeatureCount} features");
        var row = new double[FeatureCount];
        for (int r = 0; r < rows; r++)
        {
            _mean.CopyTo(row, 0);
            for (int j = 0; j < ComponentCount; j++)
            {
                double y = components[r * ComponentCount + j];
                double scale = Whiten ? y * Math.Sqrt(_variance[j]) : y;
                TensorPrimitives.MultiplyAdd<double>(_components.AsSpan(j * FeatureCount, FeatureCount), scale, row, row);
            }

            for (int f = 0; f < FeatureCount; f++)
            {
                destination[r * FeatureCount + f] = (float)row[f];
            }
        }
    }

    /// <summary>Writes the fitted PCA to <paramref name="path"/> (atomically; see <see cref="Load"/>).</summary>
    /// <param name="path">The file; replaced if it exists.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = PcaFormat.Encode(this);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Reads a PCA written by <see cref="Save"/>; it transforms exactly as the saved one did.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="InvalidDataException">The file is not a saved PCA, or is truncated or corrupt; the message says why and names it.</exception>
    public static Pca Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return PcaFormat.Read(path);
    }

    private static void CheckFinite(ReadOnlySpan<float> features, int featureCount)
    {
        for (int i = 0; i < features.Length; i++)
        {
            float value = features[i];
            if (float.IsFinite(value))
            {
                continue;
            }

            string what = float.IsNaN(value) ? "NaN" : value > 0 ? "+∞" : "−∞";
            throw new ArgumentException($"Pca.Fit: feature {i % featureCount} of row {i / featureCount} is {what}; PCA needs finite data.", "features");
        }
    }

    private static double[] Means(ReadOnlySpan<float> features, int featureCount, int rows)
    {
        var sum = new double[featureCount];
        for (int r = 0; r < rows; r++)
        {
            var row = features.Slice(r * featureCount, featureCount);
            for (int f = 0; f < featureCount; f++)
            {
                sum[f] += row[f];
            }
        }

        TensorPrimitives.Divide<double>(sum, rows, sum);
        return sum;
    }

    // The upper triangle by rank-one updates of centred rows (two passes: centring first keeps the cancellation of
    // E[x²] − E[x]² out), then mirrored.
    private static double[] Covariance(ReadOnlySpan<float> features, int featureCount, int rows, double[] mean)
    {
        int d = featureCount;
        var covariance = new double[(long)d * d];
        var centred = new double[d];
        for (int r = 0; r < rows; r++)
        {
            var row = features.Slice(r * d, d);
            for (int f = 0; f < d; f++)
            {
                centred[f] = row[f] - mean[f];
            }

            for (int i = 0; i < d; i++)
            {
                double ci = centred[i];
                if (ci != 0)
                {
                    var upper = covariance.AsSpan(i * d + i, d - i);
                    TensorPrimitives.MultiplyAdd<double>(centred.AsSpan(i), ci, upper, upper);
                }
            }
        }

        for (int i = 0; i < d; i++)
        {
            for (int j = i; j < d; j++)
            {
                double value = covariance[i * d + j] / rows;
                covariance[i * d + j] = value;
                covariance[j * d + i] = value;
            }
        }

        return covariance;
    }

    private static int CheckRows(int length, int featureCount, int expected, string method)
    {
        if (featureCount != expected)
        {
            throw new ArgumentException($"Pca.{method}: the PCA expects rows of {expected} but is given rows of {featureCount}.", nameof(featureCount));
        }

        if (length % featureCount != 0)
        {
            throw new ArgumentException($"Pca.{method}: the input holds {length} floats, not a whole number of rows of {featureCount}.", "features");
        }

        return length / featureCount;
    }

    private static void CheckDestination(int length, long needed, string method, string what)
    {
        if (length != needed)
        {
            throw new ArgumentException($"Pca.{method}: {what} need {needed} floats but the destination holds {length}.", "destination");
        }
    }
}
