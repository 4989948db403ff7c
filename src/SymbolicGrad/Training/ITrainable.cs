namespace SymbolicGrad;

/// <summary>
/// What the <see cref="Trainer"/>, <see cref="Checkpoint"/> and <see cref="GradientCheck"/> need from a model: its
/// parameters, the mean loss of a minibatch with its gradient, and (for a classifier) how many examples of a batch it
/// classifies correctly. Generated model code implements it; a hand-written model can too.
/// </summary>
/// <remarks>
/// <para>Calls must not allocate once buffers for the largest batch seen exist: the trainer's zero-allocation step relies on
/// it. The model may keep workspaces sized to that batch; a call with fewer rows uses part of them.</para>
/// <para>Both methods follow the mode of <see cref="Parameters"/> (<see cref="Model.Training"/> for a model): the
/// trainer calls <see cref="BatchLoss"/> with a gradient in training mode, and evaluates (<see cref="BatchLoss"/>
/// without gradient, <see cref="CountCorrect"/>) in evaluation mode, restoring the mode afterwards.</para>
/// </remarks>
public interface ITrainable
{
    /// <summary>Every parameter value and gradient, each one contiguous buffer.</summary>
    ParameterStore Parameters { get; }

    /// <summary>
    /// The mean loss over the rows of <paramref name="inputs"/>; when <paramref name="accumulateGradient"/> is true,
    /// also adds the gradient of that mean loss into <see cref="ParameterStore.Gradients"/> (adds, never overwrites,
    /// so the caller zeroes the gradients first). With false the gradients are not touched.
    /// </summary>
    /// <param name="inputs">One example per row (batch × features).</param>
    /// <param name="targets">One label or one target row per input row.</param>
    /// <param name="accumulateGradient">Whether to add ∂(mean loss)/∂θ into the gradients.</param>
    /// <returns>The mean loss; NaN or infinite when the computation diverged.</returns>
    float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient);

    /// <summary>
    /// Number of rows whose predicted class equals the label, or -1 when the model is not a classifier.
    /// Never touches the gradients.
    /// </summary>
    /// <param name="inputs">One example per row.</param>
    /// <param name="targets">One label per row.</param>
    int CountCorrect(Mat inputs, in BatchTargets targets);

    /// <summary>
    /// True when <see cref="BatchLoss"/> adds every gradient term through <see cref="ParameterStore.AddOuterProducts"/>,
    /// <see cref="ParameterStore.AddColumnSums"/> and <see cref="ParameterStore.GradientToAdd(Vec)"/>, never straight
    /// into <see cref="ParameterStore.Gradients"/>; the <see cref="Trainer"/> may then apply the optimizer's update
    /// inside the backward pass (<see cref="TrainerOptions.FusedUpdate"/>). Generated models return true; false by default.
    /// </summary>
    bool SupportsFusedUpdate => false;
}
