using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SymbolicGrad;

/// <summary>
/// A live Spectre.Console progress bar per epoch for <see cref="TrainerOptions.Progress"/>:
/// <c>epoch 3/10 ━━━━━━━━╸─── loss 0.2345  45,120 samples/s</c>; a finished epoch keeps its bar and shows its summary.
/// The fit's description is printed before the bars, notes (early stopping, restored parameters) after them.
/// </summary>
/// <remarks>
/// The display runs from the fit's start to its end (also when training throws); Spectre's refresh thread draws it
/// while the trainer updates it, a few times a second. One instance serves one fit at a time; reuse it for the next.
/// Nothing else should write to the console during the fit. For output that is not an interactive terminal use
/// <see cref="TextProgress"/>, or <see cref="ConsoleProgress.Auto"/> to choose.
/// </remarks>
public sealed class LiveConsoleProgress : IProgress<TrainingProgress>
{
    // Formatting the metrics text costs a string; a few updates per second are enough for the eye.
    private static readonly long UpdateInterval = Stopwatch.Frequency / 10;

    private readonly IAnsiConsole _console;
    private readonly MetricsColumn _metrics = new();
    private readonly List<string> _pendingNotes = [];
    private ProgressContext? _context;
    private ProgressTask? _task;
    private TaskCompletionSource? _fitEnded;
    private Task? _display;
    private long _lastUpdate;

    /// <summary>A live display on the console, or drawn into <paramref name="output"/> with ANSI control sequences.</summary>
    /// <param name="output">Where to draw; null for the console.</param>
    public LiveConsoleProgress(TextWriter? output = null)
    {
        _console = output is null
            ? AnsiConsole.Console
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = AnsiSupport.Yes,
                Interactive = InteractionSupport.Yes,
            });
    }

    /// <summary>Updates the display with one report of the trainer.</summary>
    /// <param name="value">The report.</param>
    public void Report(TrainingProgress value)
    {
        switch (value.Kind)
        {
            case TrainingProgressKind.FitStarted:
                Start(value.Message);
                break;
            case TrainingProgressKind.EpochStarted:
                EpochStarted(value);
                break;
            case TrainingProgressKind.BatchCompleted:
                BatchCompleted(value.Batch);
                break;
            case TrainingProgressKind.EpochCompleted:
                EpochCompleted(value.Metrics);
                break;
            case TrainingProgressKind.Message when value.Message is not null:
                Note(value.Message);
                break;
            case TrainingProgressKind.FitEnded:
                Stop();
                break;
        }
    }

    private void Start(string? description)
    {
        Stop();
        if (description is not null)
        {
            _console.WriteLine(description);
        }

        // The display's action waits for the fit's end; until then the trainer adds and moves the bars through the
        // context, and Spectre's refresh thread draws them.
        var fitEnded = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        _fitEnded = fitEnded;
        _display = _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn { Width = 20 },
                _metrics)
            .StartAsync(context =>
            {
                _context = context;
                started.SetResult();
                return fitEnded.Task;
            });
        if (_display.IsCompleted)
        {
            // The display could not start (another live display holds the console): rethrow its error.
            _display.GetAwaiter().GetResult();
        }

        started.Task.GetAwaiter().GetResult();
    }

    private void Stop()
    {
        if (_display is null)
        {
            return;
        }

        try
        {
            _fitEnded!.TrySetResult();
            _display.GetAwaiter().GetResult();
        }
        finally
        {
            _display = null;
            _fitEnded = null;
            _context = null;
            _task = null;
            foreach (string note in _pendingNotes)
            {
                _console.WriteLine(note);
            }

            _pendingNotes.Clear();
        }
    }

    private void Note(string text)
    {
        if (_context is null)
        {
            _console.WriteLine(text);
        }
        else
        {
            _pendingNotes.Add(text);
        }
    }

    private void EpochStarted(in TrainingProgress value)
    {
        if (_context is null)
        {
            return;
        }

        _task = _context.AddTask(TextProgress.EpochLabel(value.Epoch, value.LastEpoch), maxValue: Math.Max(1, value.BatchCount));
        _metrics.Set(_task, "");
        _lastUpdate = 0;
    }

    private void BatchCompleted(in BatchProgress progress)
    {
        if (_task is null)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (now - _lastUpdate < UpdateInterval && progress.Batch < progress.BatchCount)
        {
            return;
        }

        _lastUpdate = now;
        _metrics.Set(_task, string.Create(CultureInfo.InvariantCulture, $"loss {progress.EpochLoss:F4}  {progress.SamplesPerSecond:N0} samples/s"));
        _task.Value = progress.Batch;
    }

    private void EpochCompleted(EpochMetrics? metrics)
    {
        if (_task is null || metrics is null)
        {
            return;
        }

        _metrics.Set(_task, ShortSummary(metrics));
        _task.Value = _task.MaxValue;
        _task.StopTask();
        _task = null;
    }

    // The bar shows the epoch, so the summary leaves it out: "loss 0.1272 acc 93.75%  val 0.1409 95.00%  0.21 s".
    private static string ShortSummary(EpochMetrics m)
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"loss {m.TrainLoss:F4}");
        if (m.TrainAccuracy is double acc)
        {
            text.Append(CultureInfo.InvariantCulture, $" acc {100 * acc:F2}%");
        }

        if (m.ValidationLoss is double valLoss)
        {
            text.Append(CultureInfo.InvariantCulture, $"  val {valLoss:F4}");
            if (m.ValidationAccuracy is double valAcc)
            {
                text.Append(CultureInfo.InvariantCulture, $" {100 * valAcc:F2}%");
            }
        }

        return text.Append(CultureInfo.InvariantCulture, $"  {m.Duration.TotalSeconds:F2} s").ToString();
    }

    /// <summary>A column showing a text per task, set from the training thread and read by the render thread.</summary>
    private sealed class MetricsColumn : ProgressColumn
    {
        private readonly ConcurrentDictionary<int, string> _texts = new();

        protected override bool NoWrap => true;

        internal void Set(ProgressTask task, string text) => _texts[task.Id] = text;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(_texts.TryGetValue(task.Id, out string? text) ? text : "");
    }
}
