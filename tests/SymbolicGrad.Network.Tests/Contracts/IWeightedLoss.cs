namespace SymbolicGrad.Network.Tests.Contracts;

/// <summary>
/// The generated API of <c>[Differentiable] float Loss([NoDiff] Vec x, [NoDiff] Vec target, float scale)</c> on a model. A model declares
/// this interface and the generator supplies every member but <see cref="Loss"/>, so the compiler checks the
/// generated signatures against the contract.
/// </summary>
/// <typeparam name="TWorkspace">The model's generated nested <c>LossWorkspace</c>.</typeparam>
public interface IWeightedLoss<TWorkspace>
    where TWorkspace : class
{
    /// <summary>The user's method: plain reference semantics, the reference forward.</summary>
    float Loss(Vec x, Vec target, float scale);

    /// <summary>Returns the loss and adds its gradient into the model's gradients.</summary>
    float LossGradient(Vec x, Vec target, float scale);

    /// <summary>Mean loss over the rows of <paramref name="x"/> (one target row and one scale per input row), forward only.</summary>
    float LossBatch(Mat x, Mat target, ReadOnlySpan<float> scale);

    /// <summary>Returns the mean loss over the rows and adds the gradient of the mean.</summary>
    float LossGradientBatch(Mat x, Mat target, ReadOnlySpan<float> scale);

    /// <summary>Forward pass into <paramref name="workspace"/>; returns the loss.</summary>
    float LossForward(TWorkspace workspace, Vec x, Vec target, float scale);

    /// <summary>Backward pass from <paramref name="workspace"/>; adds into the gradients.</summary>
    void LossBackward(TWorkspace workspace, Vec x, Vec target, float scale);

    /// <summary>Batched forward pass into <paramref name="workspace"/>; returns the mean loss.</summary>
    float LossForwardBatch(TWorkspace workspace, Mat x, Mat target, ReadOnlySpan<float> scale);

    /// <summary>Batched backward pass from <paramref name="workspace"/>; adds the gradient of the mean loss.</summary>
    void LossBackwardBatch(TWorkspace workspace, Mat x, Mat target, ReadOnlySpan<float> scale);
}
