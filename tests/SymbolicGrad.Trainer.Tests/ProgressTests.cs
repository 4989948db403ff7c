using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

public class ProgressTests
{
    static Dataset Data() => Synthetic.Blobs(100, features: 6, classes: 3, separation: 1.5f, seed: 4);

    static SymbolicGrad.Trainer NewTrainer(IProgress<TrainingProgress>? progress, TrainerOptions? options = null) =>
        new(new TinyMlp(6, 8, 3), new Momentum(0.05f, 0.9f), (options ?? new TrainerOptions()) with { Progress = progress, ValidationFraction = 0.2 });

    static string Plain(TrainerOptions? options = null, int epochs = 2)
    {
        var output = new StringWriter();
        NewTrainer(new TextProgress(output), options).Fit(Data(), epochs, batchSize: 16);
        return output.ToString();
    }

    [Fact]
    public void Text_progress_writes_the_description_and_one_line_per_epoch()
    {
        string[] lines = Plain().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, lines.Length);
        Assert.Equal("training on 80 rows, 5 batches of 16 per epoch, epochs 1–2, Momentum(lr 0.05, β 0.9); validating on 20 rows", lines[0]);
        Assert.Matches(@"^epoch 1/2  loss \d\.\d{4}  acc \d+\.\d\d%  val loss \d\.\d{4}  val acc \d+\.\d\d%  [\d,]+ samples/s  \d+\.\d\d s$", lines[1]);
        Assert.StartsWith("epoch 2/2  loss ", lines[2]);
    }

    [Fact]
    public void Early_stopping_and_restoring_are_reported()
    {
        string text = Plain(new TrainerOptions { Patience = 1, MinDelta = 100 }, epochs: 5);

        Assert.Contains("early stopping after epoch 2: no lower validation loss for 1 epoch", text);
        Assert.Contains("restored the parameters of epoch 1 (validation loss ", text);
    }

    [Fact]
    public void Reports_arrive_in_order_from_the_fit_s_start_to_its_end()
    {
        var recorder = new Recorder();
        var trainer = NewTrainer(recorder, new TrainerOptions { Patience = 1, MinDelta = 100 });

        trainer.Fit(Data(), epochs: 3, batchSize: 16);

        // Early stopping after epoch 2, then the parameters of epoch 1 are restored.
        string expected = "FitStarted(1–3) "
            + "EpochStarted(1) " + string.Concat(Enumerable.Repeat("BatchCompleted(1) ", 5)) + "EpochCompleted(1) "
            + "EpochStarted(2) " + string.Concat(Enumerable.Repeat("BatchCompleted(2) ", 5)) + "EpochCompleted(2) "
            + "Message(2) Message(2) FitEnded(2)";
        Assert.Equal(expected, string.Join(' ', recorder.Reports.Select(Describe)));
        Assert.All(recorder.Reports, r => Assert.Equal(3, r.LastEpoch));
        Assert.All(recorder.Reports, r => Assert.Equal(5, r.BatchCount));
        var batches = recorder.Reports.Where(r => r.Kind == TrainingProgressKind.BatchCompleted).ToArray();
        Assert.Equal([1, 2, 3, 4, 5, 1, 2, 3, 4, 5], batches.Select(r => r.Batch.Batch));
        Assert.Equal(trainer.CompletedEpochs, recorder.Reports[^1].Epoch);
        Assert.Same(trainer.Fit(Data(), 1, 16).Last, Last(recorder, TrainingProgressKind.EpochCompleted).Metrics);
    }

    [Fact]
    public void A_resumed_trainer_reports_its_epochs_counted_on()
    {
        var recorder = new Recorder();
        var trainer = NewTrainer(recorder);
        trainer.Fit(Data(), epochs: 2, batchSize: 16);

        trainer.Fit(Data(), epochs: 3, batchSize: 16);

        var start = recorder.Reports.Where(r => r.Kind == TrainingProgressKind.FitStarted).Last();
        Assert.Equal((3, 5), (start.Epoch, start.LastEpoch));
        Assert.Contains("epochs 3–5", start.Message);
    }

    [Fact]
    public void The_fit_s_end_is_reported_when_training_diverges()
    {
        var recorder = new Recorder();
        var model = new FaultyModel(new TinyMlp(6, 8, 3)) { Kind = FaultyModel.Fault.NanLoss, FromCall = 3 };
        var trainer = new SymbolicGrad.Trainer(model, new Sgd(0.1f), new TrainerOptions { Progress = recorder });

        Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Data(), epochs: 2, batchSize: 16));

        Assert.Equal(TrainingProgressKind.FitEnded, recorder.Reports[^1].Kind);
        Assert.Equal(2, recorder.Reports.Count(r => r.Kind == TrainingProgressKind.BatchCompleted));
    }

    [Fact]
    public void Silent_progress_keeps_steps_allocation_free_and_so_does_text_progress()
    {
        foreach (var progress in new[] { TrainingProgress.Silent, new TextProgress(TextWriter.Null) })
        {
            var trainer = NewTrainer(progress);
            long start = 0, end = 0;
            trainer.BatchCompleted += (_, p) =>
            {
                if (p.Batch == 2)
                {
                    start = GC.GetAllocatedBytesForCurrentThread();
                }
                else if (p.Batch == p.BatchCount)
                {
                    end = GC.GetAllocatedBytesForCurrentThread();
                }
            };

            trainer.Fit(Data(), epochs: 1, batchSize: 8);

            Assert.Equal(0, end - start);
        }
    }

    [Fact]
    public void Live_progress_draws_bars_with_the_epoch_summaries()
    {
        var output = new StringWriter();

        NewTrainer(new LiveConsoleProgress(output)).Fit(Data(), epochs: 3, batchSize: 16);

        string text = output.ToString();
        Assert.StartsWith("training on 80 rows", text);
        Assert.Matches(@"epoch 3/3 \S*━+\S* loss \d\.\d{4} acc \d+\.\d\d%  val \d\.\d{4} \d+\.\d\d%  \d+\.\d\d s", text);
    }

    [Fact]
    public void A_divergence_inside_the_live_display_reaches_the_caller_and_ends_the_display()
    {
        var output = new StringWriter();
        var live = new LiveConsoleProgress(output);
        var model = new FaultyModel(new TinyMlp(6, 8, 3)) { Kind = FaultyModel.Fault.NanLoss, FromCall = 3 };
        var trainer = new SymbolicGrad.Trainer(model, new Sgd(0.1f), new TrainerOptions { Progress = live });

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Data(), epochs: 2, batchSize: 16));

        Assert.Equal(3, error.Batch);
        // The display is over: the same reporter serves the next fit.
        NewTrainer(live).Fit(Data(), epochs: 1, batchSize: 16);
        Assert.Matches(@"epoch 1/1 \S*━+", output.ToString());
    }

    [Fact]
    public void Auto_console_progress_writes_plain_lines_to_a_writer_that_is_not_the_console()
    {
        var output = new StringWriter();

        var progress = ConsoleProgress.Auto(output);
        NewTrainer(progress).Fit(Data(), epochs: 2, batchSize: 16);

        Assert.IsType<TextProgress>(progress);
        Assert.Contains("epoch 2/2  loss ", output.ToString());
        Assert.DoesNotContain("\u001b[", output.ToString()); // no terminal control sequences
    }

    private static string Describe(TrainingProgress r) => r.Kind switch
    {
        TrainingProgressKind.FitStarted => $"FitStarted({r.Epoch}–{r.LastEpoch})",
        _ => $"{r.Kind}({r.Epoch})",
    };

    private static TrainingProgress Last(Recorder recorder, TrainingProgressKind kind) => recorder.Reports.Last(r => r.Kind == kind);

    private sealed class Recorder : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public void Report(TrainingProgress value) => Reports.Add(value);
    }
}

/// <summary>The default progress writes to the console, so these run alone: no other test's output can interleave.</summary>
[CollectionDefinition(nameof(ConsoleOutput), DisableParallelization = true)]
public sealed class ConsoleOutput;

[Collection(nameof(ConsoleOutput))]
public class DefaultProgressTests
{
    [Fact]
    public void Without_a_progress_reporter_the_trainer_writes_plain_lines_to_the_console()
    {
        var original = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            new SymbolicGrad.Trainer(new TinyMlp(6, 8, 3), new Momentum(0.05f, 0.9f))
                .Fit(Synthetic.Blobs(40, features: 6, classes: 3, separation: 1.5f, seed: 4), epochs: 2, batchSize: 16);
        }
        finally
        {
            Console.SetOut(original);
        }

        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("training on 40 rows", lines[0]);
        Assert.StartsWith("epoch 2/2  loss ", lines[2]);
    }
}
