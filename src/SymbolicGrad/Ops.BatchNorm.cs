namespace SymbolicGrad;

public static partial class Ops
{
    /// <summary>
    /// Batch normalization of one sample's features, in a new vector: in evaluation mode (of the layer's model)
    /// <c>γ·(x − runningMean)/√(runningVariance + ε) + β</c>.
    /// </summary>
    /// <remarks>
    /// In training mode batch normalization uses the statistics of the whole batch, which one sample does not have
    /// (PyTorch refuses a training batch of one as well), so this per-sample form throws there: set
    /// <c>model.Training = false</c> to evaluate with the running statistics, or train through the generated batched
    /// code, which normalizes with the batch's statistics and updates the running ones.
    /// </remarks>
    /// <param name="x">The features; the length must be <see cref="BatchNorm.Features"/>.</param>
    /// <param name="bn">The layer (from <see cref="ParameterStore.BatchNorm"/>).</param>
    /// <exception cref="ArgumentException">The length does not match the layer, or the model is in training mode.</exception>
    public static Vec BatchNorm(Vec x, BatchNorm bn)
    {
        ArgumentNullException.ThrowIfNull(bn);
        if (x.Length != bn.Features)
        {
            throw new ArgumentException(
                $"Ops.BatchNorm(x, {bn.Name}): x is {Guard.Shape(x)} but the layer normalizes {bn.Features} features.", nameof(x));
        }

        var result = new Vec(x.Length);
        ApplyBatchNorm(x.Span, result.Span, bn, spatial: 1, "Ops.BatchNorm(x, bn)");
        return result;
    }

    /// <summary>
    /// Batch normalization of one image, per channel (PyTorch's BatchNorm2d), in a new image: in evaluation mode
    /// every pixel of channel c becomes <c>γ[c]·(x − runningMean[c])/√(runningVariance[c] + ε) + β[c]</c>.
    /// </summary>
    /// <remarks>
    /// In training mode one image is a batch of one: each channel is normalized with the mean and (biased) variance of
    /// its own pixels, and the running statistics move once, as PyTorch's BatchNorm2d does on a batch of one and as
    /// the generated <c>NameGradient</c>, <c>NameJvp</c> and <c>NameHvp</c> of one sample do.
    /// </remarks>
    /// <param name="x">The image; its channel count must be <see cref="BatchNorm.Features"/>.</param>
    /// <param name="bn">The layer.</param>
    /// <exception cref="ArgumentException">The channel count does not match the layer, or the model is in training mode
    /// and the image has a single pixel (no statistics to normalize with).</exception>
    public static Image BatchNorm(Image x, BatchNorm bn)
    {
        ArgumentNullException.ThrowIfNull(bn);
        if (x.Channels != bn.Features)
        {
            throw new ArgumentException(
                $"Ops.BatchNorm(x, {bn.Name}): x is {x} but the layer normalizes {bn.Features} channels.", nameof(x));
        }

        var result = new Image(x.Channels, x.Height, x.Width);
        int spatial = x.Height * x.Width;
        if (bn.Training)
        {
            // The sample's own statistics; the kernel refuses a single pixel (one value per channel) with its message.
            Kernels.BatchNormForwardTraining(x.Span, result.Span, 1, bn.Features, spatial, bn.Gamma.Span, bn.Beta.Span,
                bn.RunningMean.Span, bn.RunningVariance.Span, bn.Momentum, bn.Epsilon, new float[bn.Features], new float[bn.Features]);
            return result;
        }

        ApplyBatchNorm(x.Span, result.Span, bn, spatial, "Ops.BatchNorm(image, bn)");
        return result;
    }

    private static void ApplyBatchNorm(ReadOnlySpan<float> x, Span<float> y, BatchNorm bn, int spatial, string where)
    {
        if (bn.Training)
        {
            throw new ArgumentException(
                $"{where}: {bn.Name} is in training mode, where batch normalization needs the statistics of a batch, but this call sees one sample " +
                "(PyTorch refuses a training batch of one too). Set model.Training = false to use the running statistics, or train with the generated batched code.",
                nameof(bn));
        }

        Kernels.BatchNormForwardEvaluation(x, y, 1, bn.Features, spatial, bn.Gamma.Span, bn.Beta.Span, bn.RunningMean.Span, bn.RunningVariance.Span, bn.Epsilon);
    }
}
