using SymbolicGrad.CompilerServices;
namespace SymbolicGrad.TrainerTests.Models;

/// <summary>
/// Hand-written reference model: logits = X·Wᵀ + b, loss = mean softmax cross-entropy, with the exact gradient
/// (dlogits = (softmax − onehot)/n, dW = dlogitsᵀ·X, db = column sums of dlogits).
/// </summary>
public sealed class SoftmaxRegression : Model, ITrainable
{
    private readonly Mat W;
    private readonly Vec b;
    private float[] _logits = [];

    public SoftmaxRegression(int features, int classes, int seed = 0)
    {
        W = Parameters.Matrix(classes, features, Init.Xavier(seed));
        b = Parameters.Vector(classes);
    }

    public int Features => W.Cols;

    public int Classes => W.Rows;

    public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
    {
        int n = inputs.Rows;
        var logits = Forward(inputs);
        float total = Kernels.SoftmaxCrossEntropyRows(logits, n, Classes, targets.Labels, logits, 1f / n);
        if (accumulateGradient)
        {
            Kernels.MatMulAddAtB(logits, inputs.Span, Parameters.GradientOf(W).Span, Classes, Features, n);
            Kernels.ColumnSumsAdd(logits, n, Classes, Parameters.GradientOf(b).Span);
        }

        return total / n;
    }

    public int CountCorrect(Mat inputs, in BatchTargets targets) =>
        Argmax.CountCorrect(Forward(inputs), Classes, targets.Labels);

    private Span<float> Forward(Mat inputs)
    {
        int n = inputs.Rows;
        if (_logits.Length < n * Classes)
        {
            _logits = new float[n * Classes];
        }

        var logits = _logits.AsSpan(0, n * Classes);
        logits.Clear();
        Kernels.MatMulAddABt(inputs.Span, W.Span, logits, n, Classes, Features);
        Kernels.AddBiasRows(logits, n, Classes, b.Span);
        return logits;
    }
}
