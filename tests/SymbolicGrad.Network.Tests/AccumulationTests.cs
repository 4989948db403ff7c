using SymbolicGrad.Network.Tests.Checking;

namespace SymbolicGrad.Network.Tests;

/// <summary>Generated gradient methods add into <c>Parameters.Gradients</c>; they never overwrite it.</summary>
public sealed class AccumulationTests
{
    // Sums of a few float contributions per element, compared with the same sums in another order.
    private const double Tolerance = 1e-6;

    /// <summary>Every case of the catalogue.</summary>
    public static TheoryData<string> Cases => NetworkCatalogue.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Calling_LossGradient_twice_doubles_the_gradient_and_ZeroGradients_resets_it(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        float[] once = c.GradientOf(() => c.LossGradient(0));
        c.LossGradient(0);
        Expect.Close(c.Parameters.Gradients, Doubled(once), Tolerance, $"{name}: gradient after two calls");

        c.Parameters.ZeroGradients();
        Assert.All(c.Parameters.Gradients.ToArray(), g => Assert.Equal(0f, g));
        c.LossGradient(0);
        Expect.Identical(c.Parameters.Gradients, once, $"{name}: gradient after ZeroGradients and one call");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Calling_LossGradientBatch_twice_doubles_the_gradient(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        float[] once = c.GradientOf(() => c.LossGradientBatch(0, 5));
        c.LossGradientBatch(0, 5);
        Expect.Close(c.Parameters.Gradients, Doubled(once), Tolerance, $"{name}: batch gradient after two calls");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LossGradient_adds_to_the_values_already_there(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        float[] first = c.GradientOf(() => c.LossGradient(1));
        float[] second = c.GradientOf(() => c.LossGradient(2));

        var initial = new float[first.Length];
        for (int k = 0; k < initial.Length; k++)
        {
            initial[k] = 0.01f * (k % 7) - 0.03f;
        }

        initial.CopyTo(c.Parameters.Gradients);
        c.LossGradient(1);
        c.LossGradient(2);
        var expected = new double[first.Length];
        for (int k = 0; k < expected.Length; k++)
        {
            expected[k] = (double)initial[k] + first[k] + second[k];
        }

        Expect.Close(c.Parameters.Gradients, expected, Tolerance, $"{name}: preset gradients plus two samples");
    }

    private static double[] Doubled(float[] values) => [.. values.Select(v => 2.0 * v)];
}
