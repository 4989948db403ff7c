namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>
/// Central finite differences over the parameter values of a model, for a loss computed in float.
/// </summary>
/// <remarks>
/// Each partial uses the loss at p, p ± h/2 and p ± h with h = 2⁻⁶. Richardson extrapolation of the two central
/// differences, (4·D(h/2) − D(h)) / 3, cancels the h² truncation term, so a step large enough to keep the float
/// rounding of the loss small (≈ ε·|f| / h) still gives an O(h⁴) estimate. The same five values give the
/// second-order one-sided derivatives from the left and from the right, and the third differences of the slopes over
/// the four half-steps. For a smooth loss the one-sided derivatives agree and the third differences are near zero;
/// when a kink (ReLU, |·|) lies inside the stencil they are not, and <see cref="GradientComparison"/> then compares
/// the generated partial with the one-sided derivative of the side without the kink.
/// </remarks>
public static class FiniteDifferences
{
    /// <summary>The step h, a power of two so p ± h and p ± h/2 are exact for most parameter values.</summary>
    public const float Step = 1f / 64;

    /// <summary>Compares <paramref name="gradient"/> with finite differences of <paramref name="loss"/>.</summary>
    /// <param name="parameters">The store whose values are perturbed one at a time (and restored).</param>
    /// <param name="gradient">The generated gradient, one entry per parameter value.</param>
    /// <param name="loss">The reference loss at the current parameter values.</param>
    public static GradientComparison Compare(ParameterStore parameters, ReadOnlySpan<float> gradient, Func<double> loss)
    {
        if (gradient.Length != parameters.Count)
        {
            throw new ArgumentException($"The gradient has {gradient.Length} entries but the model has {parameters.Count} parameters.", nameof(gradient));
        }

        double f0 = loss();
        var comparison = new GradientComparison(parameters, f0);
        const double h = Step;
        for (int k = 0; k < parameters.Count; k++)
        {
            float saved = parameters.Values[k];
            double fm1 = At(parameters, k, saved - Step, loss);
            double fm2 = At(parameters, k, saved - Step / 2, loss);
            double fp2 = At(parameters, k, saved + Step / 2, loss);
            double fp1 = At(parameters, k, saved + Step, loss);
            parameters.Values[k] = saved;

            double wide = (fp1 - fm1) / (2 * h);
            double narrow = (fp2 - fm2) / h;
            double central = (4 * narrow - wide) / 3;
            double left = (3 * f0 - 4 * fm2 + fm1) / h;
            double right = (-3 * f0 + 4 * fp2 - fp1) / h;

            double s1 = (fm2 - fm1) / (h / 2);
            double s2 = (f0 - fm2) / (h / 2);
            double s3 = (fp2 - f0) / (h / 2);
            double s4 = (fp1 - fp2) / (h / 2);
            double kink = Math.Max(Math.Abs(s3 - 2 * s2 + s1), Math.Abs(s4 - 2 * s3 + s2));

            comparison.Add(k, gradient[k], new Estimates(central, left, right, kink));
        }

        return comparison;
    }

    private static double At(ParameterStore parameters, int k, float value, Func<double> loss)
    {
        parameters.Values[k] = value;
        return loss();
    }
}
