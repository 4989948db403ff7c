using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

public class ProgressTests
{
    static Dataset Data() => Synthetic.Blobs(100, features: 6, classes: 3, separation: 1.5f, seed: 4);

    static string Run(TrainerOptions options, int epochs = 2)
    {
        var output = new StringWriter();
        var trainer = new SymbolicGrad.Trainer(new TinyMlp(6, 8, 3), new Momentum(0.05f, 0.9f), options with { Output = output, ValidationFraction = 0.2 });
        trainer.Fit(Data(), epochs, batchSize: 16);
        return output.ToString();
    }

    [Fact]
    public void Plain_progress_writes_a_header_and_one_line_per_epoch()
    {
        string[] lines = Run(new TrainerOptions { Progress = ProgressMode.Plain }).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, lines.Length);
        Assert.Equal("training on 80 rows, 5 batches of 16 per epoch, epochs 1–2, Momentum(lr 0.05, β 0.9); validating on 20 rows", lines[0]);
        Assert.Matches(@"^epoch 1/2  loss \d\.\d{4}  acc \d+\.\d\d%  val loss \d\.\d{4}  val acc \d+\.\d\d%  [\d,]+ samples/s  \d+\.\d\d s$", lines[1]);
        Assert.StartsWith("epoch 2/2  loss ", lines[2]);
    }

    [Fact]
    public void Auto_mode_writes_plain_lines_to_a_given_writer()
    {
        string text = Run(new TrainerOptions { Progress = ProgressMode.Auto });

        Assert.Contains("epoch 2/2  loss ", text);
        Assert.DoesNotContain("\u001b[", text); // no terminal control sequences
    }

    [Fact]
    public void Silent_mode_writes_nothing()
    {
        Assert.Equal("", Run(new TrainerOptions { Progress = ProgressMode.Silent }));
    }

    [Fact]
    public void Early_stopping_and_restoring_are_reported()
    {
        string text = Run(new TrainerOptions { Progress = ProgressMode.Plain, Patience = 1, MinDelta = 100 }, epochs: 5);

        Assert.Contains("early stopping after epoch 2: no lower validation loss for 1 epoch", text);
        Assert.Contains("restored the parameters of epoch 1 (validation loss ", text);
    }

    [Fact]
    public void Live_progress_draws_bars_with_the_epoch_summaries()
    {
        string text = Run(new TrainerOptions { Progress = ProgressMode.Live }, epochs: 3);

        Assert.StartsWith("training on 80 rows", text);
        Assert.Matches(@"epoch 3/3 \S*━+\S* loss \d\.\d{4} acc \d+\.\d\d%  val \d\.\d{4} \d+\.\d\d%  \d+\.\d\d s", text);
    }

    [Fact]
    public void A_divergence_inside_the_live_display_still_reaches_the_caller()
    {
        var model = new FaultyModel(new TinyMlp(6, 8, 3)) { Kind = FaultyModel.Fault.NanLoss, FromCall = 3 };
        var trainer = new SymbolicGrad.Trainer(model, new Sgd(0.1f), new TrainerOptions { Progress = ProgressMode.Live, Output = new StringWriter() });

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Data(), epochs: 2, batchSize: 16));

        Assert.Equal(3, error.Batch);
    }
}
