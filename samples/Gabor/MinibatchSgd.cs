namespace SymbolicGrad.Samples.Gabor;

/// <summary>Plain minibatch stochastic gradient descent on the mean squared error of the Gabor model.</summary>
public sealed class MinibatchSgd(double learningRate, int batchSize, int seed)
{
    /// <summary>Runs <paramref name="epochs"/> passes over shuffled minibatches from (φ0, φ1); calls <paramref name="onEpoch"/> after each.</summary>
    /// <returns>The fitted parameters.</returns>
    public (double Phi0, double Phi1) Fit(SyntheticData data, double phi0, double phi1, int epochs, Action<int, double, double, double> onEpoch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var random = new Random(seed);
        int[] order = Enumerable.Range(0, data.X.Length).ToArray();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            random.Shuffle(order);
            for (int start = 0; start < order.Length; start += batchSize)
            {
                int end = Math.Min(start + batchSize, order.Length);
                (double g0, double g1) = BatchGradient(data, order.AsSpan(start, end - start), phi0, phi1);
                phi0 -= learningRate * g0;
                phi1 -= learningRate * g1;
            }
            onEpoch(epoch, data.MeanSquaredError(phi0, phi1), phi0, phi1);
        }
        return (phi0, phi1);
    }

    // ∂/∂φ of (1/B)·Σ (f(xᵢ) − yᵢ)² = (2/B)·Σ (f(xᵢ) − yᵢ)·∂f/∂φ, with f and ∂f/∂φ from the generated method.
    private static (double DPhi0, double DPhi1) BatchGradient(SyntheticData data, ReadOnlySpan<int> batch, double phi0, double phi1)
    {
        double g0 = 0.0, g1 = 0.0;
        foreach (int i in batch)
        {
            double f = GaborModel.PredictGradient(data.X[i], phi0, phi1, out double dPhi0, out double dPhi1);
            double r = f - data.Y[i];
            g0 += r * dPhi0;
            g1 += r * dPhi1;
        }
        double scale = 2.0 / batch.Length;
        return (scale * g0, scale * g1);
    }
}
