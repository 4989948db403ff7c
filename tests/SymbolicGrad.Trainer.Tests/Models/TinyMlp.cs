using SymbolicGrad.CompilerServices;
namespace SymbolicGrad.TrainerTests.Models;

/// <summary>
/// Hand-written reference MLP, the shape of DESIGN.md's DigitNet: logits = relu(X·W1ᵀ + b1)·W2ᵀ + b2, mean softmax
/// cross-entropy, exact batched backward pass. <c>forgetReluMask</c> plants the classic bug (back-propagating through
/// the ReLU as if it were the identity) for the gradient-check test.
/// </summary>
public sealed class TinyMlp : Model, ITrainable
{
    private readonly Mat W1;
    private readonly Vec b1;
    private readonly Mat W2;
    private readonly Vec b2;
    private readonly bool _forgetReluMask;
    private float[] _hidden = [];
    private float[] _logits = [];
    private float[] _dHidden = [];

    public TinyMlp(int inputs, int hidden, int classes, int seed = 0, bool forgetReluMask = false)
    {
        W1 = Parameters.Matrix(hidden, inputs, Init.He(seed));
        b1 = Parameters.Vector(hidden, Init.Normal(0.1f, seed + 7));
        W2 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 1));
        b2 = Parameters.Vector(classes);
        _forgetReluMask = forgetReluMask;
    }

    public int Inputs => W1.Cols;

    public int Hidden => W1.Rows;

    public int Classes => W2.Rows;

    public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
    {
        int n = inputs.Rows;
        Forward(inputs);
        var hidden = _hidden.AsSpan(0, n * Hidden);
        var logits = _logits.AsSpan(0, n * Classes);
        float total = Kernels.SoftmaxCrossEntropyRows(logits, n, Classes, targets.Labels, logits, 1f / n);
        if (accumulateGradient)
        {
            Kernels.MatMulAddAtB(logits, hidden, Parameters.GradientOf(W2).Span, Classes, Hidden, n);
            Kernels.ColumnSumsAdd(logits, n, Classes, Parameters.GradientOf(b2).Span);
            var dHidden = _dHidden.AsSpan(0, n * Hidden);
            dHidden.Clear();
            Kernels.MatMulAdd(logits, W2.Span, dHidden, n, Hidden, Classes);
            if (!_forgetReluMask)
            {
                Kernels.ReluBackward(hidden, dHidden, dHidden);
            }

            Kernels.MatMulAddAtB(dHidden, inputs.Span, Parameters.GradientOf(W1).Span, Hidden, Inputs, n);
            Kernels.ColumnSumsAdd(dHidden, n, Hidden, Parameters.GradientOf(b1).Span);
        }

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
        if (_hidden.Length < n * Hidden)
        {
            _hidden = new float[n * Hidden];
            _dHidden = new float[n * Hidden];
            _logits = new float[n * Classes];
        }

        var hidden = _hidden.AsSpan(0, n * Hidden);
        var logits = _logits.AsSpan(0, n * Classes);
        hidden.Clear();
        Kernels.MatMulAddABt(inputs.Span, W1.Span, hidden, n, Hidden, Inputs);
        Kernels.AddBiasReluRows(hidden, n, Hidden, b1.Span);
        logits.Clear();
        Kernels.MatMulAddABt(hidden, W2.Span, logits, n, Classes, Hidden);
        Kernels.AddBiasRows(logits, n, Classes, b2.Span);
    }
}
