namespace SymbolicGrad.TrainerTests.Models;

/// <summary>
/// A hand-written model that adds its gradient the way generated models do (through the store, so the trainer may
/// fuse the update): loss = mean over the batch of scale·Σ_i (W·x)_i + Σ b, so ∂W = Σ_r (scale/B)·1·x_rᵀ and
/// ∂b = 1. <see cref="Scale"/> and the inputs choose how large (or non-finite) the gradient is; the loss stays finite.
/// </summary>
public sealed class OuterProductModel : Model, ITrainable
{
    private readonly Mat W;
    private readonly Vec b;
    private float[] _u = [];

    public OuterProductModel(int inputs, int outputs)
    {
        W = Parameters.Matrix(outputs, inputs, Init.Xavier(1));
        b = Parameters.Vector(outputs, Init.Normal(0.1f, 2));
    }

    /// <summary>Multiplies the gradient of W (a huge value makes it overflow while the operands stay finite).</summary>
    public float Scale { get; set; } = 1f;

    public bool SupportsFusedUpdate => true;

    public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
    {
        int batch = inputs.Rows;
        if (accumulateGradient)
        {
            if (_u.Length < batch * W.Rows) _u = new float[batch * W.Rows];
            var u = new Mat(_u, 0, batch, W.Rows);
            u.Span.Fill(Scale / batch);
            Parameters.AddOuterProducts(W, u, inputs);
            Parameters.GradientToAdd(b).Fill(1f);
        }

        return 0.5f; // finite whatever the gradient: only the gradient check can stop the step
    }

    public int CountCorrect(Mat inputs, in BatchTargets targets) => -1;
}
