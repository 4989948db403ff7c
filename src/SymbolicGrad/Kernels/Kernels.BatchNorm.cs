namespace SymbolicGrad.CompilerServices;

public static partial class Kernels
{
    // Channels whose double-precision sums are kept at once (on the stack) while the batch is read row by row.
    private const int BatchNormChunk = 128;

    /// <summary>
    /// Batch normalization forward in training mode (PyTorch's semantics). The input is batch × channels × spatial,
    /// row-major: sample after sample, channel after channel, <c>spatial</c> consecutive values per channel (1 for a
    /// vector of features, height·width for an image). Per channel c, over its n = batch·spatial values: the mean
    /// μ and the biased variance σ² (accumulated in double), <c>y = γ·(x − μ)·invStd + β</c> with
    /// <c>invStd = 1/√(σ² + ε)</c>; then <c>runningMean = (1 − momentum)·runningMean + momentum·μ</c> and
    /// <c>runningVariance = (1 − momentum)·runningVariance + momentum·σ²·n/(n − 1)</c> (unbiased).
    /// </summary>
    /// <param name="x">The input, batch × channels × spatial.</param>
    /// <param name="y">The output, same shape, written; x itself or separate memory.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="channels">Channels (features) normalized separately.</param>
    /// <param name="spatial">Values per channel and sample (1 for vectors).</param>
    /// <param name="gamma">γ, one per channel.</param>
    /// <param name="beta">β, one per channel.</param>
    /// <param name="runningMean">Running means, one per channel, updated.</param>
    /// <param name="runningVariance">Running variances, one per channel, updated.</param>
    /// <param name="momentum">The weight of this batch in the running statistics.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="savedMean">μ per channel, written (for <see cref="BatchNormBackwardTraining"/>).</param>
    /// <param name="savedInvStd">invStd per channel, written (for <see cref="BatchNormBackwardTraining"/>).</param>
    /// <exception cref="ArgumentException">A channel has a single value (batch·spatial = 1): it has no batch statistics, as in PyTorch.</exception>
    public static void BatchNormForwardTraining(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int spatial,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> runningMean, Span<float> runningVariance, float momentum, float epsilon,
        Span<float> savedMean, Span<float> savedInvStd)
    {
        const string where = "Kernels.BatchNormForwardTraining";
        CheckBatchNorm(x.Length, y.Length, batch, channels, spatial, where, "x", "y");
        Guard.SameOrSeparate(x, y, "x", "y", where);
        PerChannel(gamma.Length, channels, "gamma", where);
        PerChannel(beta.Length, channels, "beta", where);
        PerChannel(runningMean.Length, channels, "runningMean", where);
        PerChannel(runningVariance.Length, channels, "runningVariance", where);
        PerChannel(savedMean.Length, channels, "savedMean", where);
        PerChannel(savedInvStd.Length, channels, "savedInvStd", where);
        long n = (long)batch * spatial;
        if (n < 2)
        {
            throw new ArgumentException(
                $"{where}: a training batch of {batch} sample{(batch == 1 ? "" : "s")} × {spatial} value{(spatial == 1 ? "" : "s")} per channel has no batch statistics; batch normalization in training mode needs at least 2 values per channel (PyTorch raises the same).",
                nameof(batch));
        }

        Span<double> mean = stackalloc double[BatchNormChunk];
        Span<double> squares = stackalloc double[BatchNormChunk];
        for (int c0 = 0; c0 < channels; c0 += BatchNormChunk)
        {
            int count = Math.Min(BatchNormChunk, channels - c0);
            var m = mean[..count];
            var q = squares[..count];
            m.Clear();
            q.Clear();
            SumChannels(x, batch, channels, spatial, c0, m, centre: default);
            for (int c = 0; c < count; c++)
            {
                m[c] /= n;
            }

            SumChannels(x, batch, channels, spatial, c0, q, centre: m);
            for (int c = 0; c < count; c++)
            {
                double variance = q[c] / n;
                int channel = c0 + c;
                savedMean[channel] = (float)m[c];
                savedInvStd[channel] = (float)(1.0 / Math.Sqrt(variance + epsilon));
                runningMean[channel] = (float)((1.0 - momentum) * runningMean[channel] + momentum * m[c]);
                runningVariance[channel] = (float)((1.0 - momentum) * runningVariance[channel] + momentum * variance * n / (n - 1));
            }
        }

        Normalize(x, y, batch, channels, spatial, gamma, beta, savedMean, savedInvStd);
    }

