using SymbolicGrad.CompilerServices;
namespace SymbolicGrad.Runtime.Tests;

public class ElementwiseKernelTests
{
    public static TheoryData<int> Lengths() => [1, 3, 8, 17, 33, 100];

    // x with exact zeros and both signs, at offset 3 of a larger array.
    private static Vec Input(int n, int seed)
    {
        var data = Reference.Random(n + 5, seed);
        for (int i = 3; i < data.Length; i += 4)
        {
            data[i] = 0f;
        }

        return new Vec(data, 3, n);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ReluAndItsBackwardMask(int n)
    {
        var x = Input(n, n);
        var y = new Vec(new float[n + 2], 2, n);
        Kernels.Relu(x.Span, y.Span);
        var dy = Input(n, n + 100);
        var dx = new Vec(Reference.Random(n, 7));
        var dxAdd = new Vec(Reference.Random(n, 7));
        var before = dxAdd.ToArray();
        Kernels.ReluBackward(y.Span, dy.Span, dx.Span);
        Kernels.ReluBackwardAdd(y.Span, dy.Span, dxAdd.Span);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(Math.Max(x[i], 0f), y[i]);
            float g = x[i] > 0 ? dy[i] : 0f;
            Assert.Equal(g, dx[i]);
            Assert.Equal(before[i] + g, dxAdd[i], 6);
        }

        // In place.
        var copy = x.ToArray();
        Kernels.Relu(copy, copy);
        Assert.Equal(y.ToArray(), copy);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BiasRowsReluRowsAndColumnSums(int cols)
    {
        const int rows = 5;
        var m = Reference.Random(rows * cols, cols);
        var bias = Input(cols, 9);
        var withBias = (float[])m.Clone();
        var fused = (float[])m.Clone();
        Kernels.AddBiasRows(withBias, rows, cols, bias.Span);
        Kernels.AddBiasReluRows(fused, rows, cols, bias.Span);
        var sums = Reference.Random(cols, 3);
        var sums0 = (float[])sums.Clone();
        Kernels.ColumnSumsAdd(m, rows, cols, sums, alpha: 0.25f);
        for (int j = 0; j < cols; j++)
        {
            double colSum = 0;
            for (int r = 0; r < rows; r++)
            {
                float expected = m[r * cols + j] + bias[j];
                Assert.Equal(expected, withBias[r * cols + j]);
                Assert.Equal(Math.Max(expected, 0f), fused[r * cols + j]);
                colSum += m[r * cols + j];
            }

            Reference.Close(sums0[j] + 0.25 * colSum, sums[j], rows, $"sums[{j}]");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SigmoidAndTanhBackwardFromOutputs(int n)
    {
        var s = Reference.Random(n, 1).Select(v => (v + 1) / 2).ToArray();
        var t = Reference.Random(n, 2);
        var dy = Reference.Random(n, 3);
        var ds = new float[n];
        var dt = new float[n];
        Kernels.SigmoidBackward(s, dy, ds);
        Kernels.TanhBackward(t, dy, dt);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(dy[i] * s[i] * (1 - s[i]), ds[i], 6);
            Assert.Equal(dy[i] * (1 - t[i] * t[i]), dt[i], 6);
        }

        Kernels.TanhBackward(t, dy, dy); // in place on gradOutput
        Assert.Equal(dt, dy);
    }

    [Fact]
    public void SigmoidBackwardMatchesFiniteDifferences()
    {
        float[] x = [-3f, -0.5f, 0f, 0.7f, 4f];
        var s = Ops.Sigmoid(new Vec(x)).ToArray();
        var grad = new float[x.Length];
        Kernels.SigmoidBackward(s, [1f, 1f, 1f, 1f, 1f], grad);
        for (int i = 0; i < x.Length; i++)
        {
            double h = 1e-3;
            double fd = (1 / (1 + Math.Exp(-(x[i] + h))) - 1 / (1 + Math.Exp(-(x[i] - h)))) / (2 * h);
            Assert.Equal(fd, grad[i], 5);
        }
    }

    [Fact]
    public void AxpyAddsScaledInput()
    {
        var y = new float[] { 1, 2, 3 };
        Kernels.Axpy(2f, [1f, -1f, 0.5f], y);
        Assert.Equal(new float[] { 3, 0, 4 }, y);
    }

    [Fact]
    public void PartialOverlapIsRejected()
    {
        var data = new float[10];
        var e = Assert.Throws<ArgumentException>(() => Kernels.Relu(data.AsSpan(0, 5), data.AsSpan(1, 5)));
        Assert.Contains("partly overlaps", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.ReluBackwardAdd(new float[3], data.AsSpan(0, 3), data.AsSpan(0, 3)));
        Assert.Throws<ArgumentException>(() => Kernels.Relu(new float[3], new float[4]));
    }
}
