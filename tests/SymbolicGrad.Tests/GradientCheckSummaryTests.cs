using System.Globalization;
using SymbolicGrad.Tests.Cases;
using SymbolicGrad.Tests.Checking;
using Xunit;
using Xunit.Abstractions;

namespace SymbolicGrad.Tests;

/// <summary>Runs the whole catalogue once and prints the numbers the closing note reports.</summary>
public sealed class GradientCheckSummaryTests(ITestOutputHelper output)
{
    [Fact]
    public void Whole_catalogue_matches_finite_differences_and_reports_its_worst_error()
    {
        var checker = new GradientChecker();
        foreach (GradientCase gradientCase in GradientCatalogue.All)
        {
            checker.Check(gradientCase);
        }

        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Format(c, "Gradient check: {0} functions ({1} cases), {2} points, {3} partials.", checker.Functions, checker.Cases, checker.Points, checker.Partials));
        output.WriteLine(string.Format(c, "Worst error, double methods: {0:E2} ({1})", checker.WorstDoubleError, checker.WorstDoubleAt));
        output.WriteLine(string.Format(c, "Worst error, float methods:  {0:E2} ({1})", checker.WorstFloatError, checker.WorstFloatAt));
        output.WriteLine("Error = |generated - central finite difference| / max(1, |finite difference|), h = 1e-6*max(1,|x|).");

        Assert.True(checker.Functions >= 45, $"only {checker.Functions} functions checked");
        Assert.Equal(GradientCatalogue.All.Count, checker.Cases);
        Assert.True(checker.Points >= 3 * checker.Cases);
        Assert.True(checker.WorstDoubleError <= 1e-6);
        Assert.True(checker.WorstFloatError <= 1e-5);
    }
}
