namespace SymbolicGrad.CompilerServices;

public static partial class Kernels
{
    /// <summary>
    /// The tangent of batch normalization's backward pass in evaluation mode (forward mode over
    /// <see cref="BatchNormBackwardEvaluation"/>, for a Hessian-vector product). The running statistics are constants, so
    /// with <c>s = invStd</c> as the forward kernel computes it, each part is bilinear in the adjoint and one operand:
    /// <c>t(∂x) = s·(γ·tdy + tγ·dy)</c> (written), <c>t(∂γ) += Σ (tdy·(x − μ) + dy·tx)·s</c>, <c>t(∂β) += Σ tdy</c> (the
    /// sums over the batch and the values of a channel, in double). An empty tangent stands for zeros; an empty output is
    /// skipped. Same layout as <see cref="BatchNormBackwardEvaluation"/>.
    /// </summary>
    /// <param name="x">The forward input, batch × channels × spatial.</param>
    /// <param name="tangentInput">tx, the shape of x; empty for zeros.</param>
    /// <param name="gradOutput">∂L/∂y, the shape of x.</param>
    /// <param name="tangentGradOutput">t(∂L/∂y), the shape of x; empty for zeros.</param>
    /// <param name="tangentGradInput">t(∂L/∂x), the shape of x, written; empty to skip it.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="spatial">Values per channel and sample.</param>
    /// <param name="gamma">γ, one per channel.</param>
    /// <param name="tangentGamma">tγ, one per channel; empty for zeros.</param>
    /// <param name="runningMean">Running means used by the forward pass.</param>
    /// <param name="runningVariance">Running variances used by the forward pass.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="tangentGradGamma">t(∂L/∂γ), one per channel, added into; empty to skip it.</param>
    /// <param name="tangentGradBeta">t(∂L/∂β), one per channel, added into; empty to skip it.</param>
    public static void BatchNormBackwardTangentEvaluation(ReadOnlySpan<float> x, ReadOnlySpan<float> tangentInput, ReadOnlySpan<float> gradOutput,
        ReadOnlySpan<float> tangentGradOutput, Span<float> tangentGradInput, int batch, int channels, int spatial, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> tangentGamma, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, float epsilon,
        Span<float> tangentGradGamma, Span<float> tangentGradBeta)
    {
        CheckBackwardTangent(x, tangentInput, gradOutput, tangentGradOutput, tangentGradInput, batch, channels, spatial, gamma, tangentGamma,
            runningMean.Length, "runningMean", runningVariance.Length, "runningVariance", tangentGradGamma, tangentGradBeta,
            readsTangentInputWhileWriting: false, "Kernels.BatchNormBackwardTangentEvaluation");
        Span<float> invStd = stackalloc float[BatchNormChunk];
        for (int c0 = 0; c0 < channels; c0 += BatchNormChunk)
        {
            int count = Math.Min(BatchNormChunk, channels - c0);
            EvaluationInvStd(runningVariance.Slice(c0, count), epsilon, invStd);
            for (int c = c0; c < c0 + count; c++)
            {
                float s = invStd[c - c0], mean = runningMean[c], scale = gamma[c] * s, moved = tangentGamma.IsEmpty ? 0f : tangentGamma[c] * s;
                double sumGamma = 0, sumBeta = 0;
                for (int b = 0; b < batch; b++)
                {
                    int start = (b * channels + c) * spatial;
                    for (int k = start; k < start + spatial; k++)
                    {
                        float tdy = tangentGradOutput.IsEmpty ? 0f : tangentGradOutput[k], tx = tangentInput.IsEmpty ? 0f : tangentInput[k];
                        sumBeta += tdy;
                        sumGamma += (double)tdy * (x[k] - mean) + (double)gradOutput[k] * tx;
                        if (!tangentGradInput.IsEmpty) tangentGradInput[k] = scale * tdy + moved * gradOutput[k];
                    }
                }

                if (!tangentGradGamma.IsEmpty) tangentGradGamma[c] += (float)(sumGamma * s);
                if (!tangentGradBeta.IsEmpty) tangentGradBeta[c] += (float)sumBeta;
            }
        }
    }

