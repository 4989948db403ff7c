using System.Globalization;
using SymbolicGrad.Network.Tests.Checking;
using Xunit.Abstractions;

namespace SymbolicGrad.Network.Tests;

/// <summary>Runs the whole catalogue once and prints the largest finite-difference error per op family.</summary>
public sealed class GradientErrorReportTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_family_matches_finite_differences_and_reports_its_largest_error()
    {
        var rows = new List<(string Family, string Form, GradientComparison Comparison, string Case)>();
        foreach (CaseFactory factory in NetworkCatalogue.All)
        {
            NetworkCase c = factory.Create(DataLayout.Copies);
            for (int sample = 0; sample < 3; sample++)
            {
                int i = sample;
                float[] gradient = c.GradientOf(() => c.LossGradient(i));
                rows.Add((c.Family, "per sample", FiniteDifferences.Compare(c.Parameters, gradient, () => c.Loss(i)), $"{c.Name}, sample {i}"));
            }

            float[] batchGradient = c.GradientOf(() => c.LossGradientBatch(3, 5));
            rows.Add((c.Family, "batch of 5", FiniteDifferences.Compare(c.Parameters, batchGradient, () => c.MeanLoss(3, 5)), $"{c.Name}, batch"));
        }

        var culture = CultureInfo.InvariantCulture;
        output.WriteLine("Largest |generated − finite difference| / max(1, |finite difference|), h = 2^-6 with Richardson extrapolation:");
        output.WriteLine(string.Format(culture, "{0,-12} {1,-11} {2,8} {3,8} {4,10}  {5}", "family", "form", "partials", "kinks", "error", "where"));
        foreach (var group in rows.GroupBy(r => (r.Family, r.Form)))
        {
            var worst = group.MaxBy(r => r.Comparison.WorstError);
            output.WriteLine(string.Format(
                culture, "{0,-12} {1,-11} {2,8} {3,8} {4,10:E2}  {5}: {6}",
                group.Key.Family, group.Key.Form, group.Sum(r => r.Comparison.Checked), group.Sum(r => r.Comparison.Kinks),
                worst.Comparison.WorstError, worst.Case, worst.Comparison.WorstAt));
        }

        Assert.Equal(NetworkCatalogue.All.Count * 4, rows.Count);
        foreach (var row in rows)
        {
            row.Comparison.AssertMatches($"{row.Case} ({row.Form})");
        }
    }
}
