using static SymbolicGrad.Ops;

namespace SymbolicGrad.OnnxExport.Tests.Models;

/// <summary>A prediction that reads a float parameter: only Vec parameters become graph inputs (SG0080, then NotSupportedException).</summary>
public sealed partial class TemperatureNet : Model
{
    private readonly Mat W;
    private readonly Vec b;

    public TemperatureNet()
    {
        W = Parameters.Matrix(3, 4, Init.Xavier(1));
        b = Parameters.Vector(3);
    }

#pragma warning disable SG0080 // the point of the model
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label, [NoDiff] float temperature) => SoftmaxCrossEntropy((W * x + b) * temperature, label);
#pragma warning restore SG0080
}

/// <summary>A loss of two predictions, none marked: nothing to export.</summary>
public sealed partial class TwoHeadNet : Model
{
    private readonly Mat W, V;

    public TwoHeadNet()
    {
        W = Parameters.Matrix(3, 4, Init.Xavier(1));
        V = Parameters.Matrix(2, 4, Init.Xavier(2));
    }

    [Differentiable]
    public float Loss([NoDiff] Vec x, int label, [NoDiff] Vec target) => SoftmaxCrossEntropy(W * x, label) + Mse(V * x, target);
}
