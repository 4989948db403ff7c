namespace SymbolicGrad;

/// <summary>
/// Standardises each feature to zero mean and unit variance with the statistics of the fitted data:
/// x ← (x − mean)/std, std the population standard deviation. Fit on the training set, apply to both.
/// A feature that is constant in the fitted data is only centred (its std is taken as 1).
/// </summary>
public sealed class Standardizer
{
    readonly float[] _mean;
    readonly float[] _std;

    Standardizer(float[] mean, float[] std)
    {
        _mean = mean;
        _std = std;
    }

    /// <summary>The per-feature mean of the fitted data.</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>The per-feature population standard deviation of the fitted data (0 for a constant feature).</summary>
    public ReadOnlySpan<float> StandardDeviation => _std;

    /// <summary>Features this standardiser expects per row.</summary>
    public int FeatureCount => _mean.Length;

    /// <summary>Learns the per-feature mean and standard deviation of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The dataset is empty.</exception>
    public static Standardizer Fit(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.Features, data.FeatureCount);
    }

    /// <summary>Learns the per-feature mean and standard deviation of row-major features (two passes, in double).</summary>
    /// <param name="features">Rows of <paramref name="featureCount"/> floats; at least one row.</param>
    /// <param name="featureCount">Features per row.</param>
    /// <exception cref="ArgumentException">No rows, or not a whole number of rows.</exception>
    public static Standardizer Fit(ReadOnlySpan<float> features, int featureCount)
    {
        int rows = ScalerChecks.Rows(features.Length, featureCount);
        var sum = new double[featureCount];
        for (int start = 0; start < features.Length; start += featureCount)
        {
            for (int f = 0; f < featureCount; f++)
            {
                sum[f] += features[start + f];
            }
        }
        var mean = new double[featureCount];
        for (int f = 0; f < featureCount; f++)
        {
            mean[f] = sum[f] / rows;
        }
        var squares = new double[featureCount];
        for (int start = 0; start < features.Length; start += featureCount)
        {
            for (int f = 0; f < featureCount; f++)
            {
                double d = features[start + f] - mean[f];
                squares[f] += d * d;
            }
        }
        var meanF = new float[featureCount];
        var stdF = new float[featureCount];
        for (int f = 0; f < featureCount; f++)
        {
            meanF[f] = (float)mean[f];
            stdF[f] = (float)Math.Sqrt(squares[f] / rows);
        }
        return new Standardizer(meanF, stdF);
    }

    /// <summary>Standardises <paramref name="data"/>'s features in place.</summary>
    /// <exception cref="ArgumentException">The feature count differs from the fitted data's.</exception>
    public void Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Transform(data.Features, data.FeatureCount);
    }

    /// <summary>Standardises row-major features in place.</summary>
    /// <param name="features">Rows of <paramref name="featureCount"/> floats.</param>
    /// <param name="featureCount">Features per row; must equal <see cref="FeatureCount"/>.</param>
    /// <exception cref="ArgumentException">The feature count differs from the fitted data's.</exception>
    public void Transform(Span<float> features, int featureCount)
    {
        ScalerChecks.SameFeatures(featureCount, FeatureCount, features.Length);
        for (int start = 0; start < features.Length; start += featureCount)
        {
            var row = features.Slice(start, featureCount);
            for (int f = 0; f < featureCount; f++)
            {
                float std = _std[f] > 0f ? _std[f] : 1f;
                row[f] = (row[f] - _mean[f]) / std;
            }
        }
    }
}
