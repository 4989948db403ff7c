namespace SymbolicGrad.Samples.Newton;

/// <summary>Two-feature samples labelled by a known logistic model, the same for the same seed.</summary>
public sealed record LabelledPoints(double[] X0, double[] X1, double[] Y)
{
    /// <summary><paramref name="count"/> points with features N(0, 1) and labels drawn with P(y = 1) = σ(w·x + b).</summary>
    public static LabelledPoints Generate(int count, double w0, double w1, double b, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var random = new Random(seed);
        var x0 = new double[count];
        var x1 = new double[count];
        var y = new double[count];
        for (int i = 0; i < count; i++)
        {
            x0[i] = Normal(random);
            x1[i] = Normal(random);
            double p = 1 / (1 + Math.Exp(-(w0 * x0[i] + w1 * x1[i] + b)));
            y[i] = random.NextDouble() < p ? 1 : 0;
        }
        return new LabelledPoints(x0, x1, y);
    }

    // Box–Muller; 1 − u keeps the logarithm's argument above 0.
    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
