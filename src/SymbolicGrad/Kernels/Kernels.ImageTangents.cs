namespace SymbolicGrad.CompilerServices;

public static partial class Kernels
{
    /// <summary>
    /// The tangent of 2-D convolution (forward mode): convolution is linear in each operand, so
    /// <c>ty = conv(tx, W) + conv(x, tW) + tb</c> (the bias broadcast over positions), each convolution the forward
    /// kernel's im2col and GEMM without its bias. An empty tangent stands for zeros and its convolution is skipped (the
    /// input's, where the input is the data). Same layout as <see cref="Conv2dForward"/>.
    /// </summary>
    /// <param name="geometry">The convolution's sizes (<see cref="Conv2dGeometry.For"/>).</param>
    /// <param name="batch">Samples.</param>
    /// <param name="x">The forward input, batch × <see cref="Conv2dGeometry.InputLength"/>.</param>
    /// <param name="tangentInput">tx, the input's tangent, the shape of x; empty for zeros.</param>
    /// <param name="weights">Filters, OutChannels × <see cref="Conv2dGeometry.ColumnRows"/>.</param>
    /// <param name="tangentWeights">tW, the shape of weights; empty for zeros.</param>
    /// <param name="tangentBias">tb, one per output channel; empty for zeros.</param>
    /// <param name="tangentOutput">ty, batch × <see cref="Conv2dGeometry.OutputLength"/>, written.</param>
    /// <param name="columns">Workspace of at least <see cref="Conv2dGeometry.ColumnLength"/> floats (contents unspecified afterwards).</param>
    public static void Conv2dTangent(Conv2dGeometry geometry, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> tangentInput,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> tangentWeights, ReadOnlySpan<float> tangentBias, Span<float> tangentOutput, Span<float> columns)
    {
        const string where = "Kernels.Conv2dTangent";
        CheckConv(geometry, batch, x, weights, columns, where);
        if (!tangentInput.IsEmpty)
        {
            Guard.VectorSpan(tangentInput.Length, x.Length, nameof(tangentInput), where, " (the length of x; or empty for zeros)");
            Guard.NoOverlap(tangentInput, tangentOutput, nameof(tangentInput), nameof(tangentOutput), where);
            Guard.NoOverlap(tangentInput, columns, nameof(tangentInput), nameof(columns), where);
        }

        if (!tangentWeights.IsEmpty)
        {
            Guard.VectorSpan(tangentWeights.Length, weights.Length, nameof(tangentWeights), where, " (the length of weights; or empty for zeros)");
            Guard.NoOverlap(tangentWeights, columns, nameof(tangentWeights), nameof(columns), where);
        }

        if (!tangentBias.IsEmpty) Guard.VectorSpan(tangentBias.Length, geometry.OutChannels, nameof(tangentBias), where, " (one per output channel; or empty for zeros)");
        Guard.MatrixSpan(tangentOutput.Length, batch, geometry.OutputLength, nameof(tangentOutput), where);
        Guard.NoOverlap(x, tangentOutput, nameof(x), nameof(tangentOutput), where);
        Guard.NoOverlap(columns, tangentOutput, nameof(columns), nameof(tangentOutput), where);
        int positions = geometry.ColumnCols;
        for (int n = 0; n < batch; n++)
        {
            var output = tangentOutput.Slice(n * geometry.OutputLength, geometry.OutputLength);
            if (tangentBias.IsEmpty) output.Clear();
            else for (int o = 0; o < geometry.OutChannels; o++) output.Slice(o * positions, positions).Fill(tangentBias[o]);
            if (!tangentInput.IsEmpty) ConvolveAdd(geometry, tangentInput.Slice(n * geometry.InputLength, geometry.InputLength), weights, output, columns);
            if (!tangentWeights.IsEmpty) ConvolveAdd(geometry, x.Slice(n * geometry.InputLength, geometry.InputLength), tangentWeights, output, columns);
        }
    }

    /// <summary>
    /// The tangent of max pooling (forward mode): each output's tangent is the tangent of the input its forward pass
    /// took, <c>ty[o] = tx[argmax[o]]</c>, with the indices <see cref="MaxPool2dForward"/> saved (NaN wins, ties keep the
    /// first), so the value, the tangent and the gradient (<see cref="MaxPool2dBackward"/>) all follow one input.
    /// </summary>
    /// <param name="geometry">The pooling's sizes.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="argmax">The indices saved by <see cref="MaxPool2dForward"/>, batch × OutputLength.</param>
    /// <param name="tangentInput">tx, batch × InputLength.</param>
    /// <param name="tangentOutput">ty, batch × OutputLength, written.</param>
    public static void MaxPool2dTangent(Pool2dGeometry geometry, int batch, ReadOnlySpan<int> argmax, ReadOnlySpan<float> tangentInput, Span<float> tangentOutput)
    {
        const string where = "Kernels.MaxPool2dTangent";
        Guard.NotNegative(batch, nameof(batch), where);
        Guard.MatrixSpan(argmax.Length, batch, geometry.OutputLength, nameof(argmax), where);
        Guard.MatrixSpan(tangentInput.Length, batch, geometry.InputLength, nameof(tangentInput), where);
        Guard.MatrixSpan(tangentOutput.Length, batch, geometry.OutputLength, nameof(tangentOutput), where);
        Guard.NoOverlap(tangentInput, tangentOutput, nameof(tangentInput), nameof(tangentOutput), where);
        for (int n = 0; n < batch; n++)
        {
            var tx = tangentInput.Slice(n * geometry.InputLength, geometry.InputLength);
            int outBase = n * geometry.OutputLength;
            for (int o = outBase; o < outBase + geometry.OutputLength; o++)
            {
                int at = argmax[o];
                if ((uint)at >= (uint)tx.Length)
                {
                    throw new ArgumentException($"{where}: argmax[{o}] = {at} is outside a sample of {tx.Length} inputs.", nameof(argmax));
                }

                tangentOutput[o] = tx[at];
            }
        }
    }
}
