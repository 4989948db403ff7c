namespace SymbolicGrad;

public static partial class Ops
{
    /// <summary>
    /// <see cref="BinaryCrossEntropy"/> clamps probabilities to [ε, 1 − ε] with this ε, so it never takes log 0;
    /// its gradient is zero outside that range.
    /// </summary>
    public const float ProbabilityEpsilon = 1e-7f;

    /// <summary>Mean squared error <c>(1/n) Σ (predᵢ − targetᵢ)²</c>.</summary>
    /// <param name="pred">Predictions; must not be empty.</param>
    /// <param name="target">Targets, same length.</param>
    public static float Mse(Vec pred, Vec target)
    {
        CheckLoss(pred, target, "Mse(pred, target)", nameof(pred), nameof(target));
        var p = pred.Span;
        var t = target.Span;
        float sum = 0f;
        for (int i = 0; i < p.Length; i++)
        {
            float d = p[i] - t[i];
            sum += d * d;
        }

        return sum / p.Length;
    }

    /// <summary>Mean absolute error <c>(1/n) Σ |predᵢ − targetᵢ|</c>.</summary>
    /// <param name="pred">Predictions; must not be empty.</param>
    /// <param name="target">Targets, same length.</param>
    public static float Mae(Vec pred, Vec target)
    {
        CheckLoss(pred, target, "Mae(pred, target)", nameof(pred), nameof(target));
        var p = pred.Span;
        var t = target.Span;
        float sum = 0f;
        for (int i = 0; i < p.Length; i++)
        {
            sum += MathF.Abs(p[i] - t[i]);
        }

        return sum / p.Length;
    }

    /// <summary>
    /// Mean binary cross-entropy <c>−(1/n) Σ [tᵢ log pᵢ + (1 − tᵢ) log(1 − pᵢ)]</c>, with pᵢ clamped to
    /// [<see cref="ProbabilityEpsilon"/>, 1 − <see cref="ProbabilityEpsilon"/>] so the result is always finite.
    /// </summary>
    /// <param name="prob">Predicted probabilities (e.g. a sigmoid output); must not be empty.</param>
    /// <param name="target">Targets in [0, 1], same length.</param>
    public static float BinaryCrossEntropy(Vec prob, Vec target)
    {
        CheckLoss(prob, target, "BinaryCrossEntropy(prob, target)", nameof(prob), nameof(target));
        var p = prob.Span;
        var t = target.Span;
        float sum = 0f;
        for (int i = 0; i < p.Length; i++)
        {
            float q = Math.Clamp(p[i], ProbabilityEpsilon, 1f - ProbabilityEpsilon);
            sum -= t[i] * MathF.Log(q) + (1f - t[i]) * MathF.Log(1f - q);
        }

        return sum / p.Length;
    }

    /// <summary>
    /// Cross-entropy of softmax(<paramref name="logits"/>) against the class <paramref name="label"/>:
    /// <c>log Σⱼ e^xⱼ − x_label</c>, computed with the log-sum-exp shift so extreme logits stay finite.
    /// </summary>
    /// <param name="logits">Unnormalised class scores; must not be empty.</param>
    /// <param name="label">The true class, in [0, logits.Length).</param>
    public static float SoftmaxCrossEntropy(Vec logits, int label)
    {
        Guard.NotEmpty(logits, "SoftmaxCrossEntropy(logits, label)", nameof(logits));
        if ((uint)label >= (uint)logits.Length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(label), label, $"SoftmaxCrossEntropy(logits, label): label {label} is outside [0, {logits.Length}) for logits {Guard.Shape(logits)}.");
        }

        return Kernels.LogSumExp(logits.Span) - logits[label];
    }

    private static void CheckLoss(Vec a, Vec b, string op, string aName, string bName)
    {
        Guard.SameLength(a, b, op, aName, bName);
        Guard.NotEmpty(a, op, aName);
    }
}
