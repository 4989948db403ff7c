using System.Diagnostics;
using Spectre.Console;

namespace SymbolicGrad;

/// <summary>A live Spectre.Console progress bar per epoch, showing the running loss and throughput.</summary>
internal sealed class LiveProgress : TrainingProgress
{
    // Redrawing the description costs string formatting; a few updates per second are enough for the eye.
    private static readonly long UpdateInterval = Stopwatch.Frequency / 10;

    private readonly IAnsiConsole _console;
    private ProgressContext? _context;
    private ProgressTask? _task;
    private string _epochLabel = "";
    private long _lastUpdate;

    internal LiveProgress(TextWriter? output)
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

    internal override void Run(Action fit) =>
        _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn(),
                new PercentageColumn(),
                new ElapsedTimeColumn())
            .Start(context =>
            {
                _context = context;
                try
                {
                    fit();
                }
                finally
                {
                    _task?.StopTask();
                    _context = null;
                }
            });

    internal override void Note(string text)
    {
        if (_context is null)
        {
            _console.WriteLine(text);
        }
        else
        {
            // Inside the live display a note becomes a finished row, so it stays in place above the next bars.
            var row = _context.AddTask(Markup.Escape(text), autoStart: false, maxValue: 1);
            row.IsIndeterminate = false;
            row.Value = 1;
            row.StopTask();
        }
    }

    internal override void EpochStarted(int epoch, int lastEpoch, int batches)
    {
        if (_context is null)
        {
            return;
        }

        string width = lastEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _epochLabel = Invariant($"epoch {epoch.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width.Length)}/{width}");
        _task = _context.AddTask(_epochLabel, maxValue: Math.Max(1, batches));
        _lastUpdate = 0;
    }

    internal override void BatchCompleted(in BatchProgress progress)
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
        _task.Value = progress.Batch;
        _task.Description = Invariant($"{_epochLabel}  loss {progress.EpochLoss:F4}  {progress.SamplesPerSecond:N0} samples/s");
    }

    internal override void EpochCompleted(EpochMetrics metrics, int lastEpoch)
    {
        if (_task is null)
        {
            return;
        }

        _task.Value = _task.MaxValue;
        _task.Description = Markup.Escape(Summary(metrics, lastEpoch));
        _task.StopTask();
        _task = null;
    }
}
