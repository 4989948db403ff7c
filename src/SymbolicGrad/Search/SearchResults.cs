using System.Globalization;
using System.Text;

namespace SymbolicGrad;

/// <summary>
/// The trials of a <see cref="HyperparameterSearch"/>, best first: by validation accuracy (then lower validation loss,
/// then trial number); for successive halving, trials that reached a later rung rank above those dropped before, so
/// the first is the one that survived. Failed trials come last.
/// </summary>
public sealed class SearchResults
{
    private readonly TrialResult[] _trials;

    internal SearchResults(SearchStrategy strategy, IReadOnlyList<string> parameterNames, IEnumerable<TrialResult> trials,
        int trainingRows, int validationRows, int maxEpochs, TimeSpan duration)
    {
        Strategy = strategy;
        ParameterNames = parameterNames;
        _trials = trials.ToArray();
        Array.Sort(_trials, Compare);
        TrainingRows = trainingRows;
        ValidationRows = validationRows;
        MaxEpochs = maxEpochs;
        Duration = duration;
    }

    /// <summary>How the trials were chosen and trained.</summary>
    public SearchStrategy Strategy { get; }

    /// <summary>The search space's parameter names (the table's parameter columns).</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Every trial, best first.</summary>
    public IReadOnlyList<TrialResult> Trials => _trials;

    /// <summary>The best trial.</summary>
    /// <exception cref="InvalidOperationException">Every trial failed.</exception>
    public TrialResult Best => _trials.Length > 0 && _trials[0].Failure is null
        ? _trials[0]
        : throw new InvalidOperationException($"Every one of the {_trials.Length} trials failed; the first: {_trials.FirstOrDefault()?.Failure}.");

    /// <summary>Rows the trials trained on (the training set minus the validation rows).</summary>
    public int TrainingRows { get; }

    /// <summary>Validation rows, held out of the training set.</summary>
    public int ValidationRows { get; }

    /// <summary>The epoch budget of a trial (<see cref="SearchOptions.Epochs"/>).</summary>
    public int MaxEpochs { get; }

    /// <summary>Wall time of the whole search.</summary>
    public TimeSpan Duration { get; }

    /// <summary>
    /// The ranking as an aligned text table, one line per trial, e.g.
    /// <code>
    /// rank  trial  lr      batch  hidden  epochs  best  val loss  val acc
    ///    1      7  0.0316     32     128      10     9    0.1523   95.60%
    /// </code>
    /// (with a <c>rung</c> column for successive halving). It holds no times, so the same search gives the same table.
    /// </summary>
    public string ToTable()
    {
        bool rungs = Strategy == SearchStrategy.SuccessiveHalving;
        var header = new List<string> { "rank", "trial" };
        if (rungs)
        {
            header.Add("rung");
        }

        header.AddRange(ParameterNames);
        header.AddRange(["epochs", "best", "val loss", "val acc"]);
        var rows = new List<string[]> { header.ToArray() };
        for (int i = 0; i < _trials.Length; i++)
        {
            var t = _trials[i];
            var row = new List<string> { Int(i + 1), Int(t.Trial) };
            if (rungs)
            {
                row.Add(Int(t.Rung));
            }

            row.AddRange(ParameterNames.Select(t.Parameters.Format));
            row.Add(Int(t.Epochs) + (t.StoppedEarly ? "*" : ""));
            row.Add(t.Failure is null ? Int(t.BestEpoch) : "-");
            row.Add(t.Failure is null ? t.ValidationLoss.ToString("F4", CultureInfo.InvariantCulture) : "diverged");
            row.Add(t.ValidationAccuracy is double a ? (100 * a).ToString("F2", CultureInfo.InvariantCulture) + "%" : "-");
            rows.Add(row.ToArray());
        }

        var widths = new int[header.Count];
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                if (c > 0)
                {
                    text.Append("  ");
                }

                text.Append(row[c].PadLeft(widths[c]));
            }

            text.Append('\n');
        }

        if (_trials.Any(t => t.StoppedEarly))
        {
            text.Append("* stopped early: no lower validation loss for the patience's epochs\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// Writes the ranking as CSV (invariant culture, one row per trial, best first): <c>rank, trial, rung</c>, one
    /// column per parameter (numbers to full precision), <c>epochs, best_epoch, validation_loss, validation_accuracy,
    /// train_loss, stopped_early, failure, seconds</c>.
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

    /// <summary>Writes the ranking as CSV to <paramref name="writer"/> (see <see cref="WriteCsv(string)"/>).</summary>
    /// <param name="writer">Receives the header line and one line per trial.</param>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(string.Join(',', new[] { "rank", "trial", "rung" }.Concat(ParameterNames.Select(Quote))
            .Concat(["epochs", "best_epoch", "validation_loss", "validation_accuracy", "train_loss", "stopped_early", "failure", "seconds"])));
        writer.Write('\n');
        for (int i = 0; i < _trials.Length; i++)
        {
            var t = _trials[i];
            var fields = new List<string> { Int(i + 1), Int(t.Trial), Int(t.Rung) };
            fields.AddRange(ParameterNames.Select(n => Quote(SearchParameter.FormatExact(t.Parameters[n]))));
            fields.Add(Int(t.Epochs));
            fields.Add(Int(t.BestEpoch));
            fields.Add(Number(t.ValidationLoss));
            fields.Add(t.ValidationAccuracy is double a ? Number(a) : "");
            fields.Add(Number(t.TrainLoss));
            fields.Add(t.StoppedEarly ? "true" : "false");
            fields.Add(t.Failure is null ? "" : Quote(t.Failure));
            fields.Add(Math.Round(t.Duration.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture));
            writer.Write(string.Join(',', fields));
            writer.Write('\n');
        }
    }

    /// <summary>The ranking order: later rung, higher accuracy, lower loss, lower trial number; failures last.</summary>
    internal static int Compare(TrialResult a, TrialResult b)
    {
        int c = (a.Failure is null).CompareTo(b.Failure is null);
        if (c != 0)
        {
            return -c;
        }

        c = b.Rung.CompareTo(a.Rung);
        if (c != 0)
        {
            return c;
        }

        c = (b.ValidationAccuracy ?? double.NegativeInfinity).CompareTo(a.ValidationAccuracy ?? double.NegativeInfinity);
        if (c != 0)
        {
            return c;
        }

        c = Key(a.ValidationLoss).CompareTo(Key(b.ValidationLoss));
        return c != 0 ? c : a.Trial.CompareTo(b.Trial);

        static double Key(double loss) => double.IsNaN(loss) ? double.PositiveInfinity : loss;
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
