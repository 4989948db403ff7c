using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>
/// Back-propagation of a ReLU MLP with softmax cross-entropy written by hand the classic way (the lectures'
/// δ-recursion) with the runtime's kernels, over a minibatch stored one sample per row:
/// <c>δ_out = (p − onehot)/B</c>, <c>δ_h = (δ_{h+1}·W_{h+1}) ⊙ relu′(z_h)</c>, <c>∂W += δᵀ·a_prev</c>, <c>∂b += Σ_rows δ</c>.
/// The baseline the generated gradient is compared with; all buffers are allocated up front for the largest batch.
/// A batch of one uses the matrix–vector kernels (as one would write per-sample backprop), larger batches the GEMMs.
/// The weight and bias gradients go through the parameter store (<see cref="ParameterStore.AddOuterProducts"/>), like
/// generated code's, so the trainer's fused update applies to both.
/// </summary>
internal sealed class HandWrittenMlp
{
    private readonly ParameterStore _parameters;
    private readonly Mat[] _weights;
    private readonly Vec[] _biases;
    private readonly float[][] _activations; // layer l's output a_l (batch × width); the last one holds the logits
    private readonly float[][] _deltas;      // δ_l = ∂L/∂z_l, L the mean loss
    private readonly int _maxBatch;

    /// <summary>Wraps the layers (weight W_l of outputs × inputs, bias b_l) of a model whose parameters live in <paramref name="parameters"/>.</summary>
    public HandWrittenMlp(ParameterStore parameters, (Mat Weight, Vec Bias)[] layers, int maxBatch)
    {
        _parameters = parameters;
        _weights = layers.Select(l => l.Weight).ToArray();
        _biases = layers.Select(l => l.Bias).ToArray();
        // On a cache line, like the generated step's workspace (Workspace.Grow), so the two steps differ only in code.
        _activations = _weights.Select(w => AlignedBuffer.AllocateArray(maxBatch * w.Rows)).ToArray();
        _deltas = _weights.Select(w => AlignedBuffer.AllocateArray(maxBatch * w.Rows)).ToArray();
        _maxBatch = maxBatch;
    }

    /// <summary>Mean loss over the batch; adds the gradient of the mean loss into the parameter gradients.</summary>
    public float GradientBatch(Mat x, ReadOnlySpan<int> labels)
    {
        int batch = x.Rows;
        if (batch > _maxBatch || labels.Length != batch)
        {
            throw new ArgumentException($"HandWrittenMlp: batch {batch} with {labels.Length} labels; at most {_maxBatch} samples, one label each.");
        }

        float total = Forward(x, labels);
        Backward(x);
        return total / batch;
    }

    /// <summary>The forward pass and δ_out (the softmax cross-entropy); returns the summed loss. For timing the passes apart.</summary>
    internal float Forward(Mat x, ReadOnlySpan<int> labels)
    {
        int batch = x.Rows;
        int last = _weights.Length - 1;

        // Forward: z_l = a_{l−1}·W_lᵀ + b_l, a_l = relu(z_l) except for the logits.
        ReadOnlySpan<float> input = x.Span;
        for (int l = 0; l <= last; l++)
        {
            Mat w = _weights[l];
            var z = _activations[l].AsSpan(0, batch * w.Rows);
            if (batch == 1) Kernels.MatVec(w.Span, w.Rows, w.Cols, input, z);
            else Kernels.MatMulABt(input, w.Span, z, batch, w.Rows, w.Cols);
            if (l < last)
            {
                Kernels.AddBiasReluRows(z, batch, w.Rows, _biases[l].Span);
            }
            else
            {
                Kernels.AddBiasRows(z, batch, w.Rows, _biases[l].Span);
            }

            input = z;
        }

        // δ_out = (softmax(z) − onehot(label)) / B.
        int classes = _weights[last].Rows;
        return Kernels.SoftmaxCrossEntropyRows(input, batch, classes, labels, _deltas[last].AsSpan(0, batch * classes), 1f / batch);
    }

    /// <summary>The backward pass after <see cref="Forward"/>: adds the gradient into the parameter gradients.</summary>
    internal void Backward(Mat x)
    {
        int batch = x.Rows;
        int last = _weights.Length - 1;

        for (int l = last; l >= 0; l--)
        {
            Mat w = _weights[l];
            var delta = _deltas[l].AsSpan(0, batch * w.Rows);
            ReadOnlySpan<float> previous = l == 0 ? x.Span : _activations[l - 1].AsSpan(0, batch * w.Cols);

            // ∂W_l += δ_lᵀ·a_{l−1};  ∂b_l += Σ_rows δ_l — through the store, as generated code does, so a trainer can
            // apply the update inside the product (the outer product at batch 1).
            var deltaRows = new Mat(_deltas[l], 0, batch, w.Rows);
            _parameters.AddOuterProducts(w, deltaRows, l == 0 ? x : new Mat(_activations[l - 1], 0, batch, w.Cols));
            _parameters.AddColumnSums(_biases[l], deltaRows);

            if (l > 0)
            {
                // δ_{l−1} = (δ_l·W_l) ⊙ relu′(z_{l−1}); relu′ read from a_{l−1} > 0.
                var previousDelta = _deltas[l - 1].AsSpan(0, batch * w.Cols);
                if (batch == 1) Kernels.MatTVec(w.Span, w.Rows, w.Cols, delta, previousDelta);
                else Kernels.MatMul(delta, w.Span, previousDelta, batch, w.Cols, w.Rows);
                Kernels.ReluBackward(previous, previousDelta, previousDelta);
            }
        }
    }

    /// <summary>a_l (ReLU outputs, the logits last) and δ_l, for the subnormal census; each holds maxBatch rows.</summary>
    internal (float[][] Activations, float[][] Deltas) Buffers => (_activations, _deltas);

    /// <summary>Where the buffers start, as byte offsets modulo 64 (a cache line): a_l, then δ_l.</summary>
    internal string Placement() =>
        "a " + string.Join("/", _activations.Select(a => TrainingStepBenchmarks.LineOffset(a, 0))) +
        ", δ " + string.Join("/", _deltas.Select(d => TrainingStepBenchmarks.LineOffset(d, 0)));
}
