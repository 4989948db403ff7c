namespace SymbolicGrad;

/// <summary>
/// Scales each feature to [0, 1] with the minimum and maximum seen when fitting: x ← (x − min)/(max − min).
/// Fit on the training set and apply the same scaler to the test set (whose values may then fall outside [0, 1]).
/// A feature that is constant in the fitted data maps to 0.
/// </summary>
public sealed class MinMaxScaler
{
    readonly float[] _min;
    readonly float[] _max;

    MinMaxScaler(float[] min, float[] max)
    {
        _min = min;
        _max = max;
    }

    /// <summary>The per-feature minimum of the fitted data.</summary>
    public ReadOnlySpan<float> Min => _min;

    /// <summary>The per-feature maximum of the fitted data.</summary>
    public ReadOnlySpan<float> Max => _max;

    /// <summary>Features this scaler expects per row.</summary>
    public int FeatureCount => _min.Length;

    /// <summary>Learns the per-feature minimum and maximum of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The dataset is empty.</exception>
    public static MinMaxScaler Fit(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.Features, data.FeatureCount);
    }

    /// <summary>Learns the per-feature minimum and maximum of row-major features.</summary>
    /// <param name="features">Rows of <paramref name="featureCount"/> floats; at least one row.</param>
    /// <param name="featureCount">Features per row.</param>
    /// <exception cref="ArgumentException">No rows, or not a whole number of rows.</exception>
    public static MinMaxScaler Fit(ReadOnlySpan<float> features, int featureCount)
    {
        int rows = ScalerChecks.Rows(features.Length, featureCount);
        var min = features[..featureCount].ToArray();
        var max = features[..featureCount].ToArray();
        for (int r = 1; r < rows; r++)
        {
            var row = features.Slice(r * featureCount, featureCount);
            for (int f = 0; f < featureCount; f++)
            {
                min[f] = Math.Min(min[f], row[f]);
                max[f] = Math.Max(max[f], row[f]);
            }
        }
        return new MinMaxScaler(min, max);
    }

    /// <summary>Scales <paramref name="data"/>'s features in place.</summary>
    /// <exception cref="ArgumentException">The feature count differs from the fitted data's.</exception>
    public void Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Transform(data.Features, data.FeatureCount);
    }

    /// <summary>Scales row-major features in place.</summary>
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
                float range = _max[f] - _min[f];
                row[f] = range > 0f ? (row[f] - _min[f]) / range : 0f;
            }
        }
    }
}
