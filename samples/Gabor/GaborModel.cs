namespace SymbolicGrad.Samples.Gabor;

/// <summary>The lectures' Gabor model: a sine wave under a Gaussian envelope, with two parameters.</summary>
public static partial class GaborModel
{
    /// <summary>f(x; φ0, φ1) = sin(φ0 + 0.06·φ1·x)·exp(−(φ0 + 0.06·φ1·x)²/32).</summary>
    /// <remarks>x is data, so it is [NoDiff]: the generated PredictGradient returns ∂f/∂φ0 and ∂f/∂φ1 only.</remarks>
    [Differentiable]
    public static double Predict([NoDiff] double x, double phi0, double phi1)
    {
        double z = phi0 + 0.06 * phi1 * x;
        return Math.Sin(z) * Math.Exp(-(z * z) / 32.0);
    }
}
