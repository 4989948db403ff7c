using System.Globalization;

namespace SymbolicGrad.Samples.Gabor;

/// <summary>Settings of the sample; every one has a default that converges in a few seconds.</summary>
public sealed record FitOptions
{
    /// <summary>Number of data points.</summary>
    public int Points { get; init; } = 200;

    /// <summary>Standard deviation of the Gaussian noise added to y.</summary>
    public double Noise { get; init; } = 0.1;

    /// <summary>The parameters the data is drawn from.</summary>
    public (double Phi0, double Phi1) TruePhi { get; init; } = (0.3, 16.6);

    /// <summary>Where SGD starts.</summary>
    public (double Phi0, double Phi1) InitialPhi { get; init; } = (-1.5, 8.5);

    /// <summary>SGD step size.</summary>
    public double LearningRate { get; init; } = 1.5;

    /// <summary>Examples per minibatch.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Passes over the data.</summary>
    public int Epochs { get; init; } = 50;

    /// <summary>Seed of the data and of the shuffling.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Help text for the command line.</summary>
    public const string Usage = "usage: Gabor [--points N] [--noise S] [--lr R] [--batch B] [--epochs E] [--seed K]";

    /// <summary>Reads <c>--name value</c> pairs; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public static FitOptions Parse(IReadOnlyList<string> args)
    {
        var options = new FitOptions();
        for (int i = 0; i < args.Count; i += 2)
        {
            string name = args[i];
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"Option '{name}' needs a value. {Usage}");
            }
            string value = args[i + 1];
            options = name switch
            {
                "--points" => options with { Points = Positive(name, Int(name, value)) },
                "--noise" => options with { Noise = Double(name, value) },
                "--lr" => options with { LearningRate = Double(name, value) },
                "--batch" => options with { BatchSize = Positive(name, Int(name, value)) },
                "--epochs" => options with { Epochs = Positive(name, Int(name, value)) },
                "--seed" => options with { Seed = Int(name, value) },
                _ => throw new ArgumentException($"Unknown option '{name}'. {Usage}"),
            };
        }
        return options;
    }

    private static int Int(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result)
            ? result
            : throw new ArgumentException($"Option '{name}' expects an integer, got '{value}'.");

    private static double Double(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double result) && double.IsFinite(result)
            ? result
            : throw new ArgumentException($"Option '{name}' expects a number, got '{value}'.");

    private static int Positive(string name, int value) =>
        value > 0 ? value : throw new ArgumentException($"Option '{name}' must be at least 1, got {value}.");
}
