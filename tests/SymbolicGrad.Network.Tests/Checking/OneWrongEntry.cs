namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>
/// Wraps a correct model and corrupts exactly one entry of every gradient it adds: the entry's contribution c becomes
/// <c>corrupt(c)</c> (5 % too large, or its sign flipped). The losses are untouched, so only the gradient is wrong.
/// </summary>
public sealed class OneWrongEntry(ITrainable inner, int index, Func<float, float> corrupt) : ITrainable
{
    /// <summary>The corrupted entry's index in <see cref="ParameterStore.Gradients"/>.</summary>
    public int Index => index;

    /// <inheritdoc />
    public ParameterStore Parameters => inner.Parameters;

    /// <inheritdoc />
    public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
    {
        if (!accumulateGradient)
        {
            return inner.BatchLoss(inputs, targets, false);
        }

        // Corrupt only this call's contribution, so the wrapper keeps the add-into contract.
        var gradients = Parameters.Gradients;
        float before = gradients[index];
        float loss = inner.BatchLoss(inputs, targets, true);
        gradients[index] = before + corrupt(gradients[index] - before);
        return loss;
    }

    /// <inheritdoc />
    public int CountCorrect(Mat inputs, in BatchTargets targets) => inner.CountCorrect(inputs, targets);
}
