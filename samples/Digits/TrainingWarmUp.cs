namespace SymbolicGrad.Samples.Digits;

/// <summary>
/// Compiles the training step on a second core while the first reads the data. The JIT compiler's work for the first
/// step (the generated passes and the kernels they call, about a fifth of a 10-epoch run on 8,000 digits) then overlaps
/// the reading instead of following it. The warm-up takes one step of a throwaway network of the same shape on zeros;
/// nothing of it reaches the real run, whose results are the same with or without it.
/// </summary>
internal static class TrainingWarmUp
{
    // MNIST's shape; other data only make the warm-up compile for a shape the run does not use, which costs nothing else.
    private const int Pixels = 28 * 28;
    private const int Classes = 10;

    /// <summary>
    /// Starts the warm-up on its own thread for a plain MLP run (no PCA, search or checkpoint to resume) when the
    /// kernels may use more than one core; otherwise returns null. Join the thread before training.
    /// </summary>
    public static Thread? StartIf(DigitsOptions options)
    {
        bool applies = options.Model == ModelKind.Mlp && options.PcaComponents is null && options.Search is null
            && !options.Resume && options.Epochs > 0 && Parallelism.MaxThreads > 1 && Environment.ProcessorCount > 1;
        if (!applies)
        {
            return null;
        }

        var thread = new Thread(() => Run(options)) { IsBackground = true, Name = "Digits warm-up" };
        thread.Start();
        return thread;
    }

    private static void Run(DigitsOptions options)
    {
        try
        {
            var (net, _) = DigitsApp.CreateModel(options, Pixels, Classes, options.Seed);
            var trainer = new Trainer(net, options.CreateOptimizer(), DigitsApp.TrainerOptionsFor(options, Pixels));
            int rows = options.BatchSize;
            trainer.Step(new Mat(new float[rows * Pixels], rows, Pixels), new BatchTargets(new int[rows], 0, rows));
        }
        catch (Exception)
        {
            // Only a head start: whatever went wrong here, the real run meets it again and reports it.
        }
    }
}
