using SymbolicGrad.Samples.Newton;

namespace SymbolicGrad.SamplesTests;

public class NewtonTests
{
    [Fact]
    public void Newton_converges_in_fewer_iterations_than_gradient_descent_to_the_same_minimum()
    {
        var output = new StringWriter();
        var (newton, descent) = NewtonApp.Run(output);

        Assert.True(newton.Converged, output.ToString());
        Assert.True(descent.Converged, output.ToString());
        Assert.True(newton.Iterations < descent.Iterations, output.ToString());
        Assert.True(newton.Iterations <= 15, $"Newton took {newton.Iterations} iterations");
        for (int j = 0; j < 3; j++) Assert.Equal(descent.Parameters[j], newton.Parameters[j], 6);
        // The program's two lines, one per method, each with its iteration count.
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Newton:", lines[0]);
        Assert.Contains($" {newton.Iterations} iterations", lines[0]);
        Assert.StartsWith("gradient descent:", lines[1]);
        Assert.Contains($" {descent.Iterations} iterations", lines[1]);
    }

    [Fact]
    public void The_generated_hessian_matches_finite_differences_of_the_generated_gradient()
    {
        var data = LabelledPoints.Generate(50, 1.5, -2.0, 0.5, seed: 3);
        double[] theta = [0.25, -0.5, 0.125], gradient = new double[3], hessian = new double[9];
        LogisticRegression.MeanLossHessian(data.X0, data.X1, data.Y, theta[0], theta[1], theta[2], gradient, hessian);
        double[] Gradient(double[] p)
        {
            var g = new double[3];
            LogisticRegression.MeanLossGradient(data.X0, data.X1, data.Y, p[0], p[1], p[2], out g[0], out g[1], out g[2]);
            return g;
        }
        const double h = 1e-5;
        for (int j = 0; j < 3; j++)
        {
            double[] up = (double[])theta.Clone(), down = (double[])theta.Clone();
            up[j] += h;
            down[j] -= h;
            double[] gUp = Gradient(up), gDown = Gradient(down);
            for (int i = 0; i < 3; i++) Assert.Equal((gUp[i] - gDown[i]) / (2 * h), hessian[i * 3 + j], 8);
        }
        Assert.Equal(Gradient(theta), gradient);
    }

    [Fact]
    public void Cholesky_solves_a_known_system_and_rejects_an_indefinite_one()
    {
        double[] x = new double[2];
        Cholesky.Solve([4.0, 2.0, 2.0, 3.0], [2.0, 1.0], x);
        Assert.Equal([0.5, 0.0], x);
        Assert.Throws<InvalidOperationException>(() => Cholesky.Solve([1.0, 2.0, 2.0, 1.0], [1.0, 1.0], new double[2]));
    }
}
