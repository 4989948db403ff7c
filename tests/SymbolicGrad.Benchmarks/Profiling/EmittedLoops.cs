namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// The element-wise loops of the generated <c>SmallMlp.LossForwardBatch</c>/<c>LossBackwardBatch</c>, copied statement
/// for statement (same indexing, same array and span types) so each can be timed on its own.
/// </summary>
internal static class EmittedLoops
{
    /// <summary><c>t2 = t1 + b1</c>.</summary>
    public static void BiasAdd(float[] t1, ReadOnlySpan<float> b1Values, float[] t2, int batch, int w1Rows)
    {
        for (int r = 0; r < batch; r++)
        {
            for (int i = 0; i < w1Rows; i++)
                t2[r * w1Rows + i] = t1[r * w1Rows + i] + b1Values[i];
        }
    }

    /// <summary><c>c1 = t2 &gt; 0</c>, stored as bool[] for the forward select and the backward mask.</summary>
    public static void ReluCondition(float[] t2, bool[] c1, int batch, int w1Rows)
    {
        for (int r = 0; r < batch; r++)
        {
            for (int i = 0; i < w1Rows; i++)
                c1[r * w1Rows + i] = t2[r * w1Rows + i] > 0f;
        }
    }

    /// <summary><c>t3 = c1 ? t2 : 0</c>.</summary>
    public static void ReluSelect(bool[] c1, float[] t2, float[] t3, int batch, int w1Rows)
    {
        for (int r = 0; r < batch; r++)
        {
            for (int i = 0; i < w1Rows; i++)
                t3[r * w1Rows + i] = c1[r * w1Rows + i] ? t2[r * w1Rows + i] : 0f;
        }
    }

    /// <summary><c>logsumexpT5 = logΣexp(t5)</c>, <c>f = logsumexpT5 − t5[label]</c>, and the mean.</summary>
    public static float LogSumExpLoss(float[] t5, float[] logsumexpT5, float[] f, ReadOnlySpan<int> label, int batch, int w2Rows)
    {
        for (int r = 0; r < batch; r++)
        {
            logsumexpT5[r] = Kernels.LogSumExp(t5.AsSpan(0, batch * w2Rows).Slice(r * w2Rows, w2Rows));
        }

        for (int r = 0; r < batch; r++)
        {
            f[r] = logsumexpT5[r] - t5[r * w2Rows + label[r]];
        }

        float total = 0f;
        for (int r = 0; r < batch; r++) total += f[r];
        return total / batch;
    }

    /// <summary><c>∂L/∂t5 = onehot(label)·(−sampleWeight) + sampleWeight · exp(t5 − logsumexpT5)</c>.</summary>
    public static void SoftmaxGradient(float[] t5, float[] logsumexpT5, float[] dT5, ReadOnlySpan<int> label, int batch, int w2Rows)
    {
        float sampleWeight = 1f / batch;
        for (int r = 0; r < batch; r++)
        {
            for (int i = 0; i < w2Rows; i++)
                dT5[r * w2Rows + i] = (i == label[r] ? -sampleWeight : 0f) + sampleWeight * MathF.Exp(t5[r * w2Rows + i] - logsumexpT5[r]);
        }
    }

    /// <summary><c>∂L/∂t2 = c1 ? ∂L/∂t3 : 0</c>.</summary>
    public static void ReluMask(bool[] c1, float[] dT3, float[] dT2, int batch, int w1Rows)
    {
        for (int r = 0; r < batch; r++)
        {
            for (int i = 0; i < w1Rows; i++)
                dT2[r * w1Rows + i] = c1[r * w1Rows + i] ? dT3[r * w1Rows + i] : 0f;
        }
    }

    /// <summary>The label range check at the top of both generated batch methods.</summary>
    public static void CheckLabels(ReadOnlySpan<int> label, int batch, int w2Rows)
    {
        for (int r = 0; r < batch; r++) if ((uint)label[r] >= (uint)w2Rows) throw new ArgumentOutOfRangeException(nameof(label), label[r], $"Loss: label {label[r]} of sample {r} is outside [0, {w2Rows}).");
    }
}