    /// <summary>
    /// Batch normalization forward in evaluation mode: <c>y = γ·(x − runningMean)·invStd + β</c> with
    /// <c>invStd = 1/√(runningVariance + ε)</c>; same layout as <see cref="BatchNormForwardTraining"/>. Changes no
    /// statistics and saves nothing; any batch size, one sample included.
    /// </summary>
    /// <param name="x">The input, batch × channels × spatial.</param>
    /// <param name="y">The output, same shape, written; x itself or separate memory.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="spatial">Values per channel and sample.</param>
    /// <param name="gamma">γ, one per channel.</param>
    /// <param name="beta">β, one per channel.</param>
    /// <param name="runningMean">Running means, one per channel.</param>
    /// <param name="runningVariance">Running variances, one per channel.</param>
    /// <param name="epsilon">ε.</param>
    public static void BatchNormForwardEvaluation(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int spatial,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, float epsilon)
    {
        const string where = "Kernels.BatchNormForwardEvaluation";
        CheckBatchNorm(x.Length, y.Length, batch, channels, spatial, where, "x", "y");
        Guard.SameOrSeparate(x, y, "x", "y", where);
        PerChannel(gamma.Length, channels, "gamma", where);
        PerChannel(beta.Length, channels, "beta", where);
        PerChannel(runningMean.Length, channels, "runningMean", where);
        PerChannel(runningVariance.Length, channels, "runningVariance", where);
        Span<float> invStd = stackalloc float[BatchNormChunk];
        for (int c0 = 0; c0 < channels; c0 += BatchNormChunk)
        {
            int count = Math.Min(BatchNormChunk, channels - c0);
            for (int c = 0; c < count; c++)
            {
                invStd[c] = EvaluationInvStd(runningVariance[c0 + c], epsilon);
            }

            NormalizeChannels(x, y, batch, channels, spatial, c0, count, gamma, beta, runningMean[c0..], invStd);
        }
    }

    /// <summary>
    /// Batch normalization backward in training mode, through the batch statistics (every value's gradient depends on
    /// the whole batch). With <c>x̂ = (x − μ)·invStd</c> from the saved μ and invStd, per channel over its n values:
    /// <c>gradBeta += Σ dy</c>, <c>gradGamma += Σ dy·x̂</c>, and
    /// <c>gradInput = γ·invStd·(dy − Σdy/n − x̂·Σ(dy·x̂)/n)</c> (written).
    /// </summary>
    /// <param name="x">The forward input, batch × channels × spatial.</param>
    /// <param name="gradOutput">∂L/∂y, same shape.</param>
    /// <param name="gradInput">∂L/∂x, same shape, written (gradOutput itself or separate memory); empty to skip it.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="spatial">Values per channel and sample.</param>
    /// <param name="gamma">γ, one per channel.</param>
    /// <param name="savedMean">μ from the forward pass.</param>
    /// <param name="savedInvStd">invStd from the forward pass.</param>
    /// <param name="gradGamma">∂L/∂γ, one per channel, added into.</param>
    /// <param name="gradBeta">∂L/∂β, one per channel, added into.</param>
    public static void BatchNormBackwardTraining(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batch, int channels, int spatial,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd, Span<float> gradGamma, Span<float> gradBeta)
    {
        const string where = "Kernels.BatchNormBackwardTraining";
        CheckBatchNormBackward(x, gradOutput, gradInput, batch, channels, spatial, where);
        PerChannel(gamma.Length, channels, "gamma", where);
        PerChannel(savedMean.Length, channels, "savedMean", where);
        PerChannel(savedInvStd.Length, channels, "savedInvStd", where);
        PerChannel(gradGamma.Length, channels, "gradGamma", where);
        PerChannel(gradBeta.Length, channels, "gradBeta", where);
        BatchNormBackwardCore(x, gradOutput, gradInput, batch, channels, spatial, gamma, savedMean, savedInvStd, gradGamma, gradBeta, throughStatistics: true);
    }

