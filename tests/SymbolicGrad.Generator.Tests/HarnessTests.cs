using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>The test infrastructure can fail: finite differences, gradient plumbing, markers and baseline diffs.</summary>
public sealed class HarnessTests
{
    [Fact]
    public void FiniteDifferenceAcceptsExactDerivative()
    {
        var check = FiniteDifference.Check(Math.Sin, 0.7, Math.Cos(0.7), FiniteDifferenceSettings.Double);
        Assert.Equal(FiniteDifferenceVerdict.Match, check.Verdict);
        Assert.True(check.RelativeError < 1e-8, check.ToString());
    }

    [Fact]
    public void FiniteDifferenceRejectsWrongDerivative()
    {
        var check = FiniteDifference.Check(Math.Sin, 0.7, Math.Cos(0.7) * (1 + 1e-4), FiniteDifferenceSettings.Double);
        Assert.Equal(FiniteDifferenceVerdict.Mismatch, check.Verdict);
    }

    [Fact]
    public void FiniteDifferenceSkipsKinksAndJumps()
    {
        Assert.Equal(FiniteDifferenceVerdict.NotSmooth,
            FiniteDifference.Check(Math.Abs, 3e-7, 1.0, FiniteDifferenceSettings.Double).Verdict);
        Assert.Equal(FiniteDifferenceVerdict.NotSmooth,
            FiniteDifference.Check(t => t < 1.0 ? t : t + 2.0, 1.0 + 5e-7, 1.0, FiniteDifferenceSettings.Double).Verdict);
        // x itself on an isolated branch (a tie that only rounding decides): both neighbours agree, x does not.
        Assert.Equal(FiniteDifferenceVerdict.NotSmooth,
            FiniteDifference.Check(t => t == 0.25 ? 3.0 : t, 0.25, 0.0, FiniteDifferenceSettings.Double).Verdict);
        // A large curvature alone is not a kink.
        Assert.Equal(FiniteDifferenceVerdict.Match,
            FiniteDifference.Check(t => 500 * t * t, 0.3, 300.0, FiniteDifferenceSettings.Double).Verdict);
    }

    [Fact]
    public void FiniteDifferenceDistrustsAStaircaseButNotAFlatFunction()
    {
        // Random loop program L18341 at one point: its rounding, amplified over 130 iterations, makes it flat over
        // ±2e-6 around x (f(x ± h) equal, both differences exactly 0) while its exact slope is -0.177. A staircase of
        // 4e-6 wide steps with slope 0.177 behaves alike: only the difference at 10h sees the slope.
        static double Staircase(double t) => 0.177 * Math.Round(t / 4e-6) * 4e-6;
        var stairs = FiniteDifference.Check(Staircase, 0.5, 0.177, FiniteDifferenceSettings.Double);
        Assert.Equal(0.0, stairs.Estimate);
        Assert.Equal(0.0, stairs.FineEstimate);
        Assert.Equal(FiniteDifferenceVerdict.NotSmooth, stairs.Verdict);
        // A function that is flat at every step keeps a nonzero analytic slope a mismatch.
        Assert.Equal(FiniteDifferenceVerdict.Mismatch, FiniteDifference.Check(_ => 2.0, 0.5, 0.177, FiniteDifferenceSettings.Double).Verdict);
    }

    [Fact]
    public void FiniteDifferenceInSinglePrecision()
    {
        static double F(double t) => MathF.Exp((float)t) * (float)t;
        var exact = Math.Exp(0.3) * 1.3;
        Assert.Equal(FiniteDifferenceVerdict.Match, FiniteDifference.Check(F, 0.3f, exact, FiniteDifferenceSettings.Single).Verdict);
        Assert.Equal(FiniteDifferenceVerdict.Mismatch, FiniteDifference.Check(F, 0.3f, exact * 1.05, FiniteDifferenceSettings.Single).Verdict);
    }

