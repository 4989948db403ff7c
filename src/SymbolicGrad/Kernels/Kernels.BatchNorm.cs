using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
            EvaluationInvStd(runningVariance.Slice(c0, count), epsilon, invStd);

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
    /// <param name="gradGamma">∂L/∂γ, one per channel, added into; empty to skip it.</param>
    /// <param name="gradBeta">∂L/∂β, one per channel, added into; empty to skip it.</param>
    public static void BatchNormBackwardTraining(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batch, int channels, int spatial,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd, Span<float> gradGamma, Span<float> gradBeta)
    {
        const string where = "Kernels.BatchNormBackwardTraining";
        CheckBatchNormBackward(x, gradOutput, gradInput, batch, channels, spatial, where);
        PerChannel(gamma.Length, channels, "gamma", where);
        PerChannel(savedMean.Length, channels, "savedMean", where);
        PerChannel(savedInvStd.Length, channels, "savedInvStd", where);
        OptionalPerChannel(gradGamma.Length, channels, "gradGamma", where);
        OptionalPerChannel(gradBeta.Length, channels, "gradBeta", where);
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
    /// <param name="gradGamma">∂L/∂γ, one per channel, added into; empty to skip it.</param>
    /// <param name="gradBeta">∂L/∂β, one per channel, added into; empty to skip it.</param>
    public static void BatchNormBackwardEvaluation(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batch, int channels, int spatial,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, float epsilon, Span<float> gradGamma, Span<float> gradBeta)
    {
        const string where = "Kernels.BatchNormBackwardEvaluation";
        CheckBatchNormBackward(x, gradOutput, gradInput, batch, channels, spatial, where);
        PerChannel(gamma.Length, channels, "gamma", where);
        PerChannel(runningMean.Length, channels, "runningMean", where);
        PerChannel(runningVariance.Length, channels, "runningVariance", where);
        OptionalPerChannel(gradGamma.Length, channels, "gradGamma", where);
        OptionalPerChannel(gradBeta.Length, channels, "gradBeta", where);
        Span<float> invStd = stackalloc float[BatchNormChunk];
        for (int c0 = 0; c0 < channels; c0 += BatchNormChunk)
        {
            int count = Math.Min(BatchNormChunk, channels - c0);
            EvaluationInvStd(runningVariance.Slice(c0, count), epsilon, invStd);

            BatchNormBackwardChunk(x, gradOutput, gradInput, batch, channels, spatial, c0, count, gamma, runningMean, invStd[..count], gradGamma, gradBeta,
                throughStatistics: false);
        }
    }

    // 1/√(running variance + ε) of each channel of a chunk: one function, so evaluation's forward and backward passes
    // use the same floats.
    private static void EvaluationInvStd(ReadOnlySpan<float> runningVariance, float epsilon, Span<float> invStd)
    {
        for (int c = 0; c < runningVariance.Length; c++)
        {
            invStd[c] = (float)(1.0 / Math.Sqrt((double)runningVariance[c] + epsilon));
        }
    }

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
        Span<double> sumDyCentred = stackalloc double[count]; // Σ dy·(x − μ); times invStd it is Σ dy·x̂
        for (int b = 0; b < batch; b++)
        {
            if (spatial == 1)
            {
                var xs = x.Slice(b * channels + c0, count);
                var dys = gradOutput.Slice(b * channels + c0, count);
                var mu = mean.Slice(c0, count);
                int c = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    for (; c + 8 <= count; c += 8)
                    {
                        var (dyLower, dyUpper) = Vector256.Widen(Vector256.Create(dys.Slice(c, 8)));
                        var (xLower, xUpper) = Vector256.Widen(Vector256.Create(xs.Slice(c, 8)));
                        var (muLower, muUpper) = Vector256.Widen(Vector256.Create(mu.Slice(c, 8)));
                        (Vector256.Create((ReadOnlySpan<double>)sumDy.Slice(c, 4)) + dyLower).CopyTo(sumDy.Slice(c, 4));
                        (Vector256.Create((ReadOnlySpan<double>)sumDy.Slice(c + 4, 4)) + dyUpper).CopyTo(sumDy.Slice(c + 4, 4));
                        (Vector256.Create((ReadOnlySpan<double>)sumDyCentred.Slice(c, 4)) + dyLower * (xLower - muLower)).CopyTo(sumDyCentred.Slice(c, 4));
                        (Vector256.Create((ReadOnlySpan<double>)sumDyCentred.Slice(c + 4, 4)) + dyUpper * (xUpper - muUpper)).CopyTo(sumDyCentred.Slice(c + 4, 4));
                    }
                }

                for (; c < count; c++)
                {
                    double dy = dys[c];
                    sumDy[c] += dy;
                    sumDyCentred[c] += dy * ((double)xs[c] - mu[c]);
                }

                continue;
            }

            for (int c = 0; c < count; c++)
            {
                int start = (b * channels + c0 + c) * spatial;
                var (dy, dyCentred) = BackwardSums(gradOutput.Slice(start, spatial), x.Slice(start, spatial), mean[c0 + c]);
                sumDy[c] += dy;
                sumDyCentred[c] += dyCentred;
            }
        }

        Span<float> meanDy = stackalloc float[count];
        Span<float> meanDyXhat = stackalloc float[count];
        Span<float> scale = stackalloc float[count];
        double n = (double)batch * spatial;
        for (int c = 0; c < count; c++)
        {
            double dyXhat = sumDyCentred[c] * invStd[c];
            if (!gradBeta.IsEmpty) gradBeta[c0 + c] += (float)sumDy[c];
            if (!gradGamma.IsEmpty) gradGamma[c0 + c] += (float)dyXhat;
            meanDy[c] = throughStatistics ? (float)(sumDy[c] / n) : 0f;
            meanDyXhat[c] = throughStatistics ? (float)(dyXhat / n) : 0f;
            scale[c] = gamma[c0 + c] * invStd[c];
        }

        if (gradInput.IsEmpty)
        {
            return;
        }

        // gradInput = γ·invStd·(dy − mean(dy) − x̂·mean(dy·x̂)); in evaluation mode both means are 0.
        for (int b = 0; b < batch; b++)
        {
            if (spatial == 1 && Vector256.IsHardwareAccelerated && count >= 8)
            {
                BackwardRow(x.Slice(b * channels + c0, count), gradOutput.Slice(b * channels + c0, count), gradInput.Slice(b * channels + c0, count),
                    mean.Slice(c0, count), invStd, scale, meanDy, meanDyXhat);
                continue;
            }

            for (int c = 0; c < count; c++)
            {
                int start = (b * channels + c0 + c) * spatial;
                float mu = mean[c0 + c], s = invStd[c], g = scale[c], md = meanDy[c], mdx = meanDyXhat[c];
                ref float xs = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), start);
                ref float dys = ref Unsafe.Add(ref MemoryMarshal.GetReference(gradOutput), start);
                ref float dxs = ref Unsafe.Add(ref MemoryMarshal.GetReference(gradInput), start);
                for (int i = 0; i < spatial; i++)
                {
                    float xhat = (Unsafe.Add(ref xs, i) - mu) * s;
                    Unsafe.Add(ref dxs, i) = g * (Unsafe.Add(ref dys, i) - md - xhat * mdx);
                }
            }
        }
    }

    // One row of the input gradient, 8 channels at a time, with the scalar loop's roundings; may run in place.
    private static void BackwardRow(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd,
        ReadOnlySpan<float> scale, ReadOnlySpan<float> meanDy, ReadOnlySpan<float> meanDyXhat)
    {
        int c = 0;
        for (; c + 8 <= x.Length; c += 8)
        {
            var xhat = (Vector256.Create(x.Slice(c, 8)) - Vector256.Create(mean.Slice(c, 8))) * Vector256.Create(invStd.Slice(c, 8));
            var g = Vector256.Create(scale.Slice(c, 8)) *
                (Vector256.Create(dy.Slice(c, 8)) - Vector256.Create(meanDy.Slice(c, 8)) - xhat * Vector256.Create(meanDyXhat.Slice(c, 8)));
            g.CopyTo(dx.Slice(c, 8));
        }

        for (; c < x.Length; c++)
        {
            float xhat = (x[c] - mean[c]) * invStd[c];
            dx[c] = scale[c] * (dy[c] - meanDy[c] - xhat * meanDyXhat[c]);
        }
    }

    // Adds Σ x (or Σ (x − centre)² when centre is given) over batch and spatial into sums, for channels from c0.
    private static void SumChannels(ReadOnlySpan<float> x, int batch, int channels, int spatial, int c0, Span<double> sums, ReadOnlySpan<double> centre)
    {
        for (int b = 0; b < batch; b++)
        {
            if (spatial == 1)
            {
                AddRow(x.Slice(b * channels + c0, sums.Length), sums, centre);
                continue;
            }

            for (int c = 0; c < sums.Length; c++)
            {
                var values = x.Slice((b * channels + c0 + c) * spatial, spatial);
                sums[c] += centre.IsEmpty ? SumAsDouble(values) : SquaredDeviations(values, centre[c]);
            }
        }
    }

    // sums[c] += row[c] (or (row[c] − centre[c])² when centre is given), in double, 8 channels at a time.
    private static void AddRow(ReadOnlySpan<float> row, Span<double> sums, ReadOnlySpan<double> centre)
    {
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float r = ref MemoryMarshal.GetReference(row);
            ref double s = ref MemoryMarshal.GetReference(sums);
            ref double m = ref MemoryMarshal.GetReference(centre);
            for (; c + 8 <= row.Length; c += 8)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)c));
                if (!centre.IsEmpty)
                {
                    lower -= Vector256.LoadUnsafe(ref m, (nuint)c);
                    upper -= Vector256.LoadUnsafe(ref m, (nuint)c + 4);
                    lower *= lower;
                    upper *= upper;
                }

                (Vector256.LoadUnsafe(ref s, (nuint)c) + lower).StoreUnsafe(ref s, (nuint)c);
                (Vector256.LoadUnsafe(ref s, (nuint)c + 4) + upper).StoreUnsafe(ref s, (nuint)c + 4);
            }
        }

        for (; c < row.Length; c++)
        {
            double d = centre.IsEmpty ? row[c] : row[c] - centre[c];
            sums[c] += centre.IsEmpty ? d : d * d;
        }
    }

    // Σ values in double, in a fixed order (so any thread count gives the same bits).
    private static double SumAsDouble(ReadOnlySpan<float> values)
    {
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 8)
        {
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            ref float v = ref MemoryMarshal.GetReference(values);
            for (; i + 8 <= values.Length; i += 8)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref v, (nuint)i));
                acc0 += lower;
                acc1 += upper;
            }

            sum = Vector256.Sum(acc0 + acc1);
        }

        for (; i < values.Length; i++)
        {
            sum += values[i];
        }

        return sum;
    }

    // Σ (values − centre)² in double, in a fixed order.
    private static double SquaredDeviations(ReadOnlySpan<float> values, double centre)
    {
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 8)
        {
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            var m = Vector256.Create(centre);
            ref float v = ref MemoryMarshal.GetReference(values);
            for (; i + 8 <= values.Length; i += 8)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref v, (nuint)i));
                lower -= m;
                upper -= m;
                acc0 += lower * lower;
                acc1 += upper * upper;
            }

            sum = Vector256.Sum(acc0 + acc1);
        }

        for (; i < values.Length; i++)
        {
            double d = values[i] - centre;
            sum += d * d;
        }

        return sum;
    }

    // (Σ dy, Σ dy·(x − centre)) in double, in a fixed order.
    private static (double Dy, double DyCentred) BackwardSums(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, float centre)
    {
        int i = 0;
        double sumDy = 0, sumDyCentred = 0;
        if (Vector256.IsHardwareAccelerated && dy.Length >= 8)
        {
            var accDy = Vector256<double>.Zero;
            var accProduct = Vector256<double>.Zero;
            var m = Vector256.Create((double)centre);
            ref float g = ref MemoryMarshal.GetReference(dy);
            ref float v = ref MemoryMarshal.GetReference(x);
            for (; i + 8 <= dy.Length; i += 8)
            {
                var (gLower, gUpper) = Vector256.Widen(Vector256.LoadUnsafe(ref g, (nuint)i));
                var (xLower, xUpper) = Vector256.Widen(Vector256.LoadUnsafe(ref v, (nuint)i));
                accDy += gLower + gUpper;
                accProduct += gLower * (xLower - m) + gUpper * (xUpper - m);
            }

            sumDy = Vector256.Sum(accDy);
            sumDyCentred = Vector256.Sum(accProduct);
        }

        for (; i < dy.Length; i++)
        {
            sumDy += dy[i];
            sumDyCentred += dy[i] * ((double)x[i] - centre);
        }

        return (sumDy, sumDyCentred);
    }

    private static void Normalize(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int spatial,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd)
    {
        for (int c0 = 0; c0 < channels; c0 += BatchNormChunk)
        {
            int count = Math.Min(BatchNormChunk, channels - c0);
            NormalizeChannels(x, y, batch, channels, spatial, c0, count, gamma, beta, mean[c0..], invStd[c0..]);
        }
    }

    // y = (x − mean)·(γ·invStd) + β for channels [c0, c0 + count); mean and invStd are indexed from c0.
    private static void NormalizeChannels(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int spatial, int c0, int count,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd)
    {
        Span<float> scale = stackalloc float[count];
        for (int c = 0; c < count; c++)
        {
            scale[c] = gamma[c0 + c] * invStd[c];
        }

        var shift = beta.Slice(c0, count);
        for (int b = 0; b < batch; b++)
        {
            if (spatial == 1)
            {
                var xs = x.Slice(b * channels + c0, count);
                var ys = y.Slice(b * channels + c0, count);
                int c = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    for (; c + 8 <= count; c += 8)
                    {
                        // (x − mean)·scale + shift with the scalar form's two roundings (no fused multiply-add).
                        var v = (Vector256.Create(xs.Slice(c, 8)) - Vector256.Create(mean.Slice(c, 8))) * Vector256.Create(scale.Slice(c, 8));
                        (v + Vector256.Create(shift.Slice(c, 8))).CopyTo(ys.Slice(c, 8));
                    }
                }

                for (; c < count; c++)
                {
                    ys[c] = (xs[c] - mean[c]) * scale[c] + shift[c];
                }

                continue;
            }

            for (int c = 0; c < count; c++)
            {
                int start = (b * channels + c0 + c) * spatial;
                var ys = y.Slice(start, spatial);
                TensorPrimitives.Subtract(x.Slice(start, spatial), mean[c], ys); // the same roundings as the scalar form
                TensorPrimitives.Multiply(ys, scale[c], ys);
                TensorPrimitives.Add(ys, shift[c], ys);
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

    // An empty parameter gradient is skipped (generated code asks for one of ∂L/∂x, ∂L/∂γ, ∂L/∂β per call).
    private static void OptionalPerChannel(int length, int channels, string name, string where)
    {
        if (length != 0) PerChannel(length, channels, name, where);
    }

    private static void PerChannel(int length, int channels, string name, string where)
    {
        if (length != channels)
        {
            Guard.VectorSpan(length, channels, name, where, $" (one per channel; there are {channels})");
        }
    }
}
