using SymbolicGrad.CompilerServices;
namespace SymbolicGrad.TrainerTests.Models;

/// <summary>
/// Hand-written regression model: predictions P = X·Wᵀ + b, loss = mean over rows of the mean squared error of the
/// row, gradient dP = 2(P − Y)/(n·T). Not a classifier (<see cref="CountCorrect"/> returns -1).
/// </summary>
public sealed class LinearRegression : Model, ITrainable
{
    private readonly Mat W;
    private readonly Vec b;
    private float[] _predictions = [];

    public LinearRegression(int features, int targets, int seed = 0)
    {
        W = Parameters.Matrix(targets, features, Init.Xavier(seed));
        b = Parameters.Vector(targets);
    }

    public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
    {
        int n = inputs.Rows;
        int t = W.Rows;
        if (_predictions.Length < n * t)
        {
            _predictions = new float[n * t];
        }

        var p = _predictions.AsSpan(0, n * t);
        p.Clear();
        Kernels.MatMulAddABt(inputs.Span, W.Span, p, n, t, W.Cols);
        Kernels.AddBiasRows(p, n, t, b.Span);
        var y = targets.Values.Span;
        double sum = 0;
        float scale = 2f / (n * t);
        for (int i = 0; i < p.Length; i++)
        {
            float d = p[i] - y[i];
            sum += (double)d * d;
            p[i] = scale * d;
        }

        if (accumulateGradient)
        {
            Kernels.MatMulAddAtB(p, inputs.Span, Parameters.GradientOf(W).Span, t, W.Cols, n);
            Kernels.ColumnSumsAdd(p, n, t, Parameters.GradientOf(b).Span);
        }

        return (float)(sum / (n * t));
    }

    public int CountCorrect(Mat inputs, in BatchTargets targets) => -1;
}
