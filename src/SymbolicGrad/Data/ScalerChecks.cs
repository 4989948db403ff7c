namespace SymbolicGrad;

/// <summary>Shape checks shared by the feature scalers.</summary>
internal static class ScalerChecks
{
    public static int Rows(int length, int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        if (length == 0)
        {
            throw new ArgumentException("A scaler cannot be fitted on zero rows.", "features");
        }
        if (length % featureCount != 0)
        {
            throw new ArgumentException($"The features hold {length} floats, not a whole number of rows of {featureCount}.", "features");
        }
        return length / featureCount;
    }

    public static void SameFeatures(int featureCount, int fitted, int length)
    {
        if (featureCount != fitted)
        {
            throw new ArgumentException($"The scaler was fitted on rows of {fitted} features but is given rows of {featureCount}.", nameof(featureCount));
        }
        if (length % featureCount != 0)
        {
            throw new ArgumentException($"The features hold {length} floats, not a whole number of rows of {featureCount}.", "features");
        }
    }
}
