using SymbolicGrad.Tests.Checking;
using SymbolicGrad.Tests.Functions;
using Xunit;
using Xunit.Sdk;

namespace SymbolicGrad.Tests;

/// <summary>The checker itself: it must reject a gradient or a value that is slightly wrong.</summary>
public sealed class GradientCheckerTests
{
    private static GradientCase Gabor(GradientMethod gradient) =>
        GradientCase.Some("Gabor (tampered)", [1, 2], p => Lectures.Gabor(p[0], p[1], p[2]), gradient,
            [3.0, 0.5, 1.5], [-10.0, -1.0, 2.0], [14.0, 0.2, -0.8]);

    [Fact]
    public void A_partial_off_by_one_in_ten_thousand_is_rejected()
    {
        GradientCase tampered = Gabor((p, g) =>
        {
            double value = Lectures.GaborGradient(p[0], p[1], p[2], out g[0], out g[1]);
            g[1] *= 1.0001;
            return value;
        });

        var e = Assert.Throws<TrueException>(() => new GradientChecker().Check(tampered));
        Assert.Contains("partial 1", e.Message);
    }

    [Fact]
    public void A_value_one_ulp_off_is_rejected()
    {
        GradientCase tampered = Gabor((p, g) => Math.BitIncrement(Lectures.GaborGradient(p[0], p[1], p[2], out g[0], out g[1])));

        var e = Assert.Throws<TrueException>(() => new GradientChecker().Check(tampered));
        Assert.Contains("generated value", e.Message);
    }

    [Fact]
    public void Finite_differences_of_a_cubic_are_accurate_to_rounding()
    {
        double fd = FiniteDifferences.Partial(p => p[0] * p[0] * p[0], [2.0], 0);

        Assert.Equal(12.0, fd, 1e-8);
    }

    [Fact]
    public void The_tally_counts_methods_cases_and_points()
    {
        var checker = new GradientChecker();
        checker.Check(SelectByFlag(true));
        checker.Check(SelectByFlag(false));

        Assert.Equal(1, checker.Functions);
        Assert.Equal(2, checker.Cases);
        Assert.Equal(6, checker.Points);
        Assert.Equal(6, checker.Partials);
    }

    private static GradientCase SelectByFlag(bool square) =>
        Cases.GradientCatalogue.Find($"Piecewise.SelectByFlag({(square ? "true" : "false")})");
}
