using System.Globalization;
using ScottPlot;

namespace SymbolicGrad.Plotting;

/// <summary>
/// Draws the results of a <see cref="HyperparameterSearch"/>: on the left each trial's validation accuracy (or loss,
/// for a model that is not a classifier) in rank order, on the right every trial's validation curve per epoch — for
/// successive halving, the short curves of the dropped trials and the long ones of those that continued.
/// </summary>
public static class SearchPlot
{
    /// <summary>Saves the picture to <paramref name="path"/>; the extension (<c>.png</c> or <c>.svg</c>) picks the format.</summary>
    /// <param name="results">The search's results; at least one trial.</param>
    /// <param name="path">The picture file to write (replaced if it exists).</param>
    /// <param name="width">Width in pixels of the whole picture.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="title">A title over the ranking panel, or null for the strategy's name.</param>
    /// <exception cref="ArgumentException">There are no trials, or the extension is neither .png nor .svg.</exception>
    public static void Save(SearchResults results, string path, int width = 1200, int height = 450, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 200);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
        if (results.Trials.Count == 0)
        {
            throw new ArgumentException("The search has no trials to plot.", nameof(results));
        }

        PanelFile.Save([RankingPlot(results, title), CurvesPlot(results)], path, width, height);
    }

    /// <summary>One bar per trial, best first, labelled with the trial's number; failed trials have no bar.</summary>
    /// <param name="results">The search's results.</param>
    /// <param name="title">A title, or null for the strategy's name.</param>
    public static Plot RankingPlot(SearchResults results, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        bool accuracy = UsesAccuracy(results);
        var plot = new Plot();
        var trials = results.Trials;
        var positions = new double[trials.Count];
        var labels = new string[trials.Count];
        var values = new double?[trials.Count];
        for (int i = 0; i < trials.Count; i++)
        {
            var trial = trials[i];
            positions[i] = i + 1;
            labels[i] = "#" + trial.Trial.ToString(CultureInfo.InvariantCulture);
            values[i] = trial.Failure is not null ? null : accuracy ? 100 * trial.ValidationAccuracy!.Value : trial.ValidationLoss;
        }

        // Accuracy bars start a little below the worst: from 0 they would hide differences of a few tenths of a percent.
        var drawn = values.OfType<double>().ToArray();
        double floor = 0, top = 0;
        bool zoom = accuracy && drawn.Length > 0;
        if (zoom)
        {
            double margin = Math.Max(0.5, (drawn.Max() - drawn.Min()) * 0.15);
            floor = Math.Max(0, drawn.Min() - margin);
            top = Math.Min(100, drawn.Max() + margin);
        }

        var bars = new List<Bar>();
        for (int i = 0; i < trials.Count; i++)
        {
            if (values[i] is double value)
            {
                bars.Add(new Bar
                {
                    Position = i + 1,
                    Value = value,
                    ValueBase = floor,
                    FillColor = i == 0 ? Colors.C1 : Colors.C0,
                    Label = value.ToString(accuracy ? "F1" : "F3", CultureInfo.InvariantCulture),
                });
            }
        }

        plot.Add.Bars(bars);
        if (zoom)
        {
            plot.Axes.SetLimitsY(floor, top);
        }

        plot.Axes.Bottom.SetTicks(positions, labels);
        plot.XLabel("trial, best first");
        plot.YLabel(accuracy ? "validation accuracy (%)" : "validation loss");
        plot.Title(title ?? Name(results.Strategy) + " search", size: 14);
        return plot;
    }

    /// <summary>Every trial's validation accuracy (or loss) per epoch, the best trial drawn last and thicker.</summary>
    /// <param name="results">The search's results.</param>
    public static Plot CurvesPlot(SearchResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        bool accuracy = UsesAccuracy(results);
        var plot = new Plot();
        var trials = results.Trials;
        for (int i = trials.Count - 1; i >= 0; i--)
        {
            var trial = trials[i];
            if (trial.History.Count == 0)
            {
                continue;
            }

            double[] x = trial.History.Select(e => (double)e.Epoch).ToArray();
            double[] y = trial.History.Select(e => accuracy ? 100 * (e.ValidationAccuracy ?? double.NaN) : e.ValidationLoss ?? double.NaN).ToArray();
            var line = plot.Add.Scatter(x, y, i == 0 ? Colors.C1 : Colors.C0.WithAlpha(0.45));
            line.LineWidth = i == 0 ? 3 : 1.5f;
            line.MarkerSize = i == 0 ? 6 : 3;
            if (i == 0)
            {
                line.LegendText = "best: #" + trial.Trial.ToString(CultureInfo.InvariantCulture) + " " + trial.Parameters;
            }
        }

        plot.XLabel("epoch");
        plot.YLabel(accuracy ? "validation accuracy (%)" : "validation loss");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(accuracy ? Alignment.LowerRight : Alignment.UpperRight);
        return plot;
    }

    private static bool UsesAccuracy(SearchResults results) =>
        results.Trials.Any(t => t.Failure is null) && results.Trials.Where(t => t.Failure is null).All(t => t.ValidationAccuracy is not null);

    private static string Name(SearchStrategy strategy) => strategy switch
    {
        SearchStrategy.Grid => "grid",
        SearchStrategy.Random => "random",
        _ => "successive halving",
    };
}
