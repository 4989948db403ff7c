using System.Globalization;
using ScottPlot;

namespace SymbolicGrad.Plotting;

/// <summary>
/// Draws the learning curves of a <see cref="TrainingHistory"/>: training and validation loss per epoch, and beside
/// it training and validation accuracy (for a classifier), as a PNG or SVG picture.
/// </summary>
public static class LearningCurvePlot
{
    /// <summary>Saves the learning curves to <paramref name="path"/>; the extension (<c>.png</c> or <c>.svg</c>) picks the format.</summary>
    /// <param name="history">The history to draw; needs at least one epoch.</param>
    /// <param name="path">The picture file to write (replaced if it exists).</param>
    /// <param name="width">Width in pixels of the whole picture.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="title">A title over the loss panel, or null.</param>
    /// <exception cref="ArgumentException">The history is empty or the extension is neither .png nor .svg.</exception>
    public static void Save(TrainingHistory history, string path, int width = 1000, int height = 400, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
        if (history.Epochs.Count == 0)
        {
            throw new ArgumentException("The training history has no epochs to plot.", nameof(history));
        }

        var panels = new List<Plot> { LossPlot(history, title) };
        if (AccuracyPlot(history) is Plot accuracy)
        {
            panels.Add(accuracy);
        }

        PanelFile.Save(panels, path, width, height);
    }

    /// <summary>Training and validation loss per epoch (with the best validation epoch marked).</summary>
    /// <param name="history">The history to draw.</param>
    /// <param name="title">A title, or null.</param>
    public static Plot LossPlot(TrainingHistory history, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        var plot = new Plot();
        var epochs = history.Epochs;
        double[] x = epochs.Select(e => (double)e.Epoch).ToArray();
        AddLine(plot, x, epochs.Select(e => e.TrainLoss).ToArray(), "training loss", Colors.C0);
        if (epochs.Any(e => e.ValidationLoss is not null))
        {
            AddLine(plot, x, epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray(), "validation loss", Colors.C1);
        }

        if (history.BestEpoch is int best)
        {
            var line = plot.Add.VerticalLine(best, 1, Colors.Gray, LinePattern.Dashed);
            line.LegendText = history.RestoredEpoch == best ? $"best epoch ({best}, restored)" : $"best epoch ({best})";
        }

        Decorate(plot, "loss", title, Alignment.UpperRight);
        return plot;
    }

    /// <summary>Training and validation accuracy (%) per epoch, or null when the history has no accuracy.</summary>
    /// <param name="history">The history to draw.</param>
    public static Plot? AccuracyPlot(TrainingHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var epochs = history.Epochs;
        bool train = epochs.Any(e => e.TrainAccuracy is not null);
        bool validation = epochs.Any(e => e.ValidationAccuracy is not null);
        if (!train && !validation)
        {
            return null;
        }

        var plot = new Plot();
        double[] x = epochs.Select(e => (double)e.Epoch).ToArray();
        if (train)
        {
            AddLine(plot, x, epochs.Select(e => 100 * (e.TrainAccuracy ?? double.NaN)).ToArray(), "training accuracy", Colors.C0);
        }

        if (validation)
        {
            AddLine(plot, x, epochs.Select(e => 100 * (e.ValidationAccuracy ?? double.NaN)).ToArray(), "validation accuracy", Colors.C1);
        }

        Decorate(plot, "accuracy (%)", null, Alignment.LowerRight); // accuracy rises: the lower right stays free
        return plot;
    }

    private static void AddLine(Plot plot, double[] x, double[] y, string label, Color color)
    {
        var scatter = plot.Add.Scatter(x, y, color);
        scatter.LegendText = label;
        scatter.LineWidth = 2;
        scatter.MarkerSize = x.Length > 60 ? 0 : 5;
    }

    private static void Decorate(Plot plot, string yLabel, string? title, Alignment legend)
    {
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        if (title is not null)
        {
            plot.Title(title, size: 14);
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(legend);
    }
}