    /// <summary>
    /// The tangent of batch normalization's backward pass in training mode (forward mode over
    /// <see cref="BatchNormBackwardTraining"/>, for a Hessian-vector product), through the batch statistics. With μ and
    /// <c>s = invStd</c> saved by <see cref="BatchNormForwardTraining"/>, <c>x̂ = (x − μ)·s</c>, g = ∂L/∂y and, per channel
    /// over its n values, <c>m = mean(g·x̂)</c>, <c>a = mean(x̂·tx)</c>, the tangent of x̂ <c>tx̂ = s·(tx − mean(tx) − x̂·a)</c>
    /// and of m <c>tm = mean(tg·x̂ + g·tx̂)</c>:
    /// <c>t(∂x) = s·(tγ − γ·s·a)·(g − mean(g) − x̂·m) + γ·s·(tg − mean(tg) − m·tx̂ − x̂·tm)</c> (written),
    /// <c>t(∂γ) += n·tm</c>, <c>t(∂β) += Σ tg</c> (the sums in double). An empty tangent stands for zeros; an empty output
    /// is skipped. Same layout as <see cref="BatchNormBackwardTraining"/>.
    /// </summary>
    /// <param name="x">The forward input, batch × channels × spatial.</param>
    /// <param name="tangentInput">tx, the shape of x; empty for zeros.</param>
    /// <param name="gradOutput">∂L/∂y, the shape of x.</param>
    /// <param name="tangentGradOutput">t(∂L/∂y), the shape of x; empty for zeros.</param>
    /// <param name="tangentGradInput">t(∂L/∂x), the shape of x, written; empty to skip it.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="spatial">Values per channel and sample.</param>
    /// <param name="gamma">γ, one per channel.</param>
    /// <param name="tangentGamma">tγ, one per channel; empty for zeros.</param>
    /// <param name="savedMean">μ per channel from the forward pass.</param>
    /// <param name="savedInvStd">invStd per channel from the forward pass.</param>
    /// <param name="tangentGradGamma">t(∂L/∂γ), one per channel, added into; empty to skip it.</param>
    /// <param name="tangentGradBeta">t(∂L/∂β), one per channel, added into; empty to skip it.</param>
    public static void BatchNormBackwardTangentTraining(ReadOnlySpan<float> x, ReadOnlySpan<float> tangentInput, ReadOnlySpan<float> gradOutput,
        ReadOnlySpan<float> tangentGradOutput, Span<float> tangentGradInput, int batch, int channels, int spatial, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> tangentGamma, ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd,
        Span<float> tangentGradGamma, Span<float> tangentGradBeta)
    {
        // Written after the channel's sums, but a channel's values are read again while they are written.
        CheckBackwardTangent(x, tangentInput, gradOutput, tangentGradOutput, tangentGradInput, batch, channels, spatial, gamma, tangentGamma,
            savedMean.Length, "savedMean", savedInvStd.Length, "savedInvStd", tangentGradGamma, tangentGradBeta,
            readsTangentInputWhileWriting: true, "Kernels.BatchNormBackwardTangentTraining");
        double n = (double)batch * spatial;
        if (n == 0) return;
        for (int c = 0; c < channels; c++)
        {
            double mean = savedMean[c], s = savedInvStd[c];
            // Σg, Σg·x̂, Σtx, Σx̂·tx, Σtg, Σtg·x̂, Σg·tx: every mean the tangent needs, in one pass.
            double sumG = 0, sumGx = 0, sumTx = 0, sumXTx = 0, sumTg = 0, sumTgX = 0, sumGTx = 0;
            for (int b = 0; b < batch; b++)
            {
                int start = (b * channels + c) * spatial;
                for (int k = start; k < start + spatial; k++)
                {
                    double normalized = (x[k] - mean) * s, g = gradOutput[k];
                    double tx = tangentInput.IsEmpty ? 0 : tangentInput[k], tg = tangentGradOutput.IsEmpty ? 0 : tangentGradOutput[k];
                    sumG += g;
                    sumGx += g * normalized;
                    sumTx += tx;
                    sumXTx += normalized * tx;
                    sumTg += tg;
                    sumTgX += tg * normalized;
                    sumGTx += g * tx;
                }
            }

            double meanG = sumG / n, m = sumGx / n, meanTx = sumTx / n, a = sumXTx / n, meanTg = sumTg / n;
            double tm = sumTgX / n + s * (sumGTx / n - meanTx * meanG - a * m);
            if (!tangentGradGamma.IsEmpty) tangentGradGamma[c] += (float)(n * tm);
            if (!tangentGradBeta.IsEmpty) tangentGradBeta[c] += (float)sumTg;
            if (tangentGradInput.IsEmpty) continue;
            double gammaS = gamma[c] * s, tGamma = tangentGamma.IsEmpty ? 0 : tangentGamma[c], moved = s * (tGamma - gammaS * a);
            for (int b = 0; b < batch; b++)
            {
                int start = (b * channels + c) * spatial;
                for (int k = start; k < start + spatial; k++)
                {
                    double normalized = (x[k] - mean) * s, g = gradOutput[k];
                    double tx = tangentInput.IsEmpty ? 0 : tangentInput[k], tg = tangentGradOutput.IsEmpty ? 0 : tangentGradOutput[k];
                    double tNormalized = s * (tx - meanTx - normalized * a);
                    tangentGradInput[k] = (float)(moved * (g - meanG - normalized * m) + gammaS * (tg - meanTg - m * tNormalized - normalized * tm));
                }
            }
        }
    }

