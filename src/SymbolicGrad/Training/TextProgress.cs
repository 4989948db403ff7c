using System.Globalization;
using System.Text;

namespace SymbolicGrad;

/// <summary>
/// Progress as plain text: the fit's description, one line per epoch and one per note, e.g.
/// <c>epoch  3/10  loss 0.2345  acc 93.12%  val loss 0.2501  val acc 92.50%  45,120 samples/s  0.18 s</c>. For
/// redirected output, CI logs and files; what the <see cref="Trainer"/> writes to the console when
/// <see cref="TrainerOptions.Progress"/> is not set. The live progress bar is in the SymbolicGrad.Console package.
/// </summary>
/// <param name="writer">Where the lines go; each is flushed as written.</param>
public sealed class TextProgress(TextWriter writer) : IProgress<TrainingProgress>
{
    private readonly TextWriter _writer = writer ?? throw new ArgumentNullException(nameof(writer));

    /// <summary>Writes the report's line, if it has one: FitStarted, EpochCompleted and Message do.</summary>
    /// <param name="value">The report.</param>
    public void Report(TrainingProgress value)
    {
        string? line = value.Kind switch
        {
            TrainingProgressKind.FitStarted or TrainingProgressKind.Message => value.Message,
            TrainingProgressKind.EpochCompleted when value.Metrics is not null => Summary(value.Metrics, value.LastEpoch),
            _ => null,
        };
        if (line is not null)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    /// <summary>The label of an epoch, padded so a fit's lines align: <c>epoch  3/10</c>.</summary>
    /// <param name="epoch">The epoch.</param>
    /// <param name="lastEpoch">The fit's last epoch.</param>
    public static string EpochLabel(int epoch, int lastEpoch)
    {
        string last = lastEpoch.ToString(CultureInfo.InvariantCulture);
        return "epoch " + epoch.ToString(CultureInfo.InvariantCulture).PadLeft(last.Length) + "/" + last;
    }

    /// <summary>
    /// One line for an epoch, e.g. <c>epoch  3/10  loss 0.2345  acc 93.12%  val loss 0.2501  val acc 92.50%  45,120
    /// samples/s  0.18 s</c>; metrics that were not measured are left out.
    /// </summary>
    /// <param name="metrics">The epoch's metrics.</param>
    /// <param name="lastEpoch">The fit's last epoch.</param>
    public static string Summary(EpochMetrics metrics, int lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var text = new StringBuilder(EpochLabel(metrics.Epoch, lastEpoch));
        text.Append(CultureInfo.InvariantCulture, $"  loss {metrics.TrainLoss:F4}");
        if (metrics.TrainAccuracy is double acc)
        {
            text.Append(CultureInfo.InvariantCulture, $"  acc {100 * acc:F2}%");
        }

        if (metrics.ValidationLoss is double valLoss)
        {
            text.Append(CultureInfo.InvariantCulture, $"  val loss {valLoss:F4}");
        }

        if (metrics.ValidationAccuracy is double valAcc)
        {
            text.Append(CultureInfo.InvariantCulture, $"  val acc {100 * valAcc:F2}%");
        }

        text.Append(CultureInfo.InvariantCulture, $"  {metrics.SamplesPerSecond:N0} samples/s  {metrics.Duration.TotalSeconds:F2} s");
        return text.ToString();
    }
}
