using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        int positions = geometry.ColumnCols, outChannels = geometry.OutChannels;
        for (int n = 0; n < batch; n++)
        {
            var image = x.Slice(n * geometry.InputLength, geometry.InputLength);
            var output = y.Slice(n * geometry.OutputLength, geometry.OutputLength);
            for (int o = 0; o < outChannels; o++)
            {
                output.Slice(o * positions, positions).Fill(bias[o]);
            }

            ConvolveAdd(geometry, image, weights, output, columns);
        }
    }

    // output += W ∗ image for one sample (no bias): im2col into columns (the image itself for a pointwise kernel), then
    // the packed GEMM. The forward pass and the tangent both convolve through it.
    private static void ConvolveAdd(Conv2dGeometry geometry, ReadOnlySpan<float> image, ReadOnlySpan<float> weights, Span<float> output, Span<float> columns) =>
        MatMulAdd(weights, ColumnsOf(geometry, image, columns[..geometry.ColumnLength]), output, geometry.OutChannels, geometry.ColumnCols, geometry.ColumnRows);

    // The columns of one sample's image: im2col into the workspace, or the image itself for a pointwise kernel.
    private static ReadOnlySpan<float> ColumnsOf(Conv2dGeometry geometry, ReadOnlySpan<float> image, Span<float> work)
    {
        if (geometry.IsPointwise) return image;
        Im2Col(geometry, image, work);
        return work;
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
    /// <param name="gradWeights">∂L/∂W, OutChannels × ColumnRows, added into; empty to skip it.</param>
    /// <param name="gradBias">∂L/∂bias, one per output channel, added into; empty to skip it.</param>
    /// <param name="gradInput">∂L/∂x, batch × InputLength, written; empty to skip it (an input that needs no gradient).</param>
    /// <param name="columns">Workspace of at least ColumnLength floats.</param>
    public static void Conv2dBackward(Conv2dGeometry geometry, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> gradOutput,
        Span<float> gradWeights, Span<float> gradBias, Span<float> gradInput, Span<float> columns)
    {
        const string where = "Kernels.Conv2dBackward";
        CheckConv(geometry, batch, x, weights, columns, where);
        Guard.MatrixSpan(gradOutput.Length, batch, geometry.OutputLength, nameof(gradOutput), where);
        if (!gradWeights.IsEmpty) Guard.VectorSpan(gradWeights.Length, weights.Length, nameof(gradWeights), where, " (the length of weights)");
        if (!gradBias.IsEmpty) Guard.VectorSpan(gradBias.Length, geometry.OutChannels, nameof(gradBias), where, " (one per output channel)");
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
            for (int o = 0; o < outChannels && !gradBias.IsEmpty; o++)
            {
                gradBias[o] += TensorPrimitives.Sum(dy.Slice(o * positions, positions));
            }

            var work = columns[..geometry.ColumnLength];
            if (!gradWeights.IsEmpty)
            {
                MatMulAddABt(dy, ColumnsOf(geometry, image, work), gradWeights, outChannels, k, positions);
            }

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

        int size = geometry.Size, stride = geometry.Stride, width = geometry.Width;
        int plane = geometry.Height * width, outPlane = geometry.OutHeight * geometry.OutWidth;
        bool saveArgmax = !argmax.IsEmpty;
        ref float input = ref MemoryMarshal.GetReference(x);
        ref float output = ref MemoryMarshal.GetReference(y);
        ref int indices = ref MemoryMarshal.GetReference(argmax);
        for (int n = 0; n < batch; n++)
        {
            ref float image = ref Unsafe.Add(ref input, n * geometry.InputLength);
            int outBase = n * geometry.OutputLength;
            for (int c = 0; c < geometry.Channels; c++)
            {
                for (int oy = 0; oy < geometry.OutHeight; oy++)
                {
                    int o = outBase + c * outPlane + oy * geometry.OutWidth;
                    int ox = 0;
                    if (size == 2 && stride == 2 && Avx2.IsSupported)
                    {
                        ox = MaxPool2x2Vectors(ref image, c * plane + oy * 2 * width, width, geometry.OutWidth, ref Unsafe.Add(ref output, o),
                            ref Unsafe.Add(ref indices, saveArgmax ? o : 0), saveArgmax);
                        o += ox;
                    }

                    for (; ox < geometry.OutWidth; ox++, o++)
                    {
                        int first = c * plane + oy * stride * width + ox * stride;
                        float best = float.NegativeInfinity;
                        int at = first;
                        for (int ky = 0; ky < size; ky++)
                        {
                            int rowStart = first + ky * width;
                            for (int kx = 0; kx < size; kx++)
                            {
                                // PyTorch's scan: a later value replaces the best when greater or NaN. Branch-free
                                // (random data mispredicts half the comparisons): select through integer masks.
                                float v = Unsafe.Add(ref image, rowStart + kx);
                                int take = -((v > best ? 1 : 0) | (float.IsNaN(v) ? 1 : 0));
                                best = BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(v) & take) | (BitConverter.SingleToInt32Bits(best) & ~take));
                                at = ((rowStart + kx) & take) | (at & ~take);
                            }
                        }

                        Unsafe.Add(ref output, o) = best;
                        if (saveArgmax)
                        {
                            Unsafe.Add(ref indices, o) = at;
                        }
                    }
                }
            }
        }
    }

    // The common 2×2, stride-2 pooling, 8 outputs at a time (the same scan and selections as the scalar loop): the
    // two input rows are split into even and odd columns by permutes; returns the number of outputs done.
    private static int MaxPool2x2Vectors(ref float image, int rowStart, int width, int outWidth, ref float output, ref int indices, bool saveArgmax)
    {
        var split = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        var lanes = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        int ox = 0;
        for (; ox + 8 <= outWidth; ox += 8)
        {
            int first = rowStart + 2 * ox;
            var best = Vector256.Create(float.NegativeInfinity);
            var at = Vector256.Create(first) + lanes;
            var start = at;
            for (int ky = 0; ky < 2; ky++)
            {
                ref float row = ref Unsafe.Add(ref image, first + ky * width);
                var a = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref row), split);
                var b = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref row, 8), split);
                var even = Avx2.Permute2x128(a, b, 0x20);
                var odd = Avx2.Permute2x128(a, b, 0x31);
                var offset = Vector256.Create(ky * width);
                var take = Vector256.GreaterThan(even, best) | ~Vector256.Equals(even, even); // greater, or NaN
                best = Vector256.ConditionalSelect(take, even, best);
                at = Vector256.ConditionalSelect(take.AsInt32(), start + offset, at);
                take = Vector256.GreaterThan(odd, best) | ~Vector256.Equals(odd, odd);
                best = Vector256.ConditionalSelect(take, odd, best);
                at = Vector256.ConditionalSelect(take.AsInt32(), start + offset + Vector256<int>.One, at);
            }

            best.StoreUnsafe(ref output, (nuint)ox);
            if (saveArgmax)
            {
                at.StoreUnsafe(ref indices, (nuint)ox);
            }
        }

        return ox;
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
        ref float source = ref MemoryMarshal.GetReference(image);
        ref float target = ref MemoryMarshal.GetReference(columns);
        for (int c = 0; c < g.InChannels; c++)
        {
            ref float plane = ref Unsafe.Add(ref source, c * height * width);
            for (int ky = 0; ky < k; ky++)
            {
                for (int kx = 0; kx < k; kx++)
                {
                    ref float row = ref Unsafe.Add(ref target, ((c * k + ky) * k + kx) * positions);
                    var (start, end) = ValidColumns(kx, s, pad, width, outWidth);
                    for (int oy = 0; oy < g.OutHeight; oy++)
                    {
                        ref float to = ref Unsafe.Add(ref row, oy * outWidth);
                        int iy = oy * s - pad + ky;
                        if ((uint)iy >= (uint)height || start >= end)
                        {
                            Zero(ref to, outWidth);
                            continue;
                        }

                        if (start > 0)
                        {
                            Zero(ref to, start);
                        }

                        if (end < outWidth)
                        {
                            Zero(ref Unsafe.Add(ref to, end), outWidth - end); // (no reference past the row's end)
                        }
                        ref float from = ref Unsafe.Add(ref plane, iy * width + start * s - pad + kx);
                        if (s == 1)
                        {
                            Copy(ref from, ref Unsafe.Add(ref to, start), end - start);
                        }
                        else
                        {
                            for (int ox = start, ix = 0; ox < end; ox++, ix += s)
                            {
                                Unsafe.Add(ref to, ox) = Unsafe.Add(ref from, ix);
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
        ref float source = ref MemoryMarshal.GetReference(columns);
        ref float target = ref MemoryMarshal.GetReference(image);
        for (int c = 0; c < g.InChannels; c++)
        {
            ref float plane = ref Unsafe.Add(ref target, c * height * width);
            for (int ky = 0; ky < k; ky++)
            {
                for (int kx = 0; kx < k; kx++)
                {
                    ref float row = ref Unsafe.Add(ref source, ((c * k + ky) * k + kx) * positions);
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

                        ref float from = ref Unsafe.Add(ref row, oy * outWidth + start);
                        ref float to = ref Unsafe.Add(ref plane, iy * width + start * s - pad + kx);
                        if (s == 1)
                        {
                            AddInto(ref from, ref to, end - start);
                        }
                        else
                        {
                            for (int i = 0, ix = 0; i < end - start; i++, ix += s)
                            {
                                Unsafe.Add(ref to, ix) += Unsafe.Add(ref from, i);
                            }
                        }
                    }
                }
            }
        }
    }

    // The short row copies of im2col: Buffer.Memmove's call costs more than the copy at these lengths.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(ref float from, ref float to, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= count; i += 8)
            {
                Vector256.LoadUnsafe(ref from, (nuint)i).StoreUnsafe(ref to, (nuint)i);
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddInto(ref float from, ref float to, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= count; i += 8)
            {
                (Vector256.LoadUnsafe(ref to, (nuint)i) + Vector256.LoadUnsafe(ref from, (nuint)i)).StoreUnsafe(ref to, (nuint)i);
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref to, i) += Unsafe.Add(ref from, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Zero(ref float to, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Unsafe.Add(ref to, i) = 0f;
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
