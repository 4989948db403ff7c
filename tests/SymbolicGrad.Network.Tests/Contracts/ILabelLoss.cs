namespace SymbolicGrad.Network.Tests.Contracts;

/// <summary>
/// The generated API of <c>[Differentiable] float Loss([NoDiff] Vec x, int label)</c> on a model. A model declares
/// this interface and the generator supplies every member but <see cref="Loss"/>, so the compiler checks the
/// generated signatures against the contract.
/// </summary>
/// <typeparam name="TWorkspace">The model's generated nested <c>LossWorkspace</c>.</typeparam>
public interface ILabelLoss<TWorkspace>
    where TWorkspace : class
{
    /// <summary>The user's method: plain reference semantics, the reference forward.</summary>
    float Loss(Vec x, int label);

    /// <summary>Returns the loss and adds its gradient into the model's gradients.</summary>
    float LossGradient(Vec x, int label);

    /// <summary>Mean loss over the rows of <paramref name="x"/>, forward only.</summary>
    float LossBatch(Mat x, ReadOnlySpan<int> label);

    /// <summary>Returns the mean loss over the rows and adds the gradient of the mean.</summary>
    float LossGradientBatch(Mat x, ReadOnlySpan<int> label);

    /// <summary>Forward pass into <paramref name="workspace"/>; returns the loss.</summary>
    float LossForward(TWorkspace workspace, Vec x, int label);

    /// <summary>Backward pass from <paramref name="workspace"/>; adds into the gradients.</summary>
    void LossBackward(TWorkspace workspace, Vec x, int label);

    /// <summary>Batched forward pass into <paramref name="workspace"/>; returns the mean loss.</summary>
    float LossForwardBatch(TWorkspace workspace, Mat x, ReadOnlySpan<int> label);

    /// <summary>Batched backward pass from <paramref name="workspace"/>; adds the gradient of the mean loss.</summary>
    void LossBackwardBatch(TWorkspace workspace, Mat x, ReadOnlySpan<int> label);
}
