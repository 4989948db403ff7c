using static SymbolicGrad.Ops;

namespace SymbolicGrad.OnnxExport.Tests.Models;

/// <summary>A loop over the layers of W whose arrays a user may leave uneven: <paramref name="biases"/> biases for <paramref name="layers"/> layers.</summary>
public sealed partial class UnevenLayersNet : Model
{
    private readonly Mat[] W;
    private readonly Vec[] b;

    public UnevenLayersNet(int layers, int biases)
    {
        W = Enumerable.Range(0, layers).Select(l => Parameters.Matrix(3, 3, Init.Xavier(l))).ToArray();
        b = Enumerable.Range(0, biases).Select(_ => Parameters.Vector(3)).ToArray();
    }

    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = x;
        for (int l = 0; l < W.Length; l++) h = Tanh(W[l] * h + b[l]);
        return SoftmaxCrossEntropy(h, label);
    }
}
