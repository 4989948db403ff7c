namespace SymbolicGrad.Samples.Xor;

/// <summary>The four XOR examples, and training <see cref="XorNet"/> on them.</summary>
public static class XorTraining
{
    /// <summary>The inputs (0,0), (0,1), (1,0), (1,1), one row each.</summary>
    public static readonly float[] Inputs = [0, 0, 0, 1, 1, 0, 1, 1];

    /// <summary>x₀ XOR x₁ for each input row.</summary>
    public static readonly float[] Targets = [0, 1, 1, 0];

    /// <summary>The four examples as a regression dataset with one target each.</summary>
    public static Dataset Data() => new((float[])Inputs.Clone(), featureCount: 2, (float[])Targets.Clone(), targetCount: 1);

    /// <summary>Trains a new <see cref="XorNet"/> full-batch with momentum SGD; the same seed gives the same network.</summary>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <param name="epochs">Steps (each epoch is one batch of all four examples).</param>
    /// <param name="output">Where to write progress (a line every 100 epochs), or null for none.</param>
    /// <returns>The trained network and its learning curves.</returns>
    public static (XorNet Net, TrainingHistory History) Train(int seed = 0, int epochs = 500, TextWriter? output = null)
    {
        var net = new XorNet(seed);
        var trainer = new Trainer(net, new Momentum(learningRate: 0.5f, momentum: 0.9f), new TrainerOptions
        {
            Seed = seed,
            // The sample writes its own line every 100 epochs (below).
            Progress = TrainingProgress.Silent,
        });
        if (output is not null)
        {
            trainer.EpochCompleted += (_, m) =>
            {
                if (m.Epoch % 100 == 0)
                {
                    output.WriteLine(FormattableString.Invariant($"epoch {m.Epoch,4}  loss {m.TrainLoss:F5}"));
                }
            };
        }

        var history = trainer.Fit(Data(), epochs, batchSize: 4);
        return (net, history);
    }
}
