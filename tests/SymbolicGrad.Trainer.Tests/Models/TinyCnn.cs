using SymbolicGrad.CompilerServices;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.TrainerTests.Models;

/// <summary>
/// Hand-written batched CNN calling the convolution kernels the way generated code will:
/// logits = flatten(maxpool(relu(conv(x as 1×side×side)), 2))·Wᵀ + b, mean softmax cross-entropy.
/// <see cref="Loss"/> is the same model written with <see cref="Ops"/> (the per-sample reference).
/// </summary>
public sealed class TinyCnn : Model, ITrainable
{
    private readonly Conv2d conv;
    private readonly Mat W;
    private readonly Vec b;
    private readonly int _side;
    private readonly Conv2dGeometry _conv;
    private readonly Pool2dGeometry _pool;
    private float[] _convolved = [], _pooled = [], _logits = [], _dPooled = [], _dConvolved = [], _columns = [];
    private int[] _argmax = [];

    public TinyCnn(int side, int filters, int classes, int seed = 0)
    {
        _side = side;
        conv = Parameters.Conv2d(1, filters, kernel: 3, padding: 1, init: Init.He(seed));
        _conv = Conv2dGeometry.For(conv, side, side);
        _pool = new Pool2dGeometry(filters, _conv.OutHeight, _conv.OutWidth, 2, 2);
        W = Parameters.Matrix(classes, _pool.OutputLength, Init.Xavier(seed + 1));
        b = Parameters.Vector(classes);
    }

    private int Classes => W.Rows;

    /// <summary>The reference: the body a user writes, per sample.</summary>
    public float Loss(Vec x, int label) =>
        SoftmaxCrossEntropy(W * Flatten(MaxPool2d(Relu(Conv2d(x.AsImage(1, _side, _side), conv)), 2)) + b, label);

    /// <summary>The logits of a batch as the batched forward computes them.</summary>
    public float[] Logits(Mat inputs)
    {
        Forward(inputs);
        return _logits.AsSpan(0, inputs.Rows * Classes).ToArray();
    }

    public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
    {
        int n = inputs.Rows;
        Forward(inputs);
        var logits = _logits.AsSpan(0, n * Classes);
        float total = Kernels.SoftmaxCrossEntropyRows(logits, n, Classes, targets.Labels, logits, 1f / n);
        if (!accumulateGradient)
        {
            return total / n;
        }

        var pooled = _pooled.AsSpan(0, n * _pool.OutputLength);
        var dPooled = _dPooled.AsSpan(0, n * _pool.OutputLength);
        var convolved = _convolved.AsSpan(0, n * _conv.OutputLength);
        var dConvolved = _dConvolved.AsSpan(0, n * _conv.OutputLength);
        Kernels.MatMulAddAtB(logits, pooled, Parameters.GradientOf(W).Span, Classes, _pool.OutputLength, n);
        Kernels.ColumnSumsAdd(logits, n, Classes, Parameters.GradientOf(b).Span);
        dPooled.Clear();
        Kernels.MatMulAdd(logits, W.Span, dPooled, n, _pool.OutputLength, Classes);
        Kernels.MaxPool2dBackward(_pool, n, _argmax.AsSpan(0, n * _pool.OutputLength), dPooled, dConvolved);
        Kernels.ReluBackward(convolved, dConvolved, dConvolved);
        Kernels.Conv2dBackward(_conv, n, inputs.Span, conv.Weights.Span, dConvolved, Parameters.GradientOf(conv.Weights).Span,
            Parameters.GradientOf(conv.Bias).Span, gradInput: [], _columns); // the input image needs no gradient
        return total / n;
    }

    public int CountCorrect(Mat inputs, in BatchTargets targets)
    {
        Forward(inputs);
        return Argmax.CountCorrect(_logits.AsSpan(0, inputs.Rows * Classes), Classes, targets.Labels);
    }

    private void Forward(Mat inputs)
    {
        int n = inputs.Rows;
        if (_convolved.Length < n * _conv.OutputLength)
        {
            _convolved = new float[n * _conv.OutputLength];
            _dConvolved = new float[n * _conv.OutputLength];
            _pooled = new float[n * _pool.OutputLength];
            _dPooled = new float[n * _pool.OutputLength];
            _argmax = new int[n * _pool.OutputLength];
            _logits = new float[n * Classes];
        }

        _columns = Workspace.Grow(_columns, _conv.ColumnLength);
        var convolved = _convolved.AsSpan(0, n * _conv.OutputLength);
        var pooled = _pooled.AsSpan(0, n * _pool.OutputLength);
        var logits = _logits.AsSpan(0, n * Classes);
        Kernels.Conv2dForward(_conv, n, inputs.Span, conv.Weights.Span, conv.Bias.Span, convolved, _columns);
        Kernels.Relu(convolved, convolved);
        Kernels.MaxPool2dForward(_pool, n, convolved, pooled, _argmax.AsSpan(0, n * _pool.OutputLength));
        logits.Clear();
        Kernels.MatMulAddABt(pooled, W.Span, logits, n, Classes, _pool.OutputLength);
        Kernels.AddBiasRows(logits, n, Classes, b.Span);
    }
}
