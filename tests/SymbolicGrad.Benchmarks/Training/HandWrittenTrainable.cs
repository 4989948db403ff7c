namespace SymbolicGrad.Benchmarks.Training;

/// <summary>
/// The hand-written back-propagation as an <see cref="ITrainable"/>, so the benchmark steps it with the same
/// <see cref="Trainer.Step"/> as the generated model (zeroing, checks and the fused update included).
/// </summary>
internal sealed class HandWrittenTrainable(Model model, HandWrittenMlp hand) : ITrainable
{
    public ParameterStore Parameters => model.Parameters;

    public bool SupportsFusedUpdate => true;

    public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient) =>
        accumulateGradient
            ? hand.GradientBatch(inputs, targets.Labels)
            : throw new NotSupportedException("The benchmark's hand-written network has no forward-only pass.");

    public int CountCorrect(Mat inputs, in BatchTargets targets) => -1;
}
