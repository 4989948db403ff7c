namespace SymbolicGrad.CompilerServices;

public static partial class Kernels
{
    /// <summary>
    /// The tangent of batch normalization in evaluation mode (forward mode): with <c>invStd = 1/√(runningVariance + ε)</c>
    /// as <see cref="BatchNormForwardEvaluation"/> computes it, <c>ty = γ·invStd·tx + (x − runningMean)·invStd·tγ + tβ</c>
    /// per value; same layout as <see cref="BatchNormForwardEvaluation"/>. An empty tangent stands for zeros.
    /// </summary>
    /// <param name="x">The forward input, batch × channels × spatial.</param>
    /// <param name="tangentInput">tx, the input's tangent, same shape; empty for zeros.</param>
    /// <param name="tangentGamma">tγ, one per channel; empty for zeros.</param>
    /// <param name="tangentBeta">tβ, one per channel; empty for zeros.</param>
    /// <param name="tangentOutput">ty, same shape as x, written.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="spatial">Values per channel and sample.</param>
    /// <param name="gamma">γ, one per channel.</param>
    /// <param name="runningMean">Running means, one per channel.</param>
    /// <param name="runningVariance">Running variances, one per channel.</param>
    /// <param name="epsilon">ε.</param>
    public static void BatchNormTangentEvaluation(ReadOnlySpan<float> x, ReadOnlySpan<float> tangentInput, ReadOnlySpan<float> tangentGamma,
        ReadOnlySpan<float> tangentBeta, Span<float> tangentOutput, int batch, int channels, int spatial,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, float epsilon)
    {
        const string where = "Kernels.BatchNormTangentEvaluation";
        CheckBatchNorm(x.Length, tangentOutput.Length, batch, channels, spatial, where, "x", "tangentOutput");
        if (!tangentInput.IsEmpty) Guard.VectorSpan(tangentInput.Length, x.Length, "tangentInput", where, " (the length of x; or empty for zeros)");
        OptionalPerChannel(tangentGamma.Length, channels, "tangentGamma", where);
        OptionalPerChannel(tangentBeta.Length, channels, "tangentBeta", where);
        PerChannel(gamma.Length, channels, "gamma", where);
        PerChannel(runningMean.Length, channels, "runningMean", where);
        PerChannel(runningVariance.Length, channels, "runningVariance", where);
        Span<float> invStd = stackalloc float[BatchNormChunk];
        for (int c0 = 0; c0 < channels; c0 += BatchNormChunk)
        {
            int count = Math.Min(BatchNormChunk, channels - c0);
            EvaluationInvStd(runningVariance.Slice(c0, count), epsilon, invStd);
            for (int b = 0; b < batch; b++)
            {
                for (int c = c0; c < c0 + count; c++)
                {
                    float s = invStd[c - c0], scale = gamma[c] * s, mean = runningMean[c];
                    float tg = tangentGamma.IsEmpty ? 0f : tangentGamma[c], tb = tangentBeta.IsEmpty ? 0f : tangentBeta[c];
                    int start = (b * channels + c) * spatial;
                    for (int k = start; k < start + spatial; k++)
                    {
                        float tx = tangentInput.IsEmpty ? 0f : tangentInput[k];
                        tangentOutput[k] = scale * tx + (x[k] - mean) * s * tg + tb;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The tangent of batch normalization in training mode (forward mode through the batch statistics): with μ and
    /// <c>s = invStd</c> saved by <see cref="BatchNormForwardTraining"/> and <c>x̂ = (x − μ)·s</c>, per channel over its
    /// n = batch·spatial values, <c>ty = γ·s·(tx − mean(tx) − x̂·mean(x̂·tx)) + tγ·x̂ + tβ</c> (μ moves by mean(tx), s by
    /// −s²·mean(x̂·tx); the means in double). Same layout as <see cref="BatchNormForwardTraining"/>; an empty tangent
    /// stands for zeros.
    /// </summary>
    /// <param name="x">The forward input, batch × channels × spatial.</param>
    /// <param name="tangentInput">tx, the input's tangent, same shape; empty for zeros.</param>
    /// <param name="tangentGamma">tγ, one per channel; empty for zeros.</param>
    /// <param name="tangentBeta">tβ, one per channel; empty for zeros.</param>
    /// <param name="tangentOutput">ty, same shape as x, written (tangentInput itself or separate memory).</param>
    /// <param name="batch">Samples.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="spatial">Values per channel and sample.</param>
    /// <param name="gamma">γ, one per channel.</param>
    /// <param name="savedMean">μ per channel from the forward pass.</param>
    /// <param name="savedInvStd">invStd per channel from the forward pass.</param>
    public static void BatchNormTangentTraining(ReadOnlySpan<float> x, ReadOnlySpan<float> tangentInput, ReadOnlySpan<float> tangentGamma,
        ReadOnlySpan<float> tangentBeta, Span<float> tangentOutput, int batch, int channels, int spatial,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd)
    {
        const string where = "Kernels.BatchNormTangentTraining";
        CheckBatchNorm(x.Length, tangentOutput.Length, batch, channels, spatial, where, "x", "tangentOutput");
        Guard.NoOverlap(x, tangentOutput, nameof(x), nameof(tangentOutput), where);
        if (!tangentInput.IsEmpty)
        {
            Guard.VectorSpan(tangentInput.Length, x.Length, "tangentInput", where, " (the length of x; or empty for zeros)");
            Guard.SameOrSeparate(tangentInput, tangentOutput, nameof(tangentInput), nameof(tangentOutput), where);
        }

        OptionalPerChannel(tangentGamma.Length, channels, "tangentGamma", where);
        OptionalPerChannel(tangentBeta.Length, channels, "tangentBeta", where);
        PerChannel(gamma.Length, channels, "gamma", where);
        PerChannel(savedMean.Length, channels, "savedMean", where);
        PerChannel(savedInvStd.Length, channels, "savedInvStd", where);
        double n = (double)batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            double mean = savedMean[c], s = savedInvStd[c];
            double sumTx = 0, sumNormalizedTx = 0;
            if (!tangentInput.IsEmpty)
            {
                for (int b = 0; b < batch; b++)
                {
                    int start = (b * channels + c) * spatial;
                    for (int k = start; k < start + spatial; k++)
                    {
                        sumTx += tangentInput[k];
                        sumNormalizedTx += (x[k] - mean) * s * tangentInput[k];
                    }
                }
            }

            // Every value of the channel is read before any is written, so ty may be tx itself.
            double meanTx = n > 0 ? sumTx / n : 0, meanNormalizedTx = n > 0 ? sumNormalizedTx / n : 0, scale = gamma[c] * s;
            double tg = tangentGamma.IsEmpty ? 0 : tangentGamma[c], tb = tangentBeta.IsEmpty ? 0 : tangentBeta[c];
            for (int b = 0; b < batch; b++)
            {
                int start = (b * channels + c) * spatial;
                for (int k = start; k < start + spatial; k++)
                {
                    double normalized = (x[k] - mean) * s, tx = tangentInput.IsEmpty ? 0 : tangentInput[k];
                    tangentOutput[k] = (float)(scale * (tx - meanTx - normalized * meanNormalizedTx) + tg * normalized + tb);
                }
            }
        }
    }
}
