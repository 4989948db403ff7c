using SymbolicGrad.Benchmarks.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// The benchmark's ReLU MLP written the usual TorchSharp way: <c>Linear</c> layers with <c>ReLU</c> between them in a
/// <c>Sequential</c>, <c>cross_entropy</c> on the logits (mean over the batch), autograd, and
/// <c>optim.SGD(momentum: 0.9)</c>, whose update with dampening 0 is v = βv + g; w −= αv, as SymbolicGrad's Momentum.
/// The inputs of every batch of the pool are made into tensors up front, so a step does not convert any data.
/// </summary>
internal sealed class TorchSharpMlp : IDisposable
{
    private readonly Linear[] _layers;
    private readonly Sequential _model;
    private readonly SGD _optimizer;
    private readonly Tensor[] _inputs;  // batch × 784 float32, one per batch position of the pool
    private readonly Tensor[] _labels;  // batch int64 class indices
    private int _cursor;

    /// <summary>A network of the shapes of <paramref name="shapes"/> (PyTorch's default initialisation until <see cref="Load"/>).</summary>
    public TorchSharpMlp((Mat Weight, Vec Bias)[] shapes, TrainingData data, int batch, double learningRate, double momentum)
    {
        _layers = shapes.Select(l => nn.Linear(l.Weight.Cols, l.Weight.Rows)).ToArray();
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int l = 0; l < _layers.Length; l++)
        {
            modules.Add(($"linear{l + 1}", _layers[l]));
            if (l < _layers.Length - 1) modules.Add(($"relu{l + 1}", nn.ReLU()));
        }

        _model = nn.Sequential(modules);
        _optimizer = optim.SGD(_model.parameters(), learningRate, momentum: momentum);

        // Consecutive batches of the pool, in the order TrainingData.Next hands them to the other two steps.
        int count = data.Count / batch;
        _inputs = new Tensor[count];
        _labels = new Tensor[count];
        for (int i = 0; i < count; i++)
        {
            var x = data.Batch(i * batch, batch, out var labels);
            _inputs[i] = tensor(x.ToArray(), [batch, x.Cols]);
            long[] classes = new long[batch];
            for (int s = 0; s < batch; s++) classes[s] = labels[s];
            _labels[i] = tensor(classes, [batch]);
        }
    }

    /// <summary>
    /// One training step: zero the gradients, forward, mean cross-entropy, backward, SGD update. What it times: those
    /// native calls, TorchSharp's wrappers round them and the dispose scope that frees the step's tensors; not the
    /// input conversion (made up front). <c>zero_grad</c> comes first, as <c>ZeroGradients</c> in the other two steps.
    /// </summary>
    public float Step()
    {
        using var scope = NewDisposeScope();
        var x = _inputs[_cursor];
        var y = _labels[_cursor];
        _cursor = (_cursor + 1) % _inputs.Length;
        _optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(_model.forward(x), y);
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    /// <summary>Multiplies every weight and bias by <paramref name="factor"/> (for the ln 10 check of small weights).</summary>
    public void Scale(float factor)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var p in _model.parameters()) p.mul_(factor);
    }

    /// <summary>Copies SymbolicGrad's parameters in (both store W as outputs × inputs, row-major), so all three steps start alike.</summary>
    public void Load((Mat Weight, Vec Bias)[] layers)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int l = 0; l < layers.Length; l++)
        {
            var (w, b) = layers[l];
            _layers[l].weight!.copy_(tensor(w.ToArray(), [w.Rows, w.Cols]));
            _layers[l].bias!.copy_(tensor(b.ToArray(), [b.Length]));
        }
    }

    /// <summary>Mean loss of pool batch <paramref name="index"/> and its gradients (weight, bias per layer), without an update.</summary>
    public float Gradient(int index, out (float[] Weight, float[] Bias)[] gradients)
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(_model.forward(_inputs[index]), _labels[index]);
        loss.backward();
        gradients = _layers.Select(l => (l.weight!.grad!.data<float>().ToArray(), l.bias!.grad!.data<float>().ToArray())).ToArray();
        _optimizer.zero_grad();
        return loss.item<float>();
    }

    /// <summary>True when every parameter is finite.</summary>
    public bool AllFinite()
    {
        using var scope = NewDisposeScope();
        return _model.parameters().All(p => isfinite(p).all().item<bool>());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in _inputs.Concat(_labels)) t.Dispose();
        _optimizer.Dispose();
        _model.Dispose();
    }
}
