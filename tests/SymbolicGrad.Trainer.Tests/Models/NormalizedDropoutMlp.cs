using SymbolicGrad.CompilerServices;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.TrainerTests.Models;

/// <summary>
/// Hand-written batched MLP with batch normalization and dropout, calling the kernels the way generated code will:
/// logits = dropout(relu(bn(X·W1ᵀ + b1)), p)·W2ᵀ + b2, mean softmax cross-entropy. <see cref="Loss"/> is the same
/// model written with <see cref="Ops"/> (the per-sample reference).
/// </summary>
public sealed class NormalizedDropoutMlp : Model, ITrainable
{
    private readonly Mat W1;
    private readonly Vec b1;
    private readonly BatchNorm bn;
    private readonly Mat W2;
    private readonly Vec b2;
    private readonly float _p;
    private float[] _pre = [], _normalized = [], _dropped = [], _logits = [], _dHidden = [];
    private readonly float[] _savedMean, _savedInvStd;

    public NormalizedDropoutMlp(int inputs, int hidden, int classes, float p, int seed = 0)
    {
        W1 = Parameters.Matrix(hidden, inputs, Init.He(seed));
        b1 = Parameters.Vector(hidden, Init.Normal(0.1f, seed + 7));
        bn = Parameters.BatchNorm(hidden);
        W2 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 1));
        b2 = Parameters.Vector(classes);
        _p = p;
        _savedMean = new float[hidden];
        _savedInvStd = new float[hidden];
    }

    public BatchNorm Norm => bn;

    private int Inputs => W1.Cols;

    private int Hidden => W1.Rows;

    private int Classes => W2.Rows;

    /// <summary>The reference: the body a user writes, per sample.</summary>
    public float Loss(Vec x, int label) => SoftmaxCrossEntropy(W2 * Dropout(Relu(BatchNorm(W1 * x + b1, bn)), _p) + b2, label);

    /// <summary>The logits of a batch as the batched forward computes them (for comparisons with <see cref="Loss"/>).</summary>
    public float[] Logits(Mat inputs)
    {
        Forward(inputs, Training, Training ? Kernels.NextRandomStream(this) : 0);
        return _logits.AsSpan(0, inputs.Rows * Classes).ToArray();
    }

    public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
    {
        int n = inputs.Rows;
        bool training = Training;                                            // read once: forward and backward agree
        ulong stream = training ? Kernels.NextRandomStream(this) : 0;       // once per call, before any split
        Forward(inputs, training, stream);
        var logits = _logits.AsSpan(0, n * Classes);
        float total = Kernels.SoftmaxCrossEntropyRows(logits, n, Classes, targets.Labels, logits, 1f / n);
        if (!accumulateGradient)
        {
            return total / n;
        }

        var pre = _pre.AsSpan(0, n * Hidden);
        var normalized = _normalized.AsSpan(0, n * Hidden);
        var dropped = _dropped.AsSpan(0, n * Hidden);
        var dHidden = _dHidden.AsSpan(0, n * Hidden);
        Kernels.MatMulAddAtB(logits, training ? dropped : normalized, Parameters.GradientOf(W2).Span, Classes, Hidden, n);
        Kernels.ColumnSumsAdd(logits, n, Classes, Parameters.GradientOf(b2).Span);
        dHidden.Clear();
        Kernels.MatMulAdd(logits, W2.Span, dHidden, n, Hidden, Classes);
        if (training)
        {
            Kernels.DropoutBackward(dHidden, dHidden, n, Hidden, _p, stream, site: 0);
        }

        Kernels.ReluBackward(normalized, dHidden, dHidden);
        var gradGamma = Parameters.GradientOf(bn.Gamma).Span;
        var gradBeta = Parameters.GradientOf(bn.Beta).Span;
        if (training)
        {
            Kernels.BatchNormBackwardTraining(pre, dHidden, dHidden, n, Hidden, 1, bn.Gamma.Span, _savedMean, _savedInvStd, gradGamma, gradBeta);
        }
        else
        {
            Kernels.BatchNormBackwardEvaluation(pre, dHidden, dHidden, n, Hidden, 1, bn.Gamma.Span, bn.RunningMean.Span, bn.RunningVariance.Span,
                bn.Epsilon, gradGamma, gradBeta);
        }

        Kernels.MatMulAddAtB(dHidden, inputs.Span, Parameters.GradientOf(W1).Span, Hidden, Inputs, n);
        Kernels.ColumnSumsAdd(dHidden, n, Hidden, Parameters.GradientOf(b1).Span);
        return total / n;
    }

    public int CountCorrect(Mat inputs, in BatchTargets targets)
    {
        bool training = Training;
        Forward(inputs, training, training ? Kernels.NextRandomStream(this) : 0);
        return Argmax.CountCorrect(_logits.AsSpan(0, inputs.Rows * Classes), Classes, targets.Labels);
    }

    // pre = X·W1ᵀ + b1; normalized = relu(bn(pre)) (the ReLU in place); dropped = dropout(normalized); logits.
    private void Forward(Mat inputs, bool training, ulong stream)
    {
        int n = inputs.Rows;
        if (_pre.Length < n * Hidden)
        {
            _pre = new float[n * Hidden];
            _normalized = new float[n * Hidden];
            _dropped = new float[n * Hidden];
            _dHidden = new float[n * Hidden];
            _logits = new float[n * Classes];
        }

        var pre = _pre.AsSpan(0, n * Hidden);
        var normalized = _normalized.AsSpan(0, n * Hidden);
        var dropped = _dropped.AsSpan(0, n * Hidden);
        var logits = _logits.AsSpan(0, n * Classes);
        pre.Clear();
        Kernels.MatMulAddABt(inputs.Span, W1.Span, pre, n, Hidden, Inputs);
        Kernels.AddBiasRows(pre, n, Hidden, b1.Span);
        if (training)
        {
            Kernels.BatchNormForwardTraining(pre, normalized, n, Hidden, 1, bn.Gamma.Span, bn.Beta.Span, bn.RunningMean.Span, bn.RunningVariance.Span,
                bn.Momentum, bn.Epsilon, _savedMean, _savedInvStd);
        }
        else
        {
            Kernels.BatchNormForwardEvaluation(pre, normalized, n, Hidden, 1, bn.Gamma.Span, bn.Beta.Span, bn.RunningMean.Span, bn.RunningVariance.Span, bn.Epsilon);
        }

        Kernels.Relu(normalized, normalized);
        if (training)
        {
            Kernels.DropoutForward(normalized, dropped, n, Hidden, _p, stream, site: 0);
        }

        logits.Clear();
        Kernels.MatMulAddABt(training ? dropped : normalized, W2.Span, logits, n, Classes, Hidden);
        Kernels.AddBiasRows(logits, n, Classes, b2.Span);
    }
}
