namespace SymbolicGrad.Samples.Newton;

/// <summary>Where a fit ended: the parameters (w0, w1, b), the loss, the gradient's norm and the iterations taken.</summary>
public sealed record Fit(string Method, double[] Parameters, double Loss, double GradientNorm, int Iterations, bool Converged);

/// <summary>Newton's method with the generated Hessian, and gradient descent with the generated gradient, from the same start.</summary>
public static class Fitting
{
    /// <summary>Both stop when ‖∇L‖ ≤ this.</summary>
    public const double Tolerance = 1e-8;

    /// <summary>
    /// Newton's method: θ ← θ − H⁻¹∇L, with the gradient and Hessian of one call to the generated MeanLossHessian.
    /// The loss is strictly convex (H positive definite), so each step solves H·Δ = ∇L by Cholesky.
    /// </summary>
    public static Fit Newton(LabelledPoints data, int maxIterations = 100)
    {
        double[] theta = new double[3], gradient = new double[3], hessian = new double[9], step = new double[3];
        for (int k = 0; k <= maxIterations; k++)
        {
            double loss = LogisticRegression.MeanLossHessian(data.X0, data.X1, data.Y, theta[0], theta[1], theta[2], gradient, hessian);
            double norm = Norm(gradient);
            if (norm <= Tolerance || k == maxIterations) return new Fit("Newton", theta, loss, norm, k, norm <= Tolerance);
            Cholesky.Solve(hessian, gradient, step);
            for (int j = 0; j < 3; j++) theta[j] -= step[j];
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Gradient descent: θ ← θ − η∇L with the generated MeanLossGradient.</summary>
    public static Fit GradientDescent(LabelledPoints data, double learningRate = 1.0, int maxIterations = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(learningRate);
        double[] theta = new double[3], gradient = new double[3];
        for (int k = 0; k <= maxIterations; k++)
        {
            double loss = LogisticRegression.MeanLossGradient(data.X0, data.X1, data.Y, theta[0], theta[1], theta[2],
                out gradient[0], out gradient[1], out gradient[2]);
            double norm = Norm(gradient);
            if (norm <= Tolerance || k == maxIterations) return new Fit("gradient descent", theta, loss, norm, k, norm <= Tolerance);
            for (int j = 0; j < 3; j++) theta[j] -= learningRate * gradient[j];
        }
        throw new InvalidOperationException("unreachable");
    }

    private static double Norm(double[] v) => Math.Sqrt(v.Sum(e => e * e));
}
