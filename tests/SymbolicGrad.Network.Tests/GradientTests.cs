using SymbolicGrad.Network.Tests.Checking;

namespace SymbolicGrad.Network.Tests;

/// <summary>Generated gradients of every model against finite differences of the user's own method.</summary>
public sealed class GradientTests
{
    /// <summary>Every case of the catalogue.</summary>
    public static TheoryData<string> Cases => NetworkCatalogue.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void LossGradient_matches_finite_differences_of_Loss(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        for (int sample = 0; sample < 3; sample++)
        {
            int i = sample;
            float[] gradient = c.GradientOf(() => c.LossGradient(i));
            FiniteDifferences.Compare(c.Parameters, gradient, () => c.Loss(i))
                .AssertMatches($"{name}.LossGradient on sample {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LossGradientBatch_matches_finite_differences_of_the_mean_of_Loss(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        const int start = 3, count = 5;
        float[] gradient = c.GradientOf(() => c.LossGradientBatch(start, count));
        FiniteDifferences.Compare(c.Parameters, gradient, () => c.MeanLoss(start, count))
            .AssertMatches($"{name}.LossGradientBatch on samples {start}..{start + count - 1}");
    }
}