    /// <summary>
    /// Batch normalization backward in evaluation mode (the running statistics are constants): with
    /// <c>x̂ = (x − runningMean)·invStd</c>, <c>gradBeta += Σ dy</c>, <c>gradGamma += Σ dy·x̂</c>,
    /// <c>gradInput = γ·invStd·dy</c> (written).
    /// </summary>
    /// <param name="x">The forward input, batch × channels × spatial.</param>
    /// <param name="gradOutput">∂L/∂y, same shape.</param>
    /// <param name="gradInput">∂L/∂x, same shape, written (gradOutput itself or separate memory); empty to skip it.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="spatial">Values per channel and sample.</param>
    /// <param name="gamma">γ, one per channel.</param>
    /// <param name="runningMean">Running means used by the forward pass.</param>
    /// <param name="runningVariance">Running variances used by the forward pass.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="gradGamma">∂L/∂γ, one per channel, added into.</param>
    /// <param name="gradBeta">∂L/∂β, one per channel, added into.</param>
    public static void BatchNormBackwardEvaluation(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batch, int channels, int spatial,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, float epsilon, Span<float> gradGamma, Span<float> gradBeta)
    {
        const string where = "Kernels.BatchNormBackwardEvaluation";
        CheckBatchNormBackward(x, gradOutput, gradInput, batch, channels, spatial, where);
        PerChannel(gamma.Length, channels, "gamma", where);
        PerChannel(runningMean.Length, channels, "runningMean", where);
        PerChannel(runningVariance.Length, channels, "runningVariance", where);
        PerChannel(gradGamma.Length, channels, "gradGamma", where);
        PerChannel(gradBeta.Length, channels, "gradBeta", where);
        Span<float> invStd = stackalloc float[BatchNormChunk];
        for (int c0 = 0; c0 < channels; c0 += BatchNormChunk)
        {
            int count = Math.Min(BatchNormChunk, channels - c0);
            for (int c = 0; c < count; c++)
            {
                invStd[c] = EvaluationInvStd(runningVariance[c0 + c], epsilon);
            }

            BatchNormBackwardChunk(x, gradOutput, gradInput, batch, channels, spatial, c0, count, gamma, runningMean, invStd[..count], gradGamma, gradBeta,
                throughStatistics: false);
        }
    }

    // The same float for the forward and backward passes of evaluation mode.
    private static float EvaluationInvStd(float runningVariance, float epsilon) => (float)(1.0 / Math.Sqrt((double)runningVariance + epsilon));

    private static void BatchNormBackwardCore(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batch, int channels, int spatial,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, Span<float> gradGamma, Span<float> gradBeta, bool throughStatistics)
    {
        for (int c0 = 0; c0 < channels; c0 += BatchNormChunk)
        {
            int count = Math.Min(BatchNormChunk, channels - c0);
            BatchNormBackwardChunk(x, gradOutput, gradInput, batch, channels, spatial, c0, count, gamma, mean, invStd.Slice(c0, count), gradGamma, gradBeta,
                throughStatistics);
        }
    }

