using System.Globalization;

namespace SymbolicGrad;

/// <summary>The learning curves of one <see cref="Trainer.Fit"/>: the metrics of every epoch, in order.</summary>
public sealed class TrainingHistory
{
    private readonly List<EpochMetrics> _epochs = [];

    /// <summary>The metrics of each epoch run.</summary>
    public IReadOnlyList<EpochMetrics> Epochs => _epochs;

    /// <summary>The epoch with the lowest validation loss, or null without validation data.</summary>
    public int? BestEpoch { get; internal set; }

    /// <summary>True when early stopping ended training before the requested number of epochs.</summary>
    public bool StoppedEarly { get; internal set; }

    /// <summary>The epoch whose parameters were put back at the end (early stopping), or null when none were.</summary>
    public int? RestoredEpoch { get; internal set; }

    /// <summary>Wall time of the whole fit.</summary>
    public TimeSpan Duration { get; internal set; }

    /// <summary>The last epoch's metrics, or null before the first epoch ends.</summary>
    public EpochMetrics? Last => _epochs.Count == 0 ? null : _epochs[^1];

    internal void Add(EpochMetrics metrics) => _epochs.Add(metrics);

    /// <summary>
    /// Writes the learning curves as CSV (invariant culture, one row per epoch): <c>epoch, train_loss,
    /// train_accuracy, validation_loss, validation_accuracy, learning_rate, samples_per_second, seconds</c>;
    /// a metric that was not measured is an empty field.
    /// </summary>
    /// <param name="path">The file to write (replaced atomically if it exists).</param>
    public void WriteCsv(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            WriteCsv(writer);
        });
    }

    /// <summary>Writes the learning curves as CSV to <paramref name="writer"/> (see <see cref="WriteCsv(string)"/>).</summary>
    /// <param name="writer">Receives the header line and one line per epoch.</param>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,samples_per_second,seconds\n");
        foreach (var m in _epochs)
        {
            writer.Write(string.Join(',',
                m.Epoch.ToString(CultureInfo.InvariantCulture),
                Format(m.TrainLoss),
                Format(m.TrainAccuracy),
                Format(m.ValidationLoss),
                Format(m.ValidationAccuracy),
                m.LearningRate.ToString(CultureInfo.InvariantCulture),
                Math.Round(m.SamplesPerSecond, 1).ToString(CultureInfo.InvariantCulture),
                Math.Round(m.Duration.TotalSeconds, 4).ToString(CultureInfo.InvariantCulture)));
            writer.Write('\n');
        }
    }

    static string Format(double? value) => value is double v ? v.ToString(CultureInfo.InvariantCulture) : "";
}
