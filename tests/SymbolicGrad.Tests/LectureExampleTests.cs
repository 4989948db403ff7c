using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>The lectures' worked examples, against their exact numbers and hand-derived closed forms.</summary>
public sealed class LectureExampleTests
{
    private static double Sigma(double z) => 1.0 / (1.0 + Math.Exp(-z));

    private static void Close(double expected, double actual, double relative = 1e-12) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1.0, Math.Abs(expected)),
            $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Add_multiply_at_the_lecture_point_gives_exactly_minus4_minus4_3()
    {
        double f = Lectures.AddMultiplyGradient(-2.0, 5.0, -4.0, out double dX, out double dY, out double dZ);

        Assert.Equal(-12.0, f);
        Assert.Equal(-4.0, dX);
        Assert.Equal(-4.0, dY);
        Assert.Equal(3.0, dZ);
    }

    [Theory]
    [InlineData(2.0, -1.0, -3.0, -2.0, -3.0)]
    [InlineData(0.5, 1.0, -0.2, 2.0, 0.1)]
    [InlineData(-1.0, 0.3, 0.7, -2.0, 0.5)]
    public void Sigmoid_neuron_gradient_is_sigma_times_one_minus_sigma_times_the_input(double w0, double x0, double w1, double x1, double w2)
    {
        double value = Lectures.NeuronGradient(w0, x0, w1, x1, w2,
            out double dW0, out double dX0, out double dW1, out double dX1, out double dW2);

        double s = Sigma(w0 * x0 + w1 * x1 + w2);
        double local = s * (1.0 - s);
        Close(s, value);
        Close(local * x0, dW0);
        Close(local * w0, dX0);
        Close(local * x1, dW1);
        Close(local * w1, dX1);
        Close(local, dW2);
    }

    [Fact]
    public void Sigmoid_neuron_at_the_lecture_point_gives_the_lecture_numbers()
    {
        Lectures.NeuronGradient(2.0, -1.0, -3.0, -2.0, -3.0,
            out double dW0, out double dX0, out double dW1, out double dX1, out double dW2);

        // The lecture rounds to two decimals: w = [−0.2, −0.39, 0.2], x = [0.39, −0.59].
        Assert.Equal(-0.20, dW0, 2);
        Assert.Equal(0.39, dX0, 2);
        Assert.Equal(-0.39, dW1, 2);
        Assert.Equal(-0.59, dX1, 2);
        Assert.Equal(0.20, dW2, 2);
    }

    [Theory]
    [InlineData(3.0, 0.5, 1.5)]
    [InlineData(-10.0, -1.0, 2.0)]
    [InlineData(14.0, 0.2, -0.8)]
    public void Gabor_gradient_matches_the_chain_rule_by_hand(double x, double phi0, double phi1)
    {
        // Named outs check the contract's names: "d" + the parameter name, first letter upper-cased.
        double value = Lectures.GaborGradient(x, phi0, phi1, dPhi0: out double dPhi0, dPhi1: out double dPhi1);

        double z = phi0 + 0.06 * phi1 * x;
        double e = Math.Exp(-z * z / 32.0);
        double dfdz = Math.Cos(z) * e - Math.Sin(z) * e * z / 16.0;
        Close(Math.Sin(z) * e, value);
        Close(dfdz, dPhi0);
        Close(dfdz * 0.06 * x, dPhi1);
    }

    [Theory]
    [InlineData(0.5, 1.0, 1.0, 0.2, -1.5, 0.3, 2.0, -0.1)]
    [InlineData(-1.2, -0.5, -0.7, 0.5, 2.0, -1.0, 0.8, 0.4)]
    [InlineData(2.0, 0.3, 0.3, -0.6, 1.1, 0.2, -1.3, 0.9)]
    public void Shallow_net_loss_gradient_matches_backprop_by_hand(double x, double y, double w1, double b1, double w2, double b2, double w3, double b3)
    {
        double loss = Lectures.ShallowNetLossGradient(x, y, w1, b1, w2, b2, w3, b3,
            out double dW1, out double dB1, out double dW2, out double dB2, out double dW3, out double dB3);

        // The lectures' backward pass, one line per node.
        double h1 = Sigma(w1 * x + b1);
        double h2 = Sigma(w2 * h1 + b2);
        double h = w3 * h2 + b3;
        double dH = h - y;
        double dH2 = dH * w3;
        double dS2 = dH2 * h2 * (1.0 - h2);
        double dH1 = dS2 * w2;
        double dS1 = dH1 * h1 * (1.0 - h1);
        Close(0.5 * dH * dH, loss);
        Close(dH * h2, dW3);
        Close(dH, dB3);
        Close(dS2 * h1, dW2);
        Close(dS2, dB2);
        Close(dS1 * x, dW1);
        Close(dS1, dB1);
    }

    [Theory]
    [InlineData(1.0, 0.7)]
    [InlineData(0.0, 0.2)]
    [InlineData(0.3, 0.55)]
    public void Binary_cross_entropy_gradient_is_minus_y_over_p_plus_one_minus_y_over_one_minus_p(double y, double p)
    {
        double value = Lectures.BinaryCrossEntropyGradient(y, p, out double dP);

        Close(-(y * Math.Log(p) + (1 - y) * Math.Log(1 - p)), value);
        Close(-y / p + (1 - y) / (1 - p), dP);
    }

    [Theory]
    [InlineData(1.0, 0.7)]
    [InlineData(0.0, -1.5)]
    [InlineData(0.3, 2.0)]
    public void Logistic_loss_gradient_is_sigma_minus_label(double y, double z)
    {
        Lectures.LogisticLossGradient(y, z, out double dZ);

        Close(Sigma(z) - y, dZ, 1e-9);
    }

    [Fact]
    public void Staged_example_at_the_lecture_point_matches_its_backward_pass()
    {
        const double x = 3.0, y = -4.0;
        double value = Lectures.StagedGradient(x, y, out double dX, out double dY);

        double sigy = Sigma(y), sigx = Sigma(x), xpy = x + y;
        double num = x + sigy, den = sigx + xpy * xpy;
        double dNum = 1.0 / den, dDen = -num / (den * den);
        Close(num / den, value);
        Close(dNum + dDen * (sigx * (1 - sigx) + 2 * xpy), dX);
        Close(dNum * sigy * (1 - sigy) + dDen * 2 * xpy, dY);
    }
}
