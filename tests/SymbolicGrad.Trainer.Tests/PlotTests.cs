using System.Buffers.Binary;
using SymbolicGrad.Plotting;
using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

public sealed class PlotTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    static TrainingHistory ClassifierHistory()
    {
        var data = Synthetic.Blobs(200, features: 6, classes: 3, separation: 1f, seed: 4, labelNoise: 0.1);
        var trainer = new SymbolicGrad.Trainer(new TinyMlp(6, 16, 3), new Momentum(0.02f), Synthetic.Quiet() with { ValidationFraction = 0.3, Patience = 4 });
        return trainer.Fit(data, epochs: 12, batchSize: 16);
    }

    [Fact]
    public void A_png_of_the_requested_size_is_written()
    {
        string path = _folder.File("curves.png");

        LearningCurvePlot.Save(ClassifierHistory(), path, width: 900, height: 350, title: "blobs");

        byte[] png = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal(900, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16))); // IHDR width
        Assert.Equal(350, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))); // IHDR height
        Assert.True(png.Length > 10_000, $"only {png.Length} bytes");
    }

    [Fact]
    public void An_svg_holds_the_loss_and_accuracy_panels()
    {
        string path = _folder.File("curves.svg");

        LearningCurvePlot.Save(ClassifierHistory(), path);

        string svg = File.ReadAllText(path);
        Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1000\" height=\"400\"", svg);
        Assert.Equal(3, svg.Split("<svg").Length - 1); // the frame and two panels
        Assert.Contains("x=\"500\"", svg);
        System.Xml.Linq.XDocument.Parse(svg); // well-formed
    }

    [Fact]
    public void A_regression_history_gets_the_loss_panel_only()
    {
        var data = Synthetic.Linear(64, features: 3, targets: 1, seed: 2);
        var history = new SymbolicGrad.Trainer(new LinearRegression(3, 1), new Sgd(0.05f), Synthetic.Quiet()).Fit(data, 3, 16);
        string path = _folder.File("loss.svg");

        LearningCurvePlot.Save(history, path);

        Assert.Null(LearningCurvePlot.AccuracyPlot(history));
        Assert.Equal(2, File.ReadAllText(path).Split("<svg").Length - 1);
    }

    [Fact]
    public void Unknown_formats_and_empty_histories_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => LearningCurvePlot.Save(ClassifierHistory(), _folder.File("curves.gif")));
        Assert.Contains(".png or .svg", error.Message);
        Assert.Throws<ArgumentException>(() => LearningCurvePlot.Save(new TrainingHistory(), _folder.File("empty.png")));
    }
}