    [Fact]
    public void FiniteDifferenceInSinglePrecisionSkipsAKinkCloserThanTheFineStep()
    {
        // ThreadCountPropertyTests' seed 02NlTqAShxN1 (M1.Loss, parameter 1918): one sample's ReLU pre-activation
        // crosses zero 0.000516 to the right of x, so the slope jumps from 0.00308 to 0.0179 inside h/10 = 0.001 and
        // another ReLU adds 0.0032 at 0.0112. Both central differences straddle the first kink (0.0101 and 0.0067, the
        // analytic slope is 0.00308); their gap hides under float's rounding allowance at h/10 (a loss of 2.73).
        const float x = 0.11840978f;
        static double Loss(double t) => (float)(2.7298842 + 0.0030792 * (t - x) + 0.0036 * (t - x) * (t - x)
            + 0.0147 * Math.Max(0, t - x - 0.000516) + 0.0032 * Math.Max(0, t - x - 0.0112));
        var kink = FiniteDifference.Check(Loss, x, 0.0030792, FiniteDifferenceSettings.Single);
        Assert.True(kink.Verdict == FiniteDifferenceVerdict.NotSmooth, kink.ToString());
        // The same loss without the kinks keeps a wrong slope a mismatch and the right one a match.
        static double Smooth(double t) => (float)(2.7298842 + 0.0030792 * (t - x) + 0.0036 * (t - x) * (t - x));
        Assert.Equal(FiniteDifferenceVerdict.Match, FiniteDifference.Check(Smooth, x, 0.0030792, FiniteDifferenceSettings.Single).Verdict);
        var wrong = FiniteDifference.Check(Smooth, x, 0.0101, FiniteDifferenceSettings.Single);
        Assert.True(wrong.Verdict == FiniteDifferenceVerdict.Mismatch, wrong.ToString());
        // A kink farther than 2h from x is outside every difference: a wrong slope there is still a mismatch.
        static double Far(double t) => Smooth(t) + (float)(0.0147 * Math.Max(0, t - x - 0.025));
        var far = FiniteDifference.Check(Far, x, 0.0101, FiniteDifferenceSettings.Single);
        Assert.True(far.Verdict == FiniteDifferenceVerdict.Mismatch, far.ToString());
    }

    [Fact]
    public void GradientCheckCatchesAWrongHandWrittenGradient()
    {
        // Hand-written "generated" methods, compiled without the generator: the plumbing must see a wrong partial.
        var compilation = GeneratorHarness.CreateCompilation("""
            using System;
            using SymbolicGrad;

            namespace Hand;

            public static class Written
            {
                public static double F(double x, [NoDiff] double k, double y) => Math.Sin(x) * y + k;

                public static double FGradient(double x, double k, double y, out double dX, out double dY)
                {
                    dX = Math.Cos(x) * y;
                    dY = Math.Sin(x);
                    return Math.Sin(x) * y + k;
                }

                public static double G(double x) => x * x;

                public static double GGradient(double x, out double dX)
                {
                    dX = x;
                    return x * x;
                }
            }
            """);
        using var assembly = LoadedAssembly.Emit(compilation);
        var good = GeneratedGradientCheck.AssertMatches(assembly, "Hand.Written", "F", 0.4, 3.0, -1.2);
        Assert.Equal(["x", "y"], good.Partials.Select(p => p.Parameter));
        Assert.Throws<Xunit.Sdk.XunitException>(() => GeneratedGradientCheck.AssertMatches(assembly, "Hand.Written", "G", 0.9));
    }

    [Fact]
    public void GradientCheckRejectsWrongOutNames()
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            public static class Named
            {
                public static double F(double phi0) => phi0;

                public static double FGradient(double phi0, out double dphi0)
                {
                    dphi0 = 1.0;
                    return phi0;
                }
            }
            """);
        using var assembly = LoadedAssembly.Emit(compilation);
        var error = Assert.Throws<Xunit.Sdk.XunitException>(() => GeneratedGradientCheck.Evaluate(assembly, "Named", "F", 1.0));
        Assert.Contains("dPhi0", error.Message);
    }

    [Fact]
    public void MarkedSourceStripsMarkersAndKeepsSpan()
    {
        var marked = MarkedSource.Parse("double y = [|Helper(x)|] + 1;");
        Assert.Equal("double y = Helper(x) + 1;", marked.Text);
        Assert.Equal("Helper(x)", marked.MarkedText);
        Assert.Throws<ArgumentException>(() => MarkedSource.Parse("no marker"));
        Assert.Throws<ArgumentException>(() => MarkedSource.Parse("[|a|] [|b|]"));
    }

    [Fact]
    public void BaselineDiffShowsFirstDifferingLine()
    {
        var diff = Baseline.Diff("a\nb\nc\nd\n", "a\nb\nX\nd\n");
        Assert.Contains("First difference at line 3", diff);
        Assert.Contains("-    3   c", diff);
        Assert.Contains("+    3   X", diff);
    }
}
