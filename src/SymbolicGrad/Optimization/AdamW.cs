namespace SymbolicGrad;

/// <summary>
/// AdamW: Adam with decoupled weight decay — W ← W(1 − αλ) and then the Adam update, so the decay is not
/// rescaled by Adam's per-parameter step sizes (Loshchilov and Hutter). α is the scheduled learning rate.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates AdamW.</summary>
    /// <param name="learningRate">The step size α; must be positive and finite.</param>
    /// <param name="weightDecay">The decoupled decay λ, zero or positive (0.01 is typical).</param>
    /// <param name="beta1">Decay of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to √v̂; must be positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public AdamW(float learningRate = 0.001f, float weightDecay = 0.01f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : base(learningRate, beta1, beta2, epsilon, weightDecay)
    {
        DecoupledWeightDecay = weightDecay;
    }

    /// <summary>The decoupled decay λ.</summary>
    public float DecoupledWeightDecay { get; }
}
