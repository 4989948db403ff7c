using SymbolicGrad.Network.Tests.Checking;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// The finite-difference check itself, against hand-derived gradients: it accepts them, it rejects them when one
/// partial is wrong, and it tells a kink inside its stencil from a wrong gradient. The same closed forms check the
/// generated gradients directly.
/// </summary>
public sealed class FiniteDifferenceCheckTests
{
    [Fact]
    public void Closed_forms_pass_the_check()
    {
        NetworkCase mse = NetworkCatalogue.Create("MseNet");
        NetworkCase relu = NetworkCatalogue.Create("ReluNet");
        NetworkCase softmax = NetworkCatalogue.Create("SoftmaxCrossEntropyNet");
        for (int i = 0; i < 5; i++)
        {
            int s = i;
            Check(mse, ClosedForms.Mse(mse.Parameters, mse.Data.Input(s), mse.Data.Target(s)), () => mse.Loss(s)).AssertMatches($"closed form of MseNet, sample {s}");
            Check(relu, ClosedForms.DotRelu(relu.Parameters, relu.Data.Input(s), relu.Data.Target(s)), () => relu.Loss(s)).AssertMatches($"closed form of ReluNet, sample {s}");
            Check(softmax, ClosedForms.SoftmaxCrossEntropy(softmax.Parameters, softmax.Data.Input(s), softmax.Data.Label(s)), () => softmax.Loss(s))
                .AssertMatches($"closed form of SoftmaxCrossEntropyNet, sample {s}");
        }
    }

    [Fact]
    public void Generated_gradients_equal_the_closed_forms()
    {
        NetworkCase mse = NetworkCatalogue.Create("MseNet");
        NetworkCase relu = NetworkCatalogue.Create("ReluNet");
        NetworkCase softmax = NetworkCatalogue.Create("SoftmaxCrossEntropyNet");
        for (int i = 0; i < 5; i++)
        {
            int s = i;
            Expect.Close(mse.GradientOf(() => mse.LossGradient(s)), ClosedForms.Mse(mse.Parameters, mse.Data.Input(s), mse.Data.Target(s)), 1e-5, $"MseNet, sample {s}");
            Expect.Close(relu.GradientOf(() => relu.LossGradient(s)), ClosedForms.DotRelu(relu.Parameters, relu.Data.Input(s), relu.Data.Target(s)), 1e-5, $"ReluNet, sample {s}");
            Expect.Close(softmax.GradientOf(() => softmax.LossGradient(s)), ClosedForms.SoftmaxCrossEntropy(softmax.Parameters, softmax.Data.Input(s), softmax.Data.Label(s)), 1e-5,
                $"SoftmaxCrossEntropyNet, sample {s}");
        }
    }

    [Fact]
    public void One_partial_off_by_one_percent_is_caught()
    {
        NetworkCase c = NetworkCatalogue.Create("SoftmaxCrossEntropyNet");
        double[] gradient = ClosedForms.SoftmaxCrossEntropy(c.Parameters, c.Data.Input(0), c.Data.Label(0));
        int largest = Array.IndexOf(gradient, gradient.MaxBy(Math.Abs));
        gradient[largest] *= 1.01;

        GradientComparison comparison = Check(c, gradient, () => c.Loss(0));

        Assert.Single(comparison.Mismatches);
        Assert.Equal(0, comparison.Kinks);
    }

    [Fact]
    public void A_transposed_index_is_caught()
    {
        // The classic backprop slip: δⱼ·xᵢ instead of δᵢ·xⱼ, on the first 3 × 3 block of W.
        NetworkCase c = NetworkCatalogue.Create("MseNet");
        Vec x = c.Data.Input(0);
        double[] z = ClosedForms.Layer(c.Parameters, x);
        double[] gradient = ClosedForms.Mse(c.Parameters, x, c.Data.Target(0));
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                gradient[i * 5 + j] = 2 * (z[j] - c.Data.Target(0)[j]) / z.Length * x[i];
            }
        }

        GradientComparison comparison = Check(c, gradient, () => c.Loss(0));
        Assert.True(comparison.Mismatches.Count >= 4, string.Join("\n", comparison.Mismatches));
    }

    [Fact]
    public void A_kink_inside_the_stencil_is_skipped_and_the_other_partials_still_checked()
    {
        NetworkCase c = NetworkCatalogue.Create("ReluNet");
        Vec x = c.Data.Input(0);
        Vec target = c.Data.Target(0);

        // Put unit 0 of the layer a tenth of a step above its kink: z₀ = W₀·x + b₀ = h/10.
        int bias = c.Parameters.Layout[1].Offset;
        double z0 = ClosedForms.Layer(c.Parameters, x)[0];
        c.Parameters.Values[bias] += (float)(FiniteDifferences.Step / 10 - z0);
        double[] gradient = ClosedForms.DotRelu(c.Parameters, x, target);

        GradientComparison clean = Check(c, gradient, () => c.Loss(0));
        Assert.Empty(clean.Mismatches);
        Assert.InRange(clean.Kinks, 1, 1 + x.Length);

        // A wrong partial away from the kink (unit 6) is still reported.
        gradient[6 * 5] += 0.05;
        GradientComparison wrong = Check(c, gradient, () => c.Loss(0));
        Assert.StartsWith("W[6, 0]", Assert.Single(wrong.Mismatches), StringComparison.Ordinal);
    }

    private static GradientComparison Check(NetworkCase c, double[] gradient, Func<float> loss) =>
        FiniteDifferences.Compare(c.Parameters, [.. gradient.Select(g => (float)g)], () => loss());
}
