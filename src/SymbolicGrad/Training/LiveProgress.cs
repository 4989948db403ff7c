using System.Collections.Concurrent;
using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SymbolicGrad;

/// <summary>
/// A live Spectre.Console progress bar per epoch: <c>epoch 3/10 ━━━━━━━━╸─── loss 0.2345  45,120 samples/s</c>; a
/// finished epoch keeps its bar and shows its summary. Notes raised during the display are printed after it ends.
/// </summary>
internal sealed class LiveProgress : TrainingProgress
{
    // Formatting the metrics text costs a string; a few updates per second are enough for the eye.
    private static readonly long UpdateInterval = Stopwatch.Frequency / 10;

    private readonly IAnsiConsole _console;
    private readonly MetricsColumn _metrics = new();
    private readonly List<string> _pendingNotes = [];
    private ProgressContext? _context;
    private ProgressTask? _task;
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

    internal override void Run(Action fit)
    {
        try
        {
            _console.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left },
                    new ProgressBarColumn { Width = 20 },
                    _metrics)
                .Start(context =>
                {
                    _context = context;
                    fit();
                });
        }
        finally
        {
            _context = null;
            _task = null;
            foreach (string note in _pendingNotes)
            {
                _console.WriteLine(note);
            }

            _pendingNotes.Clear();
        }
    }

    internal override void Note(string text)
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

    internal override void EpochStarted(int epoch, int lastEpoch, int batches)
    {
        if (_context is null)
        {
            return;
        }

        _task = _context.AddTask(EpochLabel(epoch, lastEpoch), maxValue: Math.Max(1, batches));
        _metrics.Set(_task, "");
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
        _metrics.Set(_task, Invariant($"loss {progress.EpochLoss:F4}  {progress.SamplesPerSecond:N0} samples/s"));
        _task.Value = progress.Batch;
    }

    internal override void EpochCompleted(EpochMetrics metrics, int lastEpoch)
    {
        if (_task is null)
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
        string text = Invariant($"loss {m.TrainLoss:F4}");
        if (m.TrainAccuracy is double acc)
        {
            text += Invariant($" acc {100 * acc:F2}%");
        }

        if (m.ValidationLoss is double valLoss)
        {
            text += Invariant($"  val {valLoss:F4}");
            if (m.ValidationAccuracy is double valAcc)
            {
                text += Invariant($" {100 * valAcc:F2}%");
            }
        }

        return text + Invariant($"  {m.Duration.TotalSeconds:F2} s");
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
