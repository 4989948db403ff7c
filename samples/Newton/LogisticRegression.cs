namespace SymbolicGrad.Samples.Newton;

/// <summary>A logistic regression on two features, with a small L2 penalty that makes its loss strictly convex.</summary>
public static partial class LogisticRegression
{
    /// <summary>The L2 penalty λ of ½λ(w0² + w1²).</summary>
    public const double Penalty = 1e-2;

    /// <summary>
    /// The mean cross-entropy of σ(w0·x0 + w1·x1 + b) against labels y ∈ {0, 1}, plus ½λ‖w‖²: written per sample as
    /// softplus(z) − y·z. Hessian = true makes SymbolicGrad generate MeanLossHessian (value, gradient, 3×3 Hessian).
    /// </summary>
    [Differentiable(Hessian = true)]
    public static double MeanLoss([NoDiff] double[] x0, [NoDiff] double[] x1, [NoDiff] double[] y, double w0, double w1, double b)
    {
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double z = w0 * x0[i] + w1 * x1[i] + b;
            sum += Math.Log(1 + Math.Exp(z)) - y[i] * z;
        }
        return sum / y.Length + 0.5 * Penalty * (w0 * w0 + w1 * w1);
    }
}
