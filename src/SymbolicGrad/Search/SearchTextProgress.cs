using System.Globalization;

namespace SymbolicGrad;

/// <summary>
/// A <see cref="HyperparameterSearch"/>'s progress as plain text: the search's description, one line per finished
/// trial, e.g. <c>trial  3/12  lr=0.0316 batch=32 hidden=128  val acc 95.60%  val loss 0.1523  epoch 9 of 10  1.84 s</c>,
/// each rung's outcome, and the results table (<see cref="SearchResults.ToTable"/>) at the end.
/// </summary>
/// <param name="writer">Where the lines go; each is flushed as written.</param>
public sealed class SearchTextProgress(TextWriter writer) : IProgress<SearchProgress>
{
    private readonly TextWriter _writer = writer ?? throw new ArgumentNullException(nameof(writer));

    /// <summary>Writes the report's lines.</summary>
    /// <param name="value">The report.</param>
    public void Report(SearchProgress value)
    {
        string? text = value.Kind switch
        {
            SearchProgressKind.SearchStarted or SearchProgressKind.RungCompleted => value.Message,
            SearchProgressKind.TrialCompleted when value.Trial is not null => Line(value.Trial, value.Completed, value.Total),
            SearchProgressKind.SearchEnded when value.Results is not null => value.Results.ToTable().TrimEnd('\n'),
            _ => null,
        };
        if (text is not null)
        {
            _writer.WriteLine(text);
            _writer.Flush();
        }
    }

    /// <summary>The line of a finished trial.</summary>
    /// <param name="trial">The trial.</param>
    /// <param name="completed">Trials finished so far in the round.</param>
    /// <param name="total">Trials in the round.</param>
    public static string Line(TrialResult trial, int completed, int total)
    {
        ArgumentNullException.ThrowIfNull(trial);
        string count = total.ToString(CultureInfo.InvariantCulture);
        string head = string.Create(CultureInfo.InvariantCulture, $"trial {completed.ToString(CultureInfo.InvariantCulture).PadLeft(count.Length)}/{count}  #{trial.Trial} {trial.Parameters}");
        if (trial.Failure is not null)
        {
            return head + "  failed: " + trial.Failure;
        }

        string accuracy = trial.ValidationAccuracy is double a ? string.Create(CultureInfo.InvariantCulture, $"  val acc {100 * a:F2}%") : "";
        return head + accuracy + string.Create(CultureInfo.InvariantCulture,
            $"  val loss {trial.ValidationLoss:F4}  epoch {trial.BestEpoch} of {trial.Epochs}{(trial.StoppedEarly ? " (stopped early)" : "")}  {trial.Duration.TotalSeconds:F2} s");
    }
}