    // Channels [c0, c0 + count): sums Σdy and Σdy·x̂ in double, adds them to gradBeta and gradGamma, then writes gradInput.
    private static void BatchNormBackwardChunk(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batch, int channels, int spatial,
        int c0, int count, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, Span<float> gradGamma, Span<float> gradBeta,
        bool throughStatistics)
    {
        Span<double> sumDy = stackalloc double[count];
        Span<double> sumDyXhat = stackalloc double[count];
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < count; c++)
            {
                int start = (b * channels + c0 + c) * spatial;
                float mu = mean[c0 + c], scale = invStd[c];
                double dySum = 0, dyXhatSum = 0;
                for (int s = 0; s < spatial; s++)
                {
                    float dy = gradOutput[start + s];
                    dySum += dy;
                    dyXhatSum += (double)dy * ((x[start + s] - mu) * scale);
                }

                sumDy[c] += dySum;
                sumDyXhat[c] += dyXhatSum;
            }
        }

        for (int c = 0; c < count; c++)
        {
            gradBeta[c0 + c] += (float)sumDy[c];
            gradGamma[c0 + c] += (float)sumDyXhat[c];
        }

        if (gradInput.IsEmpty)
        {
            return;
        }

        double n = (double)batch * spatial;
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < count; c++)
            {
                int start = (b * channels + c0 + c) * spatial;
                float mu = mean[c0 + c], scale = invStd[c];
                float g = gamma[c0 + c] * scale;
                if (!throughStatistics)
                {
                    for (int s = 0; s < spatial; s++)
                    {
                        gradInput[start + s] = g * gradOutput[start + s];
                    }

                    continue;
                }

                float meanDy = (float)(sumDy[c] / n);
                float meanDyXhat = (float)(sumDyXhat[c] / n);
                for (int s = 0; s < spatial; s++)
                {
                    float xhat = (x[start + s] - mu) * scale;
                    gradInput[start + s] = g * (gradOutput[start + s] - meanDy - xhat * meanDyXhat);
                }
            }
        }
    }

    // Adds Σ x (or Σ (x − centre)² when centre is given) over batch and spatial into sums, for channels from c0.
    private static void SumChannels(ReadOnlySpan<float> x, int batch, int channels, int spatial, int c0, Span<double> sums, ReadOnlySpan<double> centre)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < sums.Length; c++)
            {
                var values = x.Slice((b * channels + c0 + c) * spatial, spatial);
                double sum = 0;
                if (centre.IsEmpty)
                {
                    foreach (float v in values)
                    {
                        sum += v;
                    }
                }
                else
                {
                    double m = centre[c];
                    foreach (float v in values)
                    {
                        double d = v - m;
                        sum += d * d;
                    }
                }

                sums[c] += sum;
            }
        }
    }

    private static void Normalize(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int spatial,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd) =>
        NormalizeChannels(x, y, batch, channels, spatial, 0, channels, gamma, beta, mean, invStd);

    // y = (x − mean)·(γ·invStd) + β for channels [c0, c0 + count); mean and invStd are indexed from c0.
    private static void NormalizeChannels(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int spatial, int c0, int count,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < count; c++)
            {
                int start = (b * channels + c0 + c) * spatial;
                float mu = mean[c], scale = gamma[c0 + c] * invStd[c], shift = beta[c0 + c];
                for (int s = 0; s < spatial; s++)
                {
                    y[start + s] = (x[start + s] - mu) * scale + shift;
                }
            }
        }
    }

    private static void CheckBatchNorm(int xLength, int yLength, int batch, int channels, int spatial, string where, string xName, string yName)
    {
        Guard.NotNegative(batch, nameof(batch), where);
        Guard.NotNegative(channels, nameof(channels), where);
        Guard.NotNegative(spatial, nameof(spatial), where);
        long length = (long)batch * channels * spatial;
        if (xLength != length)
        {
            throw new ArgumentException($"{where}: {xName} has {xLength} elements but batch {batch} × channels {channels} × spatial {spatial} needs {length}.", xName);
        }

        if (yLength != length)
        {
            throw new ArgumentException($"{where}: {yName} has {yLength} elements but batch {batch} × channels {channels} × spatial {spatial} needs {length}.", yName);
        }
    }

    private static void CheckBatchNormBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batch, int channels, int spatial, string where)
    {
        CheckBatchNorm(x.Length, gradOutput.Length, batch, channels, spatial, where, "x", "gradOutput");
        if (!gradInput.IsEmpty)
        {
            Guard.VectorSpan(gradInput.Length, x.Length, "gradInput", where, " (the length of x; or empty to skip it)");
            Guard.SameOrSeparate(gradOutput, gradInput, "gradOutput", "gradInput", where);
            Guard.NoOverlap(x, gradInput, "x", "gradInput", where);
        }
    }

    private static void PerChannel(int length, int channels, string name, string where)
    {
        if (length != channels)
        {
            Guard.VectorSpan(length, channels, name, where, $" (one per channel; there are {channels})");
        }
    }
}
