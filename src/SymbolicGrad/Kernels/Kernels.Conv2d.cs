using System.Numerics.Tensors;

namespace SymbolicGrad.CompilerServices;

public static partial class Kernels
{
    /// <summary>
    /// 2-D convolution forward over a batch: for each sample, im2col of its image into <paramref name="columns"/>,
    /// then <c>y = W·columns + bias</c> (the bias broadcast over positions) with the packed GEMM. Writes y.
    /// </summary>
    /// <param name="geometry">The convolution's sizes (<see cref="Conv2dGeometry.For"/>).</param>
    /// <param name="batch">Samples.</param>
    /// <param name="x">Input images, batch × <see cref="Conv2dGeometry.InputLength"/> (each sample CHW).</param>
    /// <param name="weights">Filters, OutChannels × <see cref="Conv2dGeometry.ColumnRows"/>.</param>
    /// <param name="bias">One per output channel.</param>
    /// <param name="y">Output images, batch × <see cref="Conv2dGeometry.OutputLength"/>, written.</param>
    /// <param name="columns">Workspace of at least <see cref="Conv2dGeometry.ColumnLength"/> floats (contents unspecified afterwards).</param>
    public static void Conv2dForward(Conv2dGeometry geometry, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        Span<float> y, Span<float> columns)
    {
        const string where = "Kernels.Conv2dForward";
        CheckConv(geometry, batch, x, weights, columns, where);
        Guard.VectorSpan(bias.Length, geometry.OutChannels, nameof(bias), where, " (one per output channel)");
        Guard.MatrixSpan(y.Length, batch, geometry.OutputLength, nameof(y), where);
        Guard.NoOverlap(x, y, nameof(x), nameof(y), where);
        Guard.NoOverlap(columns, y, nameof(columns), nameof(y), where);
        int k = geometry.ColumnRows, positions = geometry.ColumnCols, outChannels = geometry.OutChannels;
        for (int n = 0; n < batch; n++)
        {
            var image = x.Slice(n * geometry.InputLength, geometry.InputLength);
            var output = y.Slice(n * geometry.OutputLength, geometry.OutputLength);
            for (int o = 0; o < outChannels; o++)
            {
                output.Slice(o * positions, positions).Fill(bias[o]);
            }

            ReadOnlySpan<float> cols = image;
            if (!geometry.IsPointwise)
            {
                var work = columns[..geometry.ColumnLength];
                Im2Col(geometry, image, work);
                cols = work;
            }

            MatMulAdd(weights, cols, output, outChannels, positions, k);
        }
    }

    /// <summary>
    /// 2-D convolution backward over a batch: for each sample, <c>gradWeights += dY·columnsᵀ</c> (im2col recomputed
    /// from x), <c>gradBias += Σ_positions dY</c>, and <c>gradInput = col2im(Wᵀ·dY)</c> (written).
    /// </summary>
    /// <param name="geometry">The convolution's sizes.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="x">The forward input, batch × InputLength.</param>
    /// <param name="weights">Filters, OutChannels × ColumnRows.</param>
    /// <param name="gradOutput">∂L/∂y, batch × OutputLength.</param>
    /// <param name="gradWeights">∂L/∂W, OutChannels × ColumnRows, added into.</param>
    /// <param name="gradBias">∂L/∂bias, one per output channel, added into.</param>
    /// <param name="gradInput">∂L/∂x, batch × InputLength, written; empty to skip it (an input that needs no gradient).</param>
    /// <param name="columns">Workspace of at least ColumnLength floats.</param>
    public static void Conv2dBackward(Conv2dGeometry geometry, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> gradOutput,
        Span<float> gradWeights, Span<float> gradBias, Span<float> gradInput, Span<float> columns)
    {
        const string where = "Kernels.Conv2dBackward";
        CheckConv(geometry, batch, x, weights, columns, where);
        Guard.MatrixSpan(gradOutput.Length, batch, geometry.OutputLength, nameof(gradOutput), where);
        Guard.VectorSpan(gradWeights.Length, weights.Length, nameof(gradWeights), where, " (the length of weights)");
        Guard.VectorSpan(gradBias.Length, geometry.OutChannels, nameof(gradBias), where, " (one per output channel)");
        if (!gradInput.IsEmpty)
        {
            Guard.MatrixSpan(gradInput.Length, batch, geometry.InputLength, nameof(gradInput), where);
            Guard.NoOverlap(gradOutput, gradInput, nameof(gradOutput), nameof(gradInput), where);
            Guard.NoOverlap(columns, gradInput, nameof(columns), nameof(gradInput), where);
        }

        Guard.NoOverlap(columns, gradWeights, nameof(columns), nameof(gradWeights), where);
        int k = geometry.ColumnRows, positions = geometry.ColumnCols, outChannels = geometry.OutChannels;
        for (int n = 0; n < batch; n++)
        {
            var image = x.Slice(n * geometry.InputLength, geometry.InputLength);
            var dy = gradOutput.Slice(n * geometry.OutputLength, geometry.OutputLength);
            for (int o = 0; o < outChannels; o++)
            {
                gradBias[o] += TensorPrimitives.Sum(dy.Slice(o * positions, positions));
            }

            var work = columns[..geometry.ColumnLength];
            ReadOnlySpan<float> cols = image;
            if (!geometry.IsPointwise)
            {
                Im2Col(geometry, image, work);
                cols = work;
            }

            MatMulAddABt(dy, cols, gradWeights, outChannels, k, positions);
            if (gradInput.IsEmpty)
            {
                continue;
            }

            var dx = gradInput.Slice(n * geometry.InputLength, geometry.InputLength);
            if (geometry.IsPointwise)
            {
                dx.Clear();
                MatMulAddAtB(weights, dy, dx, k, positions, outChannels);
                continue;
            }

            work.Clear();
            MatMulAddAtB(weights, dy, work, k, positions, outChannels);
            dx.Clear();
            Col2ImAdd(geometry, work, dx);
        }
    }

