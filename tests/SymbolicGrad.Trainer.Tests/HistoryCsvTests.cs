using System.Globalization;
using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

public sealed class HistoryCsvTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    const string Header = "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,samples_per_second,seconds";

    [Fact]
    public void The_csv_has_a_header_and_one_row_per_epoch_with_the_exact_metrics()
    {
        var data = Synthetic.Blobs(120, features: 6, classes: 3, separation: 1.5f, seed: 4);
        var trainer = new SymbolicGrad.Trainer(new TinyMlp(6, 8, 3), new Momentum(0.05f), Synthetic.Quiet() with { ValidationFraction = 0.25 });
        var history = trainer.Fit(data, epochs: 3, batchSize: 16);
        string path = _folder.File("curves.csv");

        history.WriteCsv(path);

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(4, lines.Length);
        Assert.Equal(Header, lines[0]);
        for (int i = 0; i < 3; i++)
        {
            var fields = lines[i + 1].Split(',');
            var m = history.Epochs[i];
            Assert.Equal(8, fields.Length);
            Assert.Equal(i + 1, int.Parse(fields[0], CultureInfo.InvariantCulture));
            Assert.Equal(m.TrainLoss, double.Parse(fields[1], CultureInfo.InvariantCulture));
            Assert.Equal(m.TrainAccuracy, double.Parse(fields[2], CultureInfo.InvariantCulture));
            Assert.Equal(m.ValidationLoss, double.Parse(fields[3], CultureInfo.InvariantCulture));
            Assert.Equal(m.ValidationAccuracy, double.Parse(fields[4], CultureInfo.InvariantCulture));
            Assert.Equal(0.05f, float.Parse(fields[5], CultureInfo.InvariantCulture));
            Assert.True(double.Parse(fields[6], CultureInfo.InvariantCulture) > 0);
            Assert.True(double.Parse(fields[7], CultureInfo.InvariantCulture) >= 0);
        }
    }

    [Fact]
    public void Metrics_not_measured_are_empty_fields()
    {
        var data = Synthetic.Linear(64, features: 3, targets: 1, seed: 2);
        var trainer = new SymbolicGrad.Trainer(new LinearRegression(3, 1), new Sgd(0.05f), Synthetic.Quiet());
        var history = trainer.Fit(data, epochs: 2, batchSize: 16);
        var text = new StringWriter();

        history.WriteCsv(text);

        string[] lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines.Skip(1), line => Assert.Matches(@"^\d+,[0-9.E-]+,,,,0\.05,", line));
    }

    [Fact]
    public void The_csv_is_the_same_in_any_culture()
    {
        var data = Synthetic.Blobs(40, features: 6, classes: 3, separation: 1.5f, seed: 4);
        var history = new SymbolicGrad.Trainer(new SoftmaxRegression(6, 3), new Sgd(0.05f), Synthetic.Quiet()).Fit(data, 2, 16);
        var invariant = new StringWriter();
        history.WriteCsv(invariant);
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            var german = new StringWriter();
            history.WriteCsv(german);
            Assert.Equal(invariant.ToString(), german.ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
