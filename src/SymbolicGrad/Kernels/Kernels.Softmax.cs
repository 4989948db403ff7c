using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace SymbolicGrad.CompilerServices;

public static partial class Kernels
{
    private const int ExpChunk = 256;

    /// <summary><c>log Σ e^xᵢ</c>, computed as <c>m + log Σ e^(xᵢ − m)</c> with m = max x so it never overflows.</summary>
    /// <param name="x">The values; must not be empty.</param>
    public static float LogSumExp(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty)
        {
            throw new ArgumentException("Kernels.LogSumExp: x is empty; it needs at least one element.", nameof(x));
        }

        if (x.Length <= ShortRow)
        {
            return LogSumExpShort(x);
        }

        float max = TensorPrimitives.Max(x);
        Span<float> shifted = stackalloc float[Math.Min(ExpChunk, x.Length)];
        float sum = 0f;
        for (int start = 0; start < x.Length; start += ExpChunk)
        {
            var part = x.Slice(start, Math.Min(ExpChunk, x.Length - start));
            var tmp = shifted[..part.Length];
            TensorPrimitives.Subtract(part, max, tmp);
            TensorPrimitives.Exp(tmp, tmp);
            sum += TensorPrimitives.Sum(tmp);
        }

        return max + MathF.Log(sum);
    }

    // A row of class scores (10 for digits) is too short for TensorPrimitives' Max and Subtract to repay their set-up
    // (measured: log-sum-exp was 5% of a Digits run's CPU time). Plain loops do the same IEEE operations element by
    // element, and the exponentials and their sum stay TensorPrimitives', so every result keeps its bits.
    private const int ShortRow = 16;

    private static float LogSumExpShort(ReadOnlySpan<float> x)
    {
        float max = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            max = MathF.Max(max, x[i]);
        }

        Span<float> shifted = stackalloc float[ShortRow];
        shifted = shifted[..x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            shifted[i] = x[i] - max;
        }

        TensorPrimitives.Exp(shifted, shifted);
        return max + MathF.Log(TensorPrimitives.Sum(shifted));
    }

    /// <summary>
    /// <c>logSumExp[r] = log Σ e^z[r, :]</c> for each row of a rows × cols matrix, each the bits of <see cref="LogSumExp"/>
    /// of that row. Short rows (a batch's class scores) get their exponentials from one vector call over many rows, as
    /// in <see cref="SoftmaxFromLogSumExp"/>, instead of a call per row.
    /// </summary>
    /// <param name="z">The rows × cols values; cols must not be 0.</param>
    /// <param name="rows">Rows (the batch size).</param>
    /// <param name="cols">Columns (the length of each row).</param>
    /// <param name="logSumExp">One log-sum-exp per row, written.</param>
    [System.Runtime.CompilerServices.SkipLocalsInit] // its stack buffers (1 KB) are written before they are read: no zeroing per call
    public static void LogSumExpRows(ReadOnlySpan<float> z, int rows, int cols, Span<float> logSumExp)
    {
        const string where = "Kernels.LogSumExpRows";
        Guard.MatrixSpan(z.Length, rows, cols, nameof(z), where);
        Guard.VectorSpan(logSumExp.Length, rows, nameof(logSumExp), where, " (one per row of z)");
        Guard.NoOverlap(z, logSumExp, nameof(z), nameof(logSumExp), where);
        if (cols == 0 && rows > 0)
        {
            throw new ArgumentException($"{where}: the rows of z are empty; each needs at least one element.", nameof(cols));
        }

        // Rows shorter than a 256-bit vector get their exponentials from TensorPrimitives' narrower or scalar paths when
        // taken one row at a time, so only rows of 8–16 share a call: both ways every element then goes through the
        // same vector exponential, which gives each lane the same bits whatever the vector's width.
        if (cols > ShortRow || cols < Vector256<float>.Count)
        {
            for (int r = 0; r < rows; r++)
            {
                logSumExp[r] = LogSumExp(z.Slice(r * cols, cols));
            }

            return;
        }

        Span<float> shifted = stackalloc float[ExpChunk];
        Span<float> maxima = stackalloc float[ExpChunk / Vector256<float>.Count];
        int rowsPerChunk = ExpChunk / cols;
        for (int first = 0; first < rows; first += rowsPerChunk)
        {
            int count = Math.Min(rowsPerChunk, rows - first);
            for (int k = 0; k < count; k++)
            {
                // As LogSumExpShort: the maximum, then x − max.
                var x = z.Slice((first + k) * cols, cols);
                float max = x[0];
                for (int i = 1; i < x.Length; i++)
                {
                    max = MathF.Max(max, x[i]);
                }

                maxima[k] = max;
                var row = shifted.Slice(k * cols, cols);
                for (int i = 0; i < x.Length; i++)
                {
                    row[i] = x[i] - max;
                }
            }

            var block = shifted[..(count * cols)];
            TensorPrimitives.Exp(block, block);
            for (int k = 0; k < count; k++)
            {
                logSumExp[first + k] = maxima[k] + MathF.Log(TensorPrimitives.Sum(block.Slice(k * cols, cols)));
            }
        }
    }

    /// <summary>
    /// <c>softmax = exp(z − s)</c> row by row, with <c>s[r]</c> the log-sum-exp of row r of z (as
    /// <see cref="LogSumExp"/> computed it): the softmax of every row, the gradient of log-sum-exp. The exponentials of
    /// all rows run as one vector call, so a batch of short rows (10 classes) costs little more than its exponentials.
    /// May run in place (softmax the same span as z).
    /// </summary>
    /// <param name="z">The rows × cols values.</param>
    /// <param name="logSumExp">One log-sum-exp per row.</param>
    /// <param name="rows">Rows (the batch size).</param>
    /// <param name="cols">Columns (the length of each row).</param>
    /// <param name="softmax">The rows × cols result, written.</param>
    public static void SoftmaxFromLogSumExp(ReadOnlySpan<float> z, ReadOnlySpan<float> logSumExp, int rows, int cols, Span<float> softmax)
    {
        const string where = "Kernels.SoftmaxFromLogSumExp";
        Guard.MatrixSpan(z.Length, rows, cols, nameof(z), where);
        Guard.MatrixSpan(softmax.Length, rows, cols, nameof(softmax), where);
        Guard.VectorSpan(logSumExp.Length, rows, nameof(logSumExp), where, " (one per row of z)");
        Guard.SameOrSeparate(z, softmax, nameof(z), nameof(softmax), where);
        Guard.NoOverlap(logSumExp, softmax, nameof(logSumExp), nameof(softmax), where);
        var block = softmax[..(rows * cols)];
        for (int r = 0; r < rows; r++)
        {
            float shift = logSumExp[r];
            var row = z.Slice(r * cols, cols);
            var output = block.Slice(r * cols, cols);
            if (cols <= ShortRow)
            {
                for (int i = 0; i < row.Length; i++)
                {
                    output[i] = row[i] - shift;
                }
            }
            else
            {
                TensorPrimitives.Subtract(row, shift, output);
            }
        }

        TensorPrimitives.Exp(block, block);
    }

    /// <summary><c>y = softmax(x)</c> with the max shift (finite for any finite logits); may run in place.</summary>
    /// <param name="x">Logits; must not be empty.</param>
    /// <param name="y">Probabilities, same length.</param>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y)
    {
        const string where = "Kernels.Softmax";
        if (x.IsEmpty)
        {
            throw new ArgumentException($"{where}: x is empty; it needs at least one element.", nameof(x));
        }

        Guard.VectorSpan(y.Length, x.Length, nameof(y), where, " (the length of x)");
        Guard.SameOrSeparate(x, y, nameof(x), nameof(y), where);
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        TensorPrimitives.Multiply(y, 1f / TensorPrimitives.Sum(y), y);
    }

    /// <summary>
    /// Softmax cross-entropy of one sample, forward and gradient fused: returns <c>log Σ e^xⱼ − x_label</c> and writes
    /// <c>gradLogits = gradScale · (softmax(x) − onehot(label))</c>. gradLogits may be the logits span itself.
    /// </summary>
    /// <param name="logits">Class scores; must not be empty.</param>
    /// <param name="label">The true class, in [0, logits.Length).</param>
    /// <param name="gradLogits">∂(gradScale·loss)/∂logits, written.</param>
    /// <param name="gradScale">Scale of the gradient (e.g. 1/batch for a mean loss).</param>
    /// <returns>The loss (never NaN or infinite for finite logits).</returns>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, int label, Span<float> gradLogits, float gradScale = 1f)
    {
        const string where = "Kernels.SoftmaxCrossEntropy";
        CheckClassRow(logits.Length, label, where, row: -1);
        Guard.VectorSpan(gradLogits.Length, logits.Length, nameof(gradLogits), where, " (the length of logits)");
        Guard.SameOrSeparate(logits, gradLogits, nameof(logits), nameof(gradLogits), where);
        return SoftmaxCrossEntropyRow(logits, label, gradLogits, gradScale);
    }

    /// <summary>
    /// Softmax cross-entropy over a batch, fused: for each row r of the rows × cols logits, the loss
    /// <c>log Σ e^x − x[labels[r]]</c> and <c>gradLogits[r] = gradScale · (softmax(x) − onehot)</c>.
    /// </summary>
    /// <param name="logits">Class scores, rows × cols.</param>
    /// <param name="rows">Rows (the batch size; the length of labels).</param>
    /// <param name="cols">Columns (the number of classes).</param>
    /// <param name="labels">The true class of each row, in [0, cols).</param>
    /// <param name="gradLogits">Gradient, rows × cols, written; may be the logits span itself.</param>
    /// <param name="gradScale">Scale of the gradient (1/rows for the gradient of the mean loss).</param>
    /// <returns>The sum of the row losses (divide by rows for the mean).</returns>
    public static float SoftmaxCrossEntropyRows(ReadOnlySpan<float> logits, int rows, int cols, ReadOnlySpan<int> labels, Span<float> gradLogits, float gradScale = 1f)
    {
        const string where = "Kernels.SoftmaxCrossEntropyRows";
        Guard.MatrixSpan(logits.Length, rows, cols, nameof(logits), where);
        Guard.MatrixSpan(gradLogits.Length, rows, cols, nameof(gradLogits), where);
        Guard.VectorSpan(labels.Length, rows, nameof(labels), where, " (one per row of logits)");
        Guard.SameOrSeparate(logits, gradLogits, nameof(logits), nameof(gradLogits), where);
        float total = 0f;
        for (int r = 0; r < rows; r++)
        {
            CheckClassRow(cols, labels[r], where, r);
            total += SoftmaxCrossEntropyRow(logits.Slice(r * cols, cols), labels[r], gradLogits.Slice(r * cols, cols), gradScale);
        }

        return total;
    }

    /// <summary>
    /// Softmax cross-entropy forward only: returns the loss and writes <c>probabilities = softmax(logits)</c> for
    /// <see cref="SoftmaxCrossEntropyBackward"/>.
    /// </summary>
    /// <param name="logits">Class scores; must not be empty.</param>
    /// <param name="label">The true class, in [0, logits.Length).</param>
    /// <param name="probabilities">softmax(logits), written; may be the logits span itself.</param>
    /// <returns>The loss <c>log Σ e^xⱼ − x_label</c>.</returns>
    public static float SoftmaxCrossEntropyForward(ReadOnlySpan<float> logits, int label, Span<float> probabilities)
    {
        const string where = "Kernels.SoftmaxCrossEntropyForward";
        CheckClassRow(logits.Length, label, where, row: -1);
        Guard.VectorSpan(probabilities.Length, logits.Length, nameof(probabilities), where, " (the length of logits)");
        Guard.SameOrSeparate(logits, probabilities, nameof(logits), nameof(probabilities), where);
        return SoftmaxCrossEntropyRow(logits, label, probabilities, 1f, subtractOneHot: false);
    }

    /// <summary>Softmax cross-entropy backward from stored probabilities: <c>gradLogits = gradScale · (p − onehot(label))</c>, overwriting.</summary>
    /// <param name="probabilities">softmax(logits) from the forward pass.</param>
    /// <param name="label">The true class.</param>
    /// <param name="gradLogits">∂(gradScale·loss)/∂logits, written; may be the probabilities span itself.</param>
    /// <param name="gradScale">Scale of the gradient.</param>
    public static void SoftmaxCrossEntropyBackward(ReadOnlySpan<float> probabilities, int label, Span<float> gradLogits, float gradScale = 1f)
    {
        const string where = "Kernels.SoftmaxCrossEntropyBackward";
        CheckClassRow(probabilities.Length, label, where, row: -1);
        Guard.VectorSpan(gradLogits.Length, probabilities.Length, nameof(gradLogits), where, " (the length of probabilities)");
        Guard.SameOrSeparate(probabilities, gradLogits, nameof(probabilities), nameof(gradLogits), where);
        TensorPrimitives.Multiply(probabilities, gradScale, gradLogits);
        gradLogits[label] -= gradScale;
    }

    // Writes scale·softmax(x) (minus scale at the label when asked) into output, which may alias x; returns the loss.
    private static float SoftmaxCrossEntropyRow(ReadOnlySpan<float> x, int label, Span<float> output, float scale, bool subtractOneHot = true)
    {
        float max = TensorPrimitives.Max(x);
        float shiftedLabel = x[label] - max; // read before output (possibly x itself) is overwritten
        TensorPrimitives.Subtract(x, max, output);
        TensorPrimitives.Exp(output, output);
        float sum = TensorPrimitives.Sum(output);
        TensorPrimitives.Multiply(output, scale / sum, output);
        if (subtractOneHot)
        {
            output[label] -= scale;
        }

        return MathF.Log(sum) - shiftedLabel;
    }

    private static void CheckClassRow(int classes, int label, string where, int row)
    {
        if (classes == 0)
        {
            throw new ArgumentException($"{where}: there are no logits (0 classes).", "logits");
        }

        if ((uint)label >= (uint)classes)
        {
            string at = row >= 0 ? $" in row {row}" : "";
            throw new ArgumentOutOfRangeException(nameof(label), label, $"{where}: label {label}{at} is outside [0, {classes}).");
        }
    }
}
