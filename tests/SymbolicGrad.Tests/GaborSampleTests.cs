using SymbolicGrad.Samples.Gabor;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>The Gabor sample, run with its defaults: SGD on the generated gradient recovers the true parameters.</summary>
public sealed class GaborSampleTests
{
    [Fact]
    public void Sgd_with_the_generated_gradient_recovers_the_true_phi()
    {
        var options = new FitOptions();
        var (trueA, trueB) = options.TruePhi;
        var (startA, startB) = options.InitialPhi;
        SyntheticData data = SyntheticData.Generate(options.Points, trueA, trueB, options.Noise, options.Seed);
        var losses = new List<double>();

        var (fitA, fitB) = new MinibatchSgd(options.LearningRate, options.BatchSize, options.Seed)
            .Fit(data, startA, startB, options.Epochs, (_, loss, _, _) => losses.Add(loss));

        Assert.Equal(options.Epochs, losses.Count);
        Assert.InRange(fitA, trueA - 0.1, trueA + 0.1);
        Assert.InRange(fitB, trueB - 0.2, trueB + 0.2);
        // At the optimum only the noise is left: the loss ends near its variance, far below the start.
        Assert.True(losses[^1] < 1.5 * options.Noise * options.Noise, $"final loss {losses[^1]}");
        Assert.True(losses[^1] < data.MeanSquaredError(startA, startB) / 10);
    }

    [Fact]
    public void Same_seed_gives_the_same_data()
    {
        SyntheticData a = SyntheticData.Generate(50, 0.3, 16.6, 0.1, seed: 7);
        SyntheticData b = SyntheticData.Generate(50, 0.3, 16.6, 0.1, seed: 7);

        Assert.Equal(a.X, b.X);
        Assert.Equal(a.Y, b.Y);
        Assert.All(a.X, x => Assert.InRange(x, SyntheticData.XMin, SyntheticData.XMax));
    }

    [Theory]
    [InlineData("--epochs", "0")]
    [InlineData("--lr", "fast")]
    [InlineData("--batch")]
    [InlineData("--colour", "red")]
    public void Bad_options_are_rejected_with_the_option_named(params string[] args)
    {
        var e = Assert.Throws<ArgumentException>(() => FitOptions.Parse(args));
        Assert.Contains(args[0], e.Message);
    }
}
