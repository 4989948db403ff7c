namespace SymbolicGrad.Samples.Gabor;

/// <summary>Noisy samples of the Gabor model with known parameters, the same for the same seed.</summary>
public sealed record SyntheticData(double[] X, double[] Y)
{
    /// <summary>Lower end of the x range.</summary>
    public const double XMin = -15.0;

    /// <summary>Upper end of the x range.</summary>
    public const double XMax = 15.0;

    /// <summary><paramref name="count"/> points with x uniform in [−15, 15] and y = f(x; φ) + N(0, noise²).</summary>
    public static SyntheticData Generate(int count, double phi0, double phi1, double noise, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(noise);
        var random = new Random(seed);
        var x = new double[count];
        var y = new double[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = XMin + (XMax - XMin) * random.NextDouble();
            y[i] = GaborModel.Predict(x[i], phi0, phi1) + noise * StandardNormal(random);
        }
        return new SyntheticData(x, y);
    }

    /// <summary>Mean squared error of the model with parameters (φ0, φ1) on every point.</summary>
    public double MeanSquaredError(double phi0, double phi1)
    {
        double sum = 0.0;
        for (int i = 0; i < X.Length; i++)
        {
            double r = GaborModel.Predict(X[i], phi0, phi1) - Y[i];
            sum += r * r;
        }
        return sum / X.Length;
    }

    // Box–Muller: two uniforms give one standard normal; 1 − u keeps the logarithm's argument above 0.
    private static double StandardNormal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
