using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// <see cref="Kernels.Conv2dBackwardTangent"/>, the tangent of convolution's backward pass (a model Hvp's), against a
/// direct double reference of the backward pass applied term by term: t(∂W) = ∂W(x, tdY) + ∂W(tx, dY),
/// t(∂bias) = ∂bias(tdY), t(∂x) = ∂x(W, tdY) + ∂x(tW, dY), with every subset of the tangents present.
/// </summary>
public class Conv2dBackwardTangentTests
{
    /// <summary>The backward pass in double, by its definition: each product of the forward sum sends its adjoint back.</summary>
    private static (double[] Input, double[] Weights, double[] Bias) BackwardReference(Conv2dGeometry g, int batch, double[] x, double[] w, double[] dy)
    {
        var dx = new double[x.Length];
        var dw = new double[w.Length];
        var db = new double[g.OutChannels];
        int k = g.Kernel;
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < g.OutChannels; o++)
            {
                for (int oy = 0; oy < g.OutHeight; oy++)
                {
                    for (int ox = 0; ox < g.OutWidth; ox++)
                    {
                        double a = dy[n * g.OutputLength + (o * g.OutHeight + oy) * g.OutWidth + ox];
                        db[o] += a;
                        for (int c = 0; c < g.InChannels; c++)
                        {
                            for (int ky = 0; ky < k; ky++)
                            {
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int iy = oy * g.Stride - g.Padding + ky, ix = ox * g.Stride - g.Padding + kx;
                                    if (iy < 0 || iy >= g.Height || ix < 0 || ix >= g.Width) continue;
                                    int wi = o * g.ColumnRows + (c * k + ky) * k + kx, xi = n * g.InputLength + (c * g.Height + iy) * g.Width + ix;
                                    dw[wi] += a * x[xi];
                                    dx[xi] += a * w[wi];
                                }
                            }
                        }
                    }
                }
            }
        }

        return (dx, dw, db);
    }

    [Theory]
    [MemberData(nameof(ConvolutionTests.Geometries), MemberType = typeof(ConvolutionTests))]
    public void Each_part_is_the_backward_pass_of_the_adjoints_tangent_plus_that_of_the_adjoint_with_the_other_operands_tangent(
        int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding)
    {
        var g = new Conv2dGeometry(inChannels, height, width, outChannels, kernel, stride, padding);
        const int batch = 2;
        var x = Reference.Random(batch * g.InputLength, 21);
        var tx = Reference.Random(batch * g.InputLength, 22);
        var w = Reference.Random(outChannels * g.ColumnRows, 23);
        var tw = Reference.Random(outChannels * g.ColumnRows, 24);
        var dy = Reference.Random(batch * g.OutputLength, 25);
        var tdy = Reference.Random(batch * g.OutputLength, 26);
        var zeros = (Input: new double[x.Length], Weights: new double[w.Length], Bias: new double[outChannels]);
        // 1 tdY, 2 tx, 4 tW: a missing one is an empty span standing for zeros.
        for (int mask = 0; mask < 8; mask++)
        {
            float[] Part(int bit, float[] tangent) => (mask & bit) != 0 ? tangent : [];
            var tdw = Enumerable.Repeat(0.5f, w.Length).ToArray(); // added into
            var tdb = Enumerable.Repeat(-0.25f, outChannels).ToArray();
            var tdx = Enumerable.Repeat(float.NaN, x.Length).ToArray(); // written
            Kernels.Conv2dBackwardTangent(g, batch, x, Part(2, tx), w, Part(4, tw), dy, Part(1, tdy), tdw, tdb, tdx, new float[g.ColumnLength + 3]);

            var ofTdy = (mask & 1) != 0 ? BackwardReference(g, batch, D(x), D(w), D(tdy)) : zeros;
            var ofTx = (mask & 2) != 0 ? BackwardReference(g, batch, D(tx), D(w), D(dy)) : zeros;
            var ofTw = (mask & 4) != 0 ? BackwardReference(g, batch, D(x), D(tw), D(dy)) : zeros;
            double scale = 2 * g.ColumnRows * g.ColumnCols * batch + 1;
            for (int i = 0; i < w.Length; i++) Near(0.5 + ofTdy.Weights[i] + ofTx.Weights[i], tdw[i], scale, $"t(∂W)[{i}] of {g}, tangents {mask}");
            for (int o = 0; o < outChannels; o++) Near(-0.25 + ofTdy.Bias[o], tdb[o], scale, $"t(∂b)[{o}] of {g}, tangents {mask}");
            for (int i = 0; i < x.Length; i++) Near(ofTdy.Input[i] + ofTw.Input[i], tdx[i], scale, $"t(∂x)[{i}] of {g}, tangents {mask}");
        }
    }

    [Fact]
    public void Empty_outputs_are_skipped_and_wrong_lengths_are_ArgumentExceptions_naming_the_span()
    {
        var g = new Conv2dGeometry(2, 5, 5, 3, 3, 1, 1);
        var x = Reference.Random(g.InputLength, 1);
        var w = Reference.Random(3 * g.ColumnRows, 2);
        var dy = Reference.Random(g.OutputLength, 3);
        var columns = new float[g.ColumnLength];
        var tdw = new float[w.Length];
        Kernels.Conv2dBackwardTangent(g, 1, x, x, w, w, dy, dy, tdw, [], [], columns);
        Assert.Contains(tdw, v => v != 0);

        void Throws(string name, Action call) => Assert.Equal(name, Assert.Throws<ArgumentException>(call).ParamName);
        Throws("tangentInput", () => Kernels.Conv2dBackwardTangent(g, 1, x, x[1..], w, [], dy, [], tdw, [], [], columns));
        Throws("tangentWeights", () => Kernels.Conv2dBackwardTangent(g, 1, x, [], w, w[1..], dy, [], tdw, [], [], columns));
        Throws("tangentGradOutput", () => Kernels.Conv2dBackwardTangent(g, 1, x, [], w, [], dy, dy[1..], tdw, [], [], columns));
        Throws("tangentGradWeights", () => Kernels.Conv2dBackwardTangent(g, 1, x, [], w, [], dy, dy, tdw[1..], [], [], columns));
        Throws("tangentGradBias", () => Kernels.Conv2dBackwardTangent(g, 1, x, [], w, [], dy, dy, [], new float[2], [], columns));
        Throws("tangentGradInput", () => Kernels.Conv2dBackwardTangent(g, 1, x, [], w, [], dy, dy, [], [], new float[x.Length - 1], columns));
        Throws("columns", () => Kernels.Conv2dBackwardTangent(g, 1, x, [], w, [], dy, dy, tdw, [], [], columns[1..]));
        // The written input gradient's tangent must not overlap the columns it is gathered from.
        Throws("tangentGradInput", () => Kernels.Conv2dBackwardTangent(g, 1, x, [], w, [], dy, dy, [], [], columns.AsSpan(0, x.Length), columns));
    }

    private static double[] D(float[] v) => v.Select(f => (double)f).ToArray();

    private static void Near(double expected, float actual, double scale, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-6 * scale + 1e-6, $"{what}: expected {expected}, got {actual}");
}
