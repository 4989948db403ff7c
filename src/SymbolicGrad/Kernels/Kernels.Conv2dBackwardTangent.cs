using System.Numerics.Tensors;

namespace SymbolicGrad.CompilerServices;

public static partial class Kernels
{
    /// <summary>
    /// The tangent of 2-D convolution's backward pass (forward mode over <see cref="Conv2dBackward"/>, for a
    /// Hessian-vector product): each part of the pullback is bilinear in the adjoint and one operand, so
    /// <c>t(∂W) = tdY·cols(x)ᵀ + dY·cols(tx)ᵀ</c>, <c>t(∂bias) = Σ_positions tdY</c> and
    /// <c>t(∂x) = col2im(Wᵀ·tdY + tWᵀ·dY)</c>, with the forward kernel's im2col and col2im. An empty tangent stands for
    /// zeros and its product is skipped. Same layout as <see cref="Conv2dBackward"/>.
    /// </summary>
    /// <param name="geometry">The convolution's sizes.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="x">The forward input, batch × InputLength.</param>
    /// <param name="tangentInput">tx, the shape of x; empty for zeros.</param>
    /// <param name="weights">Filters, OutChannels × ColumnRows.</param>
    /// <param name="tangentWeights">tW, the shape of weights; empty for zeros.</param>
    /// <param name="gradOutput">∂L/∂y, batch × OutputLength.</param>
    /// <param name="tangentGradOutput">t(∂L/∂y), the shape of gradOutput; empty for zeros.</param>
    /// <param name="tangentGradWeights">t(∂L/∂W), the shape of weights, added into; empty to skip it.</param>
    /// <param name="tangentGradBias">t(∂L/∂bias), one per output channel, added into; empty to skip it.</param>
    /// <param name="tangentGradInput">t(∂L/∂x), batch × InputLength, written; empty to skip it.</param>
    /// <param name="columns">Workspace of at least ColumnLength floats (contents unspecified afterwards).</param>
    public static void Conv2dBackwardTangent(Conv2dGeometry geometry, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> tangentInput,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> tangentWeights, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> tangentGradOutput,
        Span<float> tangentGradWeights, Span<float> tangentGradBias, Span<float> tangentGradInput, Span<float> columns)
    {
        const string where = "Kernels.Conv2dBackwardTangent";
        CheckConv(geometry, batch, x, weights, columns, where);
        Guard.MatrixSpan(gradOutput.Length, batch, geometry.OutputLength, nameof(gradOutput), where);
        if (!tangentInput.IsEmpty) Guard.VectorSpan(tangentInput.Length, x.Length, nameof(tangentInput), where, " (the length of x; or empty for zeros)");
        if (!tangentWeights.IsEmpty) Guard.VectorSpan(tangentWeights.Length, weights.Length, nameof(tangentWeights), where, " (the length of weights; or empty for zeros)");
        if (!tangentGradOutput.IsEmpty) Guard.VectorSpan(tangentGradOutput.Length, gradOutput.Length, nameof(tangentGradOutput), where, " (the length of gradOutput; or empty for zeros)");
        if (!tangentGradWeights.IsEmpty) Guard.VectorSpan(tangentGradWeights.Length, weights.Length, nameof(tangentGradWeights), where, " (the length of weights)");
        if (!tangentGradBias.IsEmpty) Guard.VectorSpan(tangentGradBias.Length, geometry.OutChannels, nameof(tangentGradBias), where, " (one per output channel)");
        if (!tangentGradInput.IsEmpty)
        {
            Guard.MatrixSpan(tangentGradInput.Length, batch, geometry.InputLength, nameof(tangentGradInput), where);
            Guard.NoOverlap(gradOutput, tangentGradInput, nameof(gradOutput), nameof(tangentGradInput), where);
            Guard.NoOverlap(tangentGradOutput, tangentGradInput, nameof(tangentGradOutput), nameof(tangentGradInput), where);
            Guard.NoOverlap(columns, tangentGradInput, nameof(columns), nameof(tangentGradInput), where);
        }

        Guard.NoOverlap(columns, tangentGradWeights, nameof(columns), nameof(tangentGradWeights), where);
        Guard.NoOverlap(tangentInput, columns, nameof(tangentInput), nameof(columns), where);
        Guard.NoOverlap(tangentWeights, columns, nameof(tangentWeights), nameof(columns), where);
        int k = geometry.ColumnRows, positions = geometry.ColumnCols, outChannels = geometry.OutChannels;
        var work = columns[..geometry.ColumnLength];
        for (int n = 0; n < batch; n++)
        {
            var dy = gradOutput.Slice(n * geometry.OutputLength, geometry.OutputLength);
            var tdy = tangentGradOutput.IsEmpty ? default : tangentGradOutput.Slice(n * geometry.OutputLength, geometry.OutputLength);
            for (int o = 0; o < outChannels && !tangentGradBias.IsEmpty && !tdy.IsEmpty; o++)
            {
                tangentGradBias[o] += TensorPrimitives.Sum(tdy.Slice(o * positions, positions));
            }

            if (!tangentGradWeights.IsEmpty)
            {
                if (!tdy.IsEmpty) MatMulAddABt(tdy, ColumnsOf(geometry, x.Slice(n * geometry.InputLength, geometry.InputLength), work), tangentGradWeights, outChannels, k, positions);
                if (!tangentInput.IsEmpty) MatMulAddABt(dy, ColumnsOf(geometry, tangentInput.Slice(n * geometry.InputLength, geometry.InputLength), work), tangentGradWeights, outChannels, k, positions);
            }

            if (tangentGradInput.IsEmpty)
            {
                continue;
            }

            // Wᵀ·tdY + tWᵀ·dY, then one col2im (a pointwise kernel's columns are the image itself).
            var dx = tangentGradInput.Slice(n * geometry.InputLength, geometry.InputLength);
            var sum = geometry.IsPointwise ? dx : work;
            sum.Clear();
            if (!tdy.IsEmpty) MatMulAddAtB(weights, tdy, sum, k, positions, outChannels);
            if (!tangentWeights.IsEmpty) MatMulAddAtB(tangentWeights, dy, sum, k, positions, outChannels);
            if (geometry.IsPointwise) continue;
            dx.Clear();
            Col2ImAdd(geometry, work, dx);
        }
    }
}
