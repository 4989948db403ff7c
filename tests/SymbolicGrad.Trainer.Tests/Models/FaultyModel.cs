namespace SymbolicGrad.TrainerTests.Models;

/// <summary>
/// Wraps a model and misbehaves on purpose: from a given gradient call on, returns a NaN/infinite loss or plants a
/// non-finite gradient element; or scales the gradient of one parameter range (a wrong gradient).
/// </summary>
public sealed class FaultyModel(ITrainable inner) : ITrainable
{
    public enum Fault
    {
        None,
        NanLoss,
        InfiniteLoss,
        NanGradient,
        InfiniteGradient,
    }

    public Fault Kind { get; init; }

    /// <summary>The 1-based gradient call (training step) from which the fault appears.</summary>
    public int FromCall { get; init; } = int.MaxValue;

    /// <summary>Element of the gradient made non-finite by the gradient faults.</summary>
    public int Element { get; init; }

    /// <summary>Elements [start, start + count) of the gradient multiplied by <see cref="GradientScale"/>.</summary>
    public (int Start, int Count) ScaledRange { get; init; }

    public float GradientScale { get; init; } = 1f;

    public int GradientCalls { get; private set; }

    public ParameterStore Parameters => inner.Parameters;

    public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
    {
        if (!accumulateGradient)
        {
            return inner.BatchLoss(inputs, targets, false);
        }

        // Scale only this call's contribution, so the wrapper keeps the add-into contract.
        var gradients = Parameters.Gradients;
        var range = gradients.Slice(ScaledRange.Start, ScaledRange.Count);
        float[] before = range.ToArray();
        float loss = inner.BatchLoss(inputs, targets, true);
        for (int i = 0; i < range.Length; i++)
        {
            range[i] = before[i] + GradientScale * (range[i] - before[i]);
        }

        GradientCalls++;
        if (GradientCalls < FromCall)
        {
            return loss;
        }

        switch (Kind)
        {
            case Fault.NanLoss:
                return float.NaN;
            case Fault.InfiniteLoss:
                return float.PositiveInfinity;
            case Fault.NanGradient:
                gradients[Element] = float.NaN;
                break;
            case Fault.InfiniteGradient:
                gradients[Element] = float.NegativeInfinity;
                break;
        }

        return loss;
    }

    public int CountCorrect(Mat inputs, in BatchTargets targets) => inner.CountCorrect(inputs, targets);
}