    /// <summary>
    /// The argument checks both backward tangents make, in one order: shapes, optional tangents, the written t(∂L/∂x)
    /// apart from what it reads (also from tx where it is read again while written), then the per-channel spans with the
    /// mode's two statistics between γ's and the gradients'.
    /// </summary>
    private static void CheckBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> tangentInput, ReadOnlySpan<float> gradOutput,
        ReadOnlySpan<float> tangentGradOutput, Span<float> tangentGradInput, int batch, int channels, int spatial, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> tangentGamma, int firstStatistic, string firstName, int secondStatistic, string secondName,
        Span<float> tangentGradGamma, Span<float> tangentGradBeta, bool readsTangentInputWhileWriting, string where)
    {
        CheckBatchNorm(x.Length, gradOutput.Length, batch, channels, spatial, where, "x", "gradOutput");
        if (!tangentInput.IsEmpty) Guard.VectorSpan(tangentInput.Length, x.Length, nameof(tangentInput), where, " (the length of x; or empty for zeros)");
        if (!tangentGradOutput.IsEmpty) Guard.VectorSpan(tangentGradOutput.Length, x.Length, nameof(tangentGradOutput), where, " (the length of x; or empty for zeros)");
        if (!tangentGradInput.IsEmpty)
        {
            Guard.VectorSpan(tangentGradInput.Length, x.Length, nameof(tangentGradInput), where, " (the length of x; or empty to skip it)");
            Guard.NoOverlap(x, tangentGradInput, nameof(x), nameof(tangentGradInput), where);
            if (readsTangentInputWhileWriting) Guard.NoOverlap(tangentInput, tangentGradInput, nameof(tangentInput), nameof(tangentGradInput), where);
            Guard.NoOverlap(gradOutput, tangentGradInput, nameof(gradOutput), nameof(tangentGradInput), where);
            Guard.NoOverlap(tangentGradOutput, tangentGradInput, nameof(tangentGradOutput), nameof(tangentGradInput), where);
        }

        PerChannel(gamma.Length, channels, "gamma", where);
        OptionalPerChannel(tangentGamma.Length, channels, "tangentGamma", where);
        PerChannel(firstStatistic, channels, firstName, where);
        PerChannel(secondStatistic, channels, secondName, where);
        OptionalPerChannel(tangentGradGamma.Length, channels, "tangentGradGamma", where);
        OptionalPerChannel(tangentGradBeta.Length, channels, "tangentGradBeta", where);
    }
}
