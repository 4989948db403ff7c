using SymbolicGrad.CompilerServices;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Runtime.Tests;

public class ConvolutionTests
{
    private sealed class Net : Model
    {
        public readonly Conv2d conv1;
        public readonly Conv2d conv2;

        public Net()
        {
            conv1 = Parameters.Conv2d(2, 3, kernel: 3, padding: 1);
            conv2 = Parameters.Conv2d(3, 4, kernel: 2, stride: 2);
        }

        public Vec Forward(Vec x) => Flatten(MaxPool2d(Relu(Conv2d(Relu(Conv2d(x.AsImage(2, 6, 6), conv1)), conv2)), 2, 1));
    }

    /// <summary>Direct convolution in double: out[n, o, y, x] = b[o] + Σ w[o, c, ky, kx] · in[n, c, y·s − p + ky, x·s − p + kx].</summary>
    private static double[] ConvReference(Conv2dGeometry g, int batch, double[] x, double[] w, double[] b)
    {
        var y = new double[batch * g.OutputLength];
        int k = g.Kernel;
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < g.OutChannels; o++)
            {
                for (int oy = 0; oy < g.OutHeight; oy++)
                {
                    for (int ox = 0; ox < g.OutWidth; ox++)
                    {
                        double sum = b[o];
                        for (int c = 0; c < g.InChannels; c++)
                        {
                            for (int ky = 0; ky < k; ky++)
                            {
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int iy = oy * g.Stride - g.Padding + ky, ix = ox * g.Stride - g.Padding + kx;
                                    if (iy >= 0 && iy < g.Height && ix >= 0 && ix < g.Width)
                                    {
                                        sum += w[o * g.ColumnRows + (c * k + ky) * k + kx] * x[n * g.InputLength + (c * g.Height + iy) * g.Width + ix];
                                    }
                                }
                            }
                        }

                        y[n * g.OutputLength + (o * g.OutHeight + oy) * g.OutWidth + ox] = sum;
                    }
                }
            }
        }

        return y;
    }

    private static double[] PoolReference(Pool2dGeometry g, int batch, double[] x)
    {
        var y = new double[batch * g.OutputLength];
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < g.Channels; c++)
            {
                for (int oy = 0; oy < g.OutHeight; oy++)
                {
                    for (int ox = 0; ox < g.OutWidth; ox++)
                    {
                        double best = double.NegativeInfinity;
                        for (int ky = 0; ky < g.Size; ky++)
                        {
                            for (int kx = 0; kx < g.Size; kx++)
                            {
                                best = Math.Max(best, x[n * g.InputLength + (c * g.Height + oy * g.Stride + ky) * g.Width + ox * g.Stride + kx]);
                            }
                        }

                        y[n * g.OutputLength + (c * g.OutHeight + oy) * g.OutWidth + ox] = best;
                    }
                }
            }
        }

        return y;
    }

    private static double[] D(float[] v) => v.Select(f => (double)f).ToArray();

    private static void Near(double expected, float actual, double scale, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-5 * scale + 1e-6, $"{what}: expected {expected}, got {actual}");

    public static TheoryData<int, int, int, int, int, int, int> Geometries => new()
    {
        // inChannels, height, width, outChannels, kernel, stride, padding
        { 1, 8, 8, 2, 3, 1, 0 },
        { 3, 7, 5, 4, 3, 1, 1 },
        { 2, 9, 9, 3, 3, 2, 1 },
        { 2, 6, 7, 2, 2, 2, 0 },
        { 3, 5, 5, 2, 5, 1, 2 },
        { 2, 6, 6, 5, 1, 1, 0 },  // pointwise: no im2col
        { 1, 4, 4, 2, 1, 2, 1 },  // 1×1 with stride and padding: im2col of zeros and strided pixels
        { 2, 10, 8, 3, 4, 3, 2 },
        { 1, 3, 3, 1, 5, 1, 1 },  // the kernel is larger than the image, not than the padded image
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Forward_matches_direct_convolution(int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding)
    {
        var g = new Conv2dGeometry(inChannels, height, width, outChannels, kernel, stride, padding);
        const int batch = 3;
        var x = Reference.Random(batch * g.InputLength, 1);
        var w = Reference.Random(outChannels * g.ColumnRows, 2);
        var b = Reference.Random(outChannels, 3);
        var y = new float[batch * g.OutputLength];
        Array.Fill(y, float.NaN); // written, not added into

        Kernels.Conv2dForward(g, batch, x, w, b, y, new float[g.ColumnLength + 5]);

        var expected = ConvReference(g, batch, D(x), D(w), D(b));
        for (int i = 0; i < y.Length; i++)
        {
            Near(expected[i], y[i], g.ColumnRows + 1, $"y[{i}] of {g}");
        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Backward_matches_finite_differences(int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding)
    {
        var g = new Conv2dGeometry(inChannels, height, width, outChannels, kernel, stride, padding);
        const int batch = 2;
        var x = Reference.Random(batch * g.InputLength, 4);
        var w = Reference.Random(outChannels * g.ColumnRows, 5);
        var b = Reference.Random(outChannels, 6);
        var r = Reference.Random(batch * g.OutputLength, 7); // L = Σ r ⊙ y
        var gradWeights = Enumerable.Repeat(0.5f, w.Length).ToArray(); // added into
        var gradBias = Enumerable.Repeat(-1f, b.Length).ToArray();
        var gradInput = new float[x.Length];
        Array.Fill(gradInput, float.NaN); // written

        Kernels.Conv2dBackward(g, batch, x, w, r, gradWeights, gradBias, gradInput, new float[g.ColumnLength]);

        double Loss(double[] xs, double[] ws, double[] bs) => ConvReference(g, batch, xs, ws, bs).Select((v, i) => v * r[i]).Sum();
        var xd = D(x);
        var wd = D(w);
        var bd = D(b);
        double scale = r.Length;
        for (int i = 0; i < x.Length; i++)
        {
            Near(Central(v => Loss(v, wd, bd), xd, i), gradInput[i], scale, $"∂L/∂x[{i}] of {g}");
        }

        for (int i = 0; i < w.Length; i++)
        {
            Near(0.5 + Central(v => Loss(xd, v, bd), wd, i), gradWeights[i], scale, $"∂L/∂W[{i}] of {g}");
        }

        for (int i = 0; i < b.Length; i++)
        {
            Near(-1 + Central(v => Loss(xd, wd, v), bd, i), gradBias[i], scale, $"∂L/∂b[{i}] of {g}");
        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Tangent_is_the_convolution_of_the_input_tangent_plus_that_of_the_input_by_the_weight_tangent(
        int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding)
    {
        var g = new Conv2dGeometry(inChannels, height, width, outChannels, kernel, stride, padding);
        const int batch = 2;
        var x = Reference.Random(batch * g.InputLength, 11);
        var tx = Reference.Random(batch * g.InputLength, 12);
        var w = Reference.Random(outChannels * g.ColumnRows, 13);
        var tw = Reference.Random(outChannels * g.ColumnRows, 14);
        var tb = Reference.Random(outChannels, 15);
        var zeroBias = new double[outChannels];
        // Every subset of the tangents: a missing one is an empty span, standing for zeros.
        for (int mask = 0; mask < 8; mask++)
        {
            var y = new float[batch * g.OutputLength];
            Array.Fill(y, float.NaN); // written, not added into
            float[] Part(int bit, float[] tangent) => (mask & bit) != 0 ? tangent : [];
            Kernels.Conv2dTangent(g, batch, x, Part(1, tx), w, Part(2, tw), Part(4, tb), y, new float[g.ColumnLength + 3]);

            var expected = new double[y.Length];
            if ((mask & 1) != 0) expected = Add(expected, ConvReference(g, batch, D(tx), D(w), zeroBias));
            if ((mask & 2) != 0) expected = Add(expected, ConvReference(g, batch, D(x), D(tw), zeroBias));
            if ((mask & 4) != 0) expected = Add(expected, ConvReference(g, batch, new double[x.Length], D(w), D(tb)));
            for (int i = 0; i < y.Length; i++)
            {
                Near(expected[i], y[i], 2 * g.ColumnRows + 1, $"ty[{i}] of {g}, tangents {mask}");
            }
        }
    }

    [Fact]
    public void Tangent_skips_the_term_of_a_missing_tangent()
    {
        // Without tW the input is never convolved: a NaN input leaves conv(tx, W) + tb untouched.
        var g = new Conv2dGeometry(2, 5, 5, 3, 3, 1, 1);
        var x = Enumerable.Repeat(float.NaN, g.InputLength).ToArray();
        var tx = Reference.Random(g.InputLength, 1);
        var w = Reference.Random(3 * g.ColumnRows, 2);
        var y = new float[g.OutputLength];
        Kernels.Conv2dTangent(g, 1, x, tx, w, [], [], y, new float[g.ColumnLength]);
        var expected = ConvReference(g, 1, D(tx), D(w), new double[3]);
        for (int i = 0; i < y.Length; i++) Near(expected[i], y[i], g.ColumnRows, $"ty[{i}]");
        Assert.Throws<ArgumentException>(() => Kernels.Conv2dTangent(g, 1, x, tx[1..], w, [], [], y, new float[g.ColumnLength]));
        Assert.Throws<ArgumentException>(() => Kernels.Conv2dTangent(g, 1, x, [], w, new float[w.Length - 1], [], y, new float[g.ColumnLength]));
        Assert.Throws<ArgumentException>(() => Kernels.Conv2dTangent(g, 1, x, [], w, [], new float[2], y, new float[g.ColumnLength]));
    }

    private static double[] Add(double[] a, double[] b) => a.Select((v, i) => v + b[i]).ToArray();

    [Fact]
    public void Backward_without_an_input_gradient_still_accumulates_the_parameters()
    {
        var g = new Conv2dGeometry(2, 6, 6, 3, 3, 1, 1);
        var x = Reference.Random(2 * g.InputLength, 1);
        var w = Reference.Random(3 * g.ColumnRows, 2);
        var r = Reference.Random(2 * g.OutputLength, 3);
        var full = (new float[w.Length], new float[3]);
        var skipped = (new float[w.Length], new float[3]);
        Kernels.Conv2dBackward(g, 2, x, w, r, full.Item1, full.Item2, new float[x.Length], new float[g.ColumnLength]);
        Kernels.Conv2dBackward(g, 2, x, w, r, skipped.Item1, skipped.Item2, [], new float[g.ColumnLength]);

        Assert.Equal(full.Item1, skipped.Item1);
        Assert.Equal(full.Item2, skipped.Item2);
    }

    public static TheoryData<int, int, int, int, int> Pools => new()
    {
        // channels, height, width, size, stride
        { 1, 4, 4, 2, 2 },
        { 3, 6, 5, 2, 2 },  // odd width: the last column is left out
        { 2, 5, 5, 3, 1 },  // overlapping windows
        { 2, 7, 6, 3, 2 },
        { 1, 3, 3, 3, 3 },
        { 2, 6, 37, 2, 2 }, // 2×2 stride 2 over 18 outputs a row: two vectors of 8, then the scalar loop
        { 1, 4, 16, 2, 2 },
    };

    [Theory]
    [MemberData(nameof(Pools))]
    public void Max_pooling_forward_matches_the_reference_and_backward_the_finite_differences(int channels, int height, int width, int size, int stride)
    {
        var g = new Pool2dGeometry(channels, height, width, size, stride);
        const int batch = 2;
        // Distinct values (a shuffled ramp) so no window has a tie and every finite difference is smooth.
        var random = new Random(5);
        var x = Enumerable.Range(0, batch * g.InputLength).Select(i => (i - 20) * 0.37f).OrderBy(_ => random.Next()).ToArray();
        var y = new float[batch * g.OutputLength];
        var argmax = new int[y.Length];

        Kernels.MaxPool2dForward(g, batch, x, y, argmax);

        var expected = PoolReference(g, batch, D(x));
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal((float)expected[i], y[i]);
            Assert.Equal(y[i], x[(i / g.OutputLength) * g.InputLength + argmax[i]]);
        }

        var r = Reference.Random(y.Length, 8);
        var gradInput = new float[x.Length];
        Array.Fill(gradInput, float.NaN);
        Kernels.MaxPool2dBackward(g, batch, argmax, r, gradInput);
        var xd = D(x);
        for (int i = 0; i < x.Length; i++)
        {
            double numeric = Central(v => PoolReference(g, batch, v).Select((o, j) => o * r[j]).Sum(), xd, i, h: 1e-3);
            Near(numeric, gradInput[i], 1, $"∂L/∂x[{i}] of {g}");
        }
    }

    [Fact]
    public void Max_pooling_propagates_nan_and_picks_the_first_of_ties()
    {
        var g = new Pool2dGeometry(1, 2, 4, 2, 2);
        float[] x = [1f, 5f, 2f, float.NaN, 5f, 0f, 3f, 3f];
        var y = new float[2];
        var argmax = new int[2];

        Kernels.MaxPool2dForward(g, 1, x, y, argmax);

        Assert.Equal(5f, y[0]);
        Assert.Equal(1, argmax[0]); // the first 5
        Assert.True(float.IsNaN(y[1]));
        Assert.Equal(3, argmax[1]);
    }

    [Fact]
    public void Max_pooling_tangent_is_the_tangent_at_the_input_the_forward_pass_took()
    {
        // Ties (the first taken), NaN (taken), and a window whose maximum is last.
        var g = new Pool2dGeometry(1, 2, 6, 2, 2);
        float[] x = [1f, 5f, 2f, float.NaN, 3f, 0f,
                     5f, 0f, 2f, 2f, 1f, 4f];
        float[] tx = [10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f, 18f, 19f, 20f, 21f];
        var y = new float[3];
        var argmax = new int[3];
        Kernels.MaxPool2dForward(g, 1, x, y, argmax);
        var ty = new float[3];

        Kernels.MaxPool2dTangent(g, 1, argmax, tx, ty);

        Assert.Equal([11f, 13f, 21f], ty); // the first 5 (not the one below it), the NaN, the 4
        argmax[1] = 12;
        var error = Assert.Throws<ArgumentException>(() => Kernels.MaxPool2dTangent(g, 1, argmax, tx, ty));
        Assert.Contains("argmax[1] = 12", error.Message);
    }

    [Theory]
    [InlineData(2, 2, 40)] // the vectorized 2×2 stride-2 path
    [InlineData(3, 2, 40)]
    [InlineData(2, 1, 20)]
    public void Max_pooling_scans_like_pytorch_with_ties_nan_and_infinity_everywhere_in_a_row(int size, int stride, int width)
    {
        // PyTorch's scan of each window: start at −∞ and the window's first index; a value replaces the best when it
        // is greater or NaN. Values from a small set make ties frequent; NaN and ±∞ are sprinkled in.
        var g = new Pool2dGeometry(2, 6, width, size, stride);
        var random = new Random(size * 100 + width);
        float[] choices = [0f, 1f, 1f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 2f];
        var x = Enumerable.Range(0, 3 * g.InputLength).Select(_ => choices[random.Next(choices.Length)]).ToArray();
        var y = new float[3 * g.OutputLength];
        var argmax = new int[y.Length];

        Kernels.MaxPool2dForward(g, 3, x, y, argmax);

        for (int n = 0; n < 3; n++)
        {
            for (int c = 0; c < 2; c++)
            {
                for (int oy = 0; oy < g.OutHeight; oy++)
                {
                    for (int ox = 0; ox < g.OutWidth; ox++)
                    {
                        int first = (c * 6 + oy * stride) * width + ox * stride;
                        float best = float.NegativeInfinity;
                        int at = first;
                        for (int ky = 0; ky < size; ky++)
                        {
                            for (int kx = 0; kx < size; kx++)
                            {
                                float v = x[n * g.InputLength + first + ky * width + kx];
                                if (v > best || float.IsNaN(v))
                                {
                                    best = v;
                                    at = first + ky * width + kx;
                                }
                            }
                        }

                        int o = n * g.OutputLength + (c * g.OutHeight + oy) * g.OutWidth + ox;
                        Assert.Equal(BitConverter.SingleToInt32Bits(best), BitConverter.SingleToInt32Bits(y[o]));
                        Assert.Equal(at, argmax[o]);
                    }
                }
            }
        }

        var withoutArgmax = new float[y.Length];
        Kernels.MaxPool2dForward(g, 3, x, withoutArgmax, []);
        Assert.Equal(y.Select(BitConverter.SingleToInt32Bits), withoutArgmax.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Ops_forms_give_the_batched_kernels_bits_row_by_row()
    {
        var net = new Net();
        Reference.Random(net.Parameters.Count, 9).CopyTo(net.Parameters.Values);
        const int batch = 3;
        var inputs = new Mat(Reference.Random(batch * 72, 10), batch, 72);
        var g1 = Conv2dGeometry.For(net.conv1, 6, 6);
        var g2 = Conv2dGeometry.For(net.conv2, 6, 6);
        var pool = new Pool2dGeometry(4, 3, 3, 2, 1);
        var h1 = new float[batch * g1.OutputLength];
        var h2 = new float[batch * g2.OutputLength];
        var pooled = new float[batch * pool.OutputLength];
        var columns = new float[Math.Max(g1.ColumnLength, g2.ColumnLength)];
        Kernels.Conv2dForward(g1, batch, inputs.Span, net.conv1.Weights.Span, net.conv1.Bias.Span, h1, columns);
        Kernels.Relu(h1, h1);
        Kernels.Conv2dForward(g2, batch, h1, net.conv2.Weights.Span, net.conv2.Bias.Span, h2, columns);
        Kernels.Relu(h2, h2);
        Kernels.MaxPool2dForward(pool, batch, h2, pooled, []);

        for (int r = 0; r < batch; r++)
        {
            var y = net.Forward(inputs.Row(r));
            Assert.Equal(pooled.AsSpan(r * pool.OutputLength, pool.OutputLength).ToArray(), y.ToArray());
        }
    }

    [Fact]
    public void The_layer_has_he_weights_zero_bias_and_names_from_its_field()
    {
        var net = new Net();

        Assert.Equal(
            ["conv1.Weights: Mat[3×18]", "conv1.Bias: Vec[3]", "conv2.Weights: Mat[4×12]", "conv2.Bias: Vec[4]"],
            net.Parameters.Layout.Select(p => $"{p.Name}: {p.Shape}"));
        Assert.Equal("conv1: Conv2d(2→3, kernel 3, stride 1, padding 1)", net.conv1.ToString());
        Assert.Equal(new float[3], net.conv1.Bias.ToArray());
        var w = net.conv1.Weights.ToArray();
        double std = Math.Sqrt(w.Select(v => (double)v * v).Average());
        Assert.InRange(std, 0.5 * Math.Sqrt(2.0 / 18), 1.5 * Math.Sqrt(2.0 / 18)); // He: N(0, 2 / fan-in)
        Assert.Equal(w, new Net().conv1.Weights.ToArray()); // deterministic
        Assert.NotEqual(net.conv1.Weights.Span[..12].ToArray(), net.conv2.Weights.ToArray()); // not one stream restarted
        Assert.Equal((6, 6), net.conv1.OutputSize(6, 6));
        Assert.Equal((3, 3), net.conv2.OutputSize(6, 6));
        Assert.Equal((14, 14), new ParameterStore().Conv2d(1, 1, kernel: 5, stride: 2, padding: 2).OutputSize(28, 28));
    }

    [Fact]
    public void Shape_errors_name_the_layer_and_the_sizes()
    {
        var net = new Net();

        var error = Assert.Throws<ArgumentException>(() => Conv2d(new Image(3, 6, 6), net.conv1));
        Assert.Contains("Ops.Conv2d(x, conv1): x is Image[3×6×6] but Conv2d(2→3, kernel 3, stride 1, padding 1) takes 2 input channels", error.Message);
        error = Assert.Throws<ArgumentException>(() => Conv2d(new Image(3, 1, 1), net.conv2));
        Assert.Contains("conv2: Conv2d(3→4, kernel 2, stride 2, padding 0): the 2×2 kernel does not fit the input Image[3×1×1]", error.Message);
        error = Assert.Throws<ArgumentException>(() => MaxPool2d(new Image(1, 2, 5), 3));
        Assert.Contains("the 3×3 window does not fit the input Image[1×2×5]", error.Message);
        Assert.Throws<ArgumentException>(() => MaxPool2d(new Image(1, 4, 4), 2, 0));
        error = Assert.Throws<ArgumentException>(() => net.Forward(new Vec(71)));
        Assert.Contains("Vec.AsImage(2, 6, 6): the vector is Vec[71] but an image of 2×6×6 has 72 elements", error.Message);

        var g = Conv2dGeometry.For(net.conv1, 6, 6);
        error = Assert.Throws<ArgumentException>(() => Kernels.Conv2dForward(g, 2, new float[72], net.conv1.Weights.Span, net.conv1.Bias.Span,
            new float[2 * g.OutputLength], new float[g.ColumnLength]));
        Assert.Contains("x has 72 elements but its shape 2×72 needs 144", error.Message);
        error = Assert.Throws<ArgumentException>(() => Kernels.Conv2dForward(g, 1, new float[72], net.conv1.Weights.Span, net.conv1.Bias.Span,
            new float[g.OutputLength], new float[10]));
        Assert.Contains("the columns workspace has 10 floats but Conv2d Image[2×6×6] → Image[3×6×6], kernel 3, stride 1, padding 1 needs 648", error.Message);
        Assert.Throws<ArgumentException>(() => Kernels.Conv2dForward(default, 1, [], [], [], [], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParameterStore().Conv2d(1, 2, kernel: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParameterStore().Conv2d(1, 2, kernel: 3, padding: -1));
    }

    private static double Central(Func<double[], double> f, double[] v, int i, double h = 1e-6)
    {
        var plus = (double[])v.Clone();
        var minus = (double[])v.Clone();
        plus[i] += h;
        minus[i] -= h;
        return (f(plus) - f(minus)) / (2 * h);
    }
}
