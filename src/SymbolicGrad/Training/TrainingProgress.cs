namespace SymbolicGrad;

/// <summary>Shows a <see cref="Trainer"/>'s progress; the base class shows nothing (<see cref="ProgressMode.Silent"/>).</summary>
internal class TrainingProgress
{
    internal static TrainingProgress Create(TrainerOptions options)
    {
        var mode = options.Progress;
        if (mode == ProgressMode.Auto)
        {
            bool terminal = options.Output is null && !Console.IsOutputRedirected
                && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
            mode = terminal ? ProgressMode.Live : ProgressMode.Plain;
        }

        return mode switch
        {
            ProgressMode.Silent => new TrainingProgress(),
            ProgressMode.Plain => new PlainProgress(options.Output ?? Console.Out),
            ProgressMode.Live => new LiveProgress(options.Output),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Progress, "Unknown progress mode."),
        };
    }

    /// <summary>Runs the whole fit (a live display wraps it).</summary>
    internal virtual void Run(Action fit) => fit();

    internal virtual void Note(string text)
    {
    }

    internal virtual void EpochStarted(int epoch, int lastEpoch, int batches)
    {
    }

    internal virtual void BatchCompleted(in BatchProgress progress)
    {
    }

    internal virtual void EpochCompleted(EpochMetrics metrics, int lastEpoch)
    {
    }

    /// <summary>The label of an epoch, padded so the lines align: <c>epoch  3/10</c>.</summary>
    internal static string EpochLabel(int epoch, int lastEpoch)
    {
        string last = lastEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "epoch " + epoch.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(last.Length) + "/" + last;
    }

    /// <summary>One line per epoch, e.g. <c>epoch  3/10  loss 0.2345  acc 93.12%  val loss 0.2501  val acc 92.50%  45,120 samples/s  0.18 s</c>.</summary>
    internal static string Summary(EpochMetrics m, int lastEpoch)
    {
        var text = new System.Text.StringBuilder();
        text.Append(EpochLabel(m.Epoch, lastEpoch)).Append(Invariant($"  loss {m.TrainLoss:F4}"));
        if (m.TrainAccuracy is double acc)
        {
            text.Append(Invariant($"  acc {100 * acc:F2}%"));
        }

        if (m.ValidationLoss is double valLoss)
        {
            text.Append(Invariant($"  val loss {valLoss:F4}"));
        }

        if (m.ValidationAccuracy is double valAcc)
        {
            text.Append(Invariant($"  val acc {100 * valAcc:F2}%"));
        }

        text.Append(Invariant($"  {m.SamplesPerSecond:N0} samples/s  {m.Duration.TotalSeconds:F2} s"));
        return text.ToString();
    }

    internal static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Plain text: a line per epoch and per note; for redirected output, CI logs and files.</summary>
internal sealed class PlainProgress(TextWriter writer) : TrainingProgress
{
    internal override void Note(string text)
    {
        writer.WriteLine(text);
        writer.Flush();
    }

    internal override void EpochCompleted(EpochMetrics metrics, int lastEpoch)
    {
        writer.WriteLine(Summary(metrics, lastEpoch));
        writer.Flush();
    }
}
