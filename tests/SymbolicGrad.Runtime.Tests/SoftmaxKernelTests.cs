using System.Numerics.Tensors;
using SymbolicGrad.CompilerServices;
namespace SymbolicGrad.Runtime.Tests;

public class SoftmaxKernelTests
{
    private static double Loss(float[] logits, int label)
    {
        double max = logits.Max();
        double lse = max + Math.Log(logits.Sum(v => Math.Exp(v - max)));
        return lse - logits[label];
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 2)]
    [InlineData(10, 7)]
    [InlineData(33, 0)]
    [InlineData(300, 123)]
    public void FusedLossAndGradientMatchClosedFormAndFiniteDifferences(int classes, int label)
    {
        var logits = Reference.Random(classes, classes).Select(v => 4 * v).ToArray();
        var grad = new float[classes];
        float loss = Kernels.SoftmaxCrossEntropy(logits, label, grad, gradScale: 0.5f);
        Assert.Equal(Loss(logits, label), loss, 4);
        Assert.Equal(loss, Ops.SoftmaxCrossEntropy(new Vec(logits), label), 5);
        double max = logits.Max();
        double z = logits.Sum(v => Math.Exp(v - max));
        for (int j = 0; j < classes; j++)
        {
            double p = Math.Exp(logits[j] - max) / z;
            Assert.Equal(0.5 * (p - (j == label ? 1 : 0)), grad[j], 6);

            var plus = (float[])logits.Clone();
            var minus = (float[])logits.Clone();
            plus[j] += 1e-2f;
            minus[j] -= 1e-2f;
            double fd = (Loss(plus, label) - Loss(minus, label)) / (plus[j] - minus[j]);
            Assert.Equal(fd * 0.5, grad[j], 4);
        }
    }

    [Fact]
    public void RowsSumTheRowLossesAndMayRunInPlace()
    {
        const int rows = 6, cols = 10;
        var logits = Reference.Random(rows * cols, 5).Select(v => 10 * v).ToArray();
        int[] labels = [0, 9, 3, 3, 5, 1];
        var grad = new float[rows * cols];
        float total = Kernels.SoftmaxCrossEntropyRows(logits, rows, cols, labels, grad, gradScale: 1f / rows);
        double expected = 0;
        for (int r = 0; r < rows; r++)
        {
            var row = logits.AsSpan(r * cols, cols).ToArray();
            expected += Loss(row, labels[r]);
            var rowGrad = new float[cols];
            Kernels.SoftmaxCrossEntropy(row, labels[r], rowGrad, 1f / rows);
            Assert.Equal(rowGrad, grad.AsSpan(r * cols, cols).ToArray());
        }

        Assert.Equal(expected, total, 3);

        var inPlace = (float[])logits.Clone();
        float again = Kernels.SoftmaxCrossEntropyRows(inPlace, rows, cols, labels, inPlace, 1f / rows);
        Assert.Equal(total, again);
        Assert.Equal(grad, inPlace);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 10)]
    [InlineData(16, 10)]
    [InlineData(5, 17)]
    [InlineData(2, 300)]
    public void SoftmaxFromLogSumExpIsEachRowsSoftmaxAndMayRunInPlace(int rows, int cols)
    {
        var z = Reference.Random(rows * cols, rows + cols).Select(v => 20 * v - 10).ToArray();
        z[0] = 80f; // e^80 overflows float: only the shift by the log-sum-exp keeps the row finite
        var lse = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            lse[r] = Kernels.LogSumExp(z.AsSpan(r * cols, cols));
        }

        var softmax = new float[rows * cols];
        Kernels.SoftmaxFromLogSumExp(z, lse, rows, cols, softmax);
        for (int r = 0; r < rows; r++)
        {
            double max = z.Skip(r * cols).Take(cols).Max();
            double sum = z.Skip(r * cols).Take(cols).Sum(v => Math.Exp(v - max));
            for (int i = 0; i < cols; i++)
            {
                Assert.Equal(Math.Exp(z[r * cols + i] - max) / sum, softmax[r * cols + i], 2e-5);
            }
        }

        var inPlace = (float[])z.Clone();
        Kernels.SoftmaxFromLogSumExp(inPlace, lse, rows, cols, inPlace);
        Assert.Equal(softmax, inPlace);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(3, 8)]
    [InlineData(16, 10)]
    [InlineData(64, 10)] // 25 rows of 10 share an exponential call: three calls, the last of 14 rows
    [InlineData(257, 10)]
    [InlineData(40, 16)]
    [InlineData(9, 17)]
    [InlineData(2, 300)]
    public void LogSumExpRowsGivesTheBitsOfLogSumExpOfEachRow(int rows, int cols)
    {
        // The generated forward pass computes a loss's log-sum-exp by rows; the user's method calls LogSumExp on one
        // row: both must give the same bits. Large, tiny, equal and infinite-free extreme values included.
        var z = Reference.Random(rows * cols, rows * 31 + cols).Select(v => 30 * v - 15).ToArray();
        z[0] = 85f;
        z[^1] = -100f;
        if (cols > 1) z[cols + 1 < z.Length ? cols + 1 : 1] = 1e-8f;
        var lse = new float[rows + 1];
        lse[rows] = 42f;
        Kernels.LogSumExpRows(z, rows, cols, lse.AsSpan(0, rows));
        for (int r = 0; r < rows; r++)
        {
            float expected = Kernels.LogSumExp(z.AsSpan(r * cols, cols));
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(lse[r]), $"row {r} of {rows}×{cols}: {lse[r]:R} instead of {expected:R}");
            double max = z.Skip(r * cols).Take(cols).Max();
            double exact = max + Math.Log(z.Skip(r * cols).Take(cols).Sum(v => Math.Exp(v - max)));
            Assert.Equal(exact, lse[r], 2e-6 * Math.Max(1, Math.Abs(exact)));
        }

        Assert.Equal(42f, lse[rows]); // nothing past the rows is written
    }

    [Fact]
    public void LogSumExpRowsNamesAWrongShape()
    {
        var z = new float[20];
        Assert.Contains("Kernels.LogSumExpRows: logSumExp has 3 elements but 2 are needed", Assert.Throws<ArgumentException>(() => Kernels.LogSumExpRows(z, 2, 10, new float[3])).Message);
        Assert.Contains("Kernels.LogSumExpRows: z has 20 elements", Assert.Throws<ArgumentException>(() => Kernels.LogSumExpRows(z, 3, 10, new float[3])).Message);
        Assert.Contains("the rows of z are empty", Assert.Throws<ArgumentException>(() => Kernels.LogSumExpRows(Array.Empty<float>(), 2, 0, new float[2])).Message);
        Assert.Contains("overlap", Assert.Throws<ArgumentException>(() => Kernels.LogSumExpRows(z.AsSpan(0, 10), 1, 10, z.AsSpan(9, 1))).Message);
        Kernels.LogSumExpRows(z.AsSpan(0, 0), 0, 10, Span<float>.Empty); // an empty batch is no error
    }

    [Fact]
    public void SoftmaxFromLogSumExpNamesAWrongShape()
    {
        var z = new float[20];
        var error = Assert.Throws<ArgumentException>(() => Kernels.SoftmaxFromLogSumExp(z, new float[3], 2, 10, new float[20]));
        Assert.Contains("Kernels.SoftmaxFromLogSumExp: logSumExp has 3 elements but 2 are needed", error.Message);
        error = Assert.Throws<ArgumentException>(() => Kernels.SoftmaxFromLogSumExp(z, new float[2], 2, 10, new float[19]));
        Assert.Contains("softmax has 19 elements", error.Message);
        Assert.Contains("partly overlaps", Assert.Throws<ArgumentException>(() => Kernels.SoftmaxFromLogSumExp(z.AsSpan(0, 10), new float[1], 1, 10, z.AsSpan(1, 10))).Message);
    }

    [Fact]
    public void SplitForwardBackwardEqualsFused()
    {
        var logits = Reference.Random(10, 8).Select(v => 3 * v).ToArray();
        var fusedGrad = new float[10];
        float fused = Kernels.SoftmaxCrossEntropy(logits, 4, fusedGrad, 0.25f);
        var probs = new float[10];
        float forward = Kernels.SoftmaxCrossEntropyForward(logits, 4, probs);
        var grad = new float[10];
        Kernels.SoftmaxCrossEntropyBackward(probs, 4, grad, 0.25f);
        Assert.Equal(fused, forward);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(fusedGrad[i], grad[i], 7);
        }

        Assert.Equal(1f, probs.Sum(), 5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(16)]
    [InlineData(17)]
    public void LogSumExpOfShortAndLongRowsMatchesTheClosedForm(int length)
    {
        // Rows up to 16 take a scalar path, longer ones the vector one: both must give log Σ e^x, even for large x.
        var x = Reference.Random(length, length).Select(v => 40 * v + 60).ToArray();
        double max = x.Max();
        double lse = max + Math.Log(x.Sum(v => Math.Exp(v - max)));
        Assert.Equal(lse, Kernels.LogSumExp(x), 4);

        // The short path gives the bits of the TensorPrimitives formula it replaces (training results do not move).
        var shifted = new float[length];
        float top = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, top, shifted);
        TensorPrimitives.Exp(shifted, shifted);
        Assert.Equal(top + MathF.Log(TensorPrimitives.Sum(shifted)), Kernels.LogSumExp(x));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void LogSumExpOfAShortRowIsNaNForANaNOrInfiniteScore(float bad)
    {
        // As on the vector path: +∞ − max is NaN, so the loss is NaN and the trainer stops on it.
        float[] x = [1f, bad, -2f];
        Assert.True(float.IsNaN(Kernels.LogSumExp(x)));
    }

    [Fact]
    public void SoftmaxAndLogSumExpOfLongInputs()
    {
        // Longer than the 256-element chunk LogSumExp works in.
        var x = Reference.Random(700, 2).Select(v => 50 * v).ToArray();
        double max = x.Max();
        double lse = max + Math.Log(x.Sum(v => Math.Exp(v - max)));
        Assert.Equal(lse, Kernels.LogSumExp(x), 3);
        var p = new float[700];
        Kernels.Softmax(x, p);
        Assert.Equal(1f, p.Sum(), 4);
        Assert.Equal(Math.Exp(x[17] - lse), p[17], 5);
    }
}