    /// <summary>
    /// Max pooling forward over a batch: each output is the largest input of its window (NaN if the window holds one,
    /// as in PyTorch); <paramref name="argmax"/> gets the index, within its sample, of the input chosen.
    /// </summary>
    /// <param name="geometry">The pooling's sizes.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="x">Input images, batch × InputLength.</param>
    /// <param name="y">Output images, batch × OutputLength, written.</param>
    /// <param name="argmax">The chosen input of each output, batch × OutputLength, written (for the backward pass); empty when no backward pass follows.</param>
    public static void MaxPool2dForward(Pool2dGeometry geometry, int batch, ReadOnlySpan<float> x, Span<float> y, Span<int> argmax)
    {
        const string where = "Kernels.MaxPool2dForward";
        Guard.NotNegative(batch, nameof(batch), where);
        Guard.MatrixSpan(x.Length, batch, geometry.InputLength, nameof(x), where);
        Guard.MatrixSpan(y.Length, batch, geometry.OutputLength, nameof(y), where);
        Guard.NoOverlap(x, y, nameof(x), nameof(y), where);
        if (!argmax.IsEmpty)
        {
            Guard.MatrixSpan(argmax.Length, batch, geometry.OutputLength, nameof(argmax), where);
        }

        int size = geometry.Size, stride = geometry.Stride, height = geometry.Height, width = geometry.Width;
        int plane = height * width, outPlane = geometry.OutHeight * geometry.OutWidth;
        for (int n = 0; n < batch; n++)
        {
            var image = x.Slice(n * geometry.InputLength, geometry.InputLength);
            int outBase = n * geometry.OutputLength;
            for (int c = 0; c < geometry.Channels; c++)
            {
                for (int oy = 0; oy < geometry.OutHeight; oy++)
                {
                    for (int ox = 0; ox < geometry.OutWidth; ox++)
                    {
                        int first = c * plane + oy * stride * width + ox * stride;
                        float best = float.NegativeInfinity;
                        int at = first;
                        for (int ky = 0; ky < size; ky++)
                        {
                            var row = image.Slice(first + ky * width, size);
                            for (int kx = 0; kx < size; kx++)
                            {
                                float v = row[kx];
                                if (v > best || float.IsNaN(v))
                                {
                                    best = v;
                                    at = first + ky * width + kx;
                                }
                            }
                        }

                        int o = outBase + c * outPlane + oy * geometry.OutWidth + ox;
                        y[o] = best;
                        if (!argmax.IsEmpty)
                        {
                            argmax[o] = at;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Max pooling backward: <c>gradInput</c> is written with zeros, then each output's gradient is added at its argmax.</summary>
    /// <param name="geometry">The pooling's sizes.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="argmax">The indices saved by <see cref="MaxPool2dForward"/>.</param>
    /// <param name="gradOutput">∂L/∂y, batch × OutputLength.</param>
    /// <param name="gradInput">∂L/∂x, batch × InputLength, written.</param>
    public static void MaxPool2dBackward(Pool2dGeometry geometry, int batch, ReadOnlySpan<int> argmax, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        const string where = "Kernels.MaxPool2dBackward";
        Guard.NotNegative(batch, nameof(batch), where);
        Guard.MatrixSpan(argmax.Length, batch, geometry.OutputLength, nameof(argmax), where);
        Guard.MatrixSpan(gradOutput.Length, batch, geometry.OutputLength, nameof(gradOutput), where);
        Guard.MatrixSpan(gradInput.Length, batch, geometry.InputLength, nameof(gradInput), where);
        Guard.NoOverlap(gradOutput, gradInput, nameof(gradOutput), nameof(gradInput), where);
        gradInput.Clear();
        for (int n = 0; n < batch; n++)
        {
            var dx = gradInput.Slice(n * geometry.InputLength, geometry.InputLength);
            int outBase = n * geometry.OutputLength;
            for (int o = 0; o < geometry.OutputLength; o++)
            {
                int at = argmax[outBase + o];
                if ((uint)at >= (uint)dx.Length)
                {
                    throw new ArgumentException($"{where}: argmax[{outBase + o}] = {at} is outside a sample of {dx.Length} inputs.", nameof(argmax));
                }

                dx[at] += gradOutput[outBase + o];
            }
        }
    }

    private static void CheckConv(Conv2dGeometry geometry, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> weights, Span<float> columns, string where)
    {
        if (geometry.InChannels == 0)
        {
            throw new ArgumentException($"{where}: the geometry is empty (default); build it with Conv2dGeometry.For(layer, height, width).", nameof(geometry));
        }

        Guard.NotNegative(batch, nameof(batch), where);
        Guard.MatrixSpan(x.Length, batch, geometry.InputLength, nameof(x), where);
        Guard.MatrixSpan(weights.Length, geometry.OutChannels, geometry.ColumnRows, nameof(weights), where);
        if (columns.Length < geometry.ColumnLength)
        {
            throw new ArgumentException($"{where}: the columns workspace has {columns.Length} floats but {geometry} needs {geometry.ColumnLength}.", nameof(columns));
        }

        Guard.NoOverlap(x, columns, nameof(x), nameof(columns), where);
        Guard.NoOverlap(weights, columns, nameof(weights), nameof(columns), where);
    }

    // columns[(c·k + ky)·k + kx, oy·OW + ox] = image[c, oy·s − pad + ky, ox·s − pad + kx], or 0 outside the image.
    private static void Im2Col(Conv2dGeometry g, ReadOnlySpan<float> image, Span<float> columns)
    {
        int k = g.Kernel, s = g.Stride, pad = g.Padding, height = g.Height, width = g.Width, outWidth = g.OutWidth;
        int positions = g.ColumnCols;
        for (int c = 0; c < g.InChannels; c++)
        {
            var plane = image.Slice(c * height * width, height * width);
            for (int ky = 0; ky < k; ky++)
            {
                for (int kx = 0; kx < k; kx++)
                {
                    var row = columns.Slice(((c * k + ky) * k + kx) * positions, positions);
                    var (start, end) = ValidColumns(kx, s, pad, width, outWidth);
                    for (int oy = 0; oy < g.OutHeight; oy++)
                    {
                        var target = row.Slice(oy * outWidth, outWidth);
                        int iy = oy * s - pad + ky;
                        if ((uint)iy >= (uint)height || start >= end)
                        {
                            target.Clear();
                            continue;
                        }

                        target[..start].Clear();
                        target[end..].Clear();
                        var source = plane.Slice(iy * width, width);
                        int ix = start * s - pad + kx;
                        if (s == 1)
                        {
                            source.Slice(ix, end - start).CopyTo(target[start..end]);
                        }
                        else
                        {
                            for (int ox = start; ox < end; ox++, ix += s)
                            {
                                target[ox] = source[ix];
                            }
                        }
                    }
                }
            }
        }
    }

    // image[c, oy·s − pad + ky, ox·s − pad + kx] += columns[(c·k + ky)·k + kx, oy·OW + ox] inside the image (col2im).
    private static void Col2ImAdd(Conv2dGeometry g, ReadOnlySpan<float> columns, Span<float> image)
    {
        int k = g.Kernel, s = g.Stride, pad = g.Padding, height = g.Height, width = g.Width, outWidth = g.OutWidth;
        int positions = g.ColumnCols;
        for (int c = 0; c < g.InChannels; c++)
        {
            var plane = image.Slice(c * height * width, height * width);
            for (int ky = 0; ky < k; ky++)
            {
                for (int kx = 0; kx < k; kx++)
                {
                    var row = columns.Slice(((c * k + ky) * k + kx) * positions, positions);
                    var (start, end) = ValidColumns(kx, s, pad, width, outWidth);
                    if (start >= end)
                    {
                        continue;
                    }

                    for (int oy = 0; oy < g.OutHeight; oy++)
                    {
                        int iy = oy * s - pad + ky;
                        if ((uint)iy >= (uint)height)
                        {
                            continue;
                        }

                        var source = row.Slice(oy * outWidth, outWidth);
                        var target = plane.Slice(iy * width, width);
                        int ix = start * s - pad + kx;
                        if (s == 1)
                        {
                            TensorPrimitives.Add(target.Slice(ix, end - start), source[start..end], target.Slice(ix, end - start));
                        }
                        else
                        {
                            for (int ox = start; ox < end; ox++, ix += s)
                            {
                                target[ix] += source[ox];
                            }
                        }
                    }
                }
            }
        }
    }

    // The output columns [start, end) whose input column ox·s − pad + kx lies inside [0, width).
    private static (int Start, int End) ValidColumns(int kx, int s, int pad, int width, int outWidth)
    {
        int low = pad - kx;                 // ox·s ≥ low
        int high = width - 1 + pad - kx;    // ox·s ≤ high
        int start = low <= 0 ? 0 : (low + s - 1) / s;
        int end = high < 0 ? 0 : Math.Min(outWidth, high / s + 1);
        return (Math.Min(start, outWidth), end);
    }
}
