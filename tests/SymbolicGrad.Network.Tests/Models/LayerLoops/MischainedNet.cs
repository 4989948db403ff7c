using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.LayerLoops;

/// <summary>A loop over layers whose second layer expects 6 inputs where the first gives 7 (or with too few biases).</summary>
public sealed partial class MischainedNet : Model
{
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>W[0] is 7 × 5, W[1] is 3 × 6; <paramref name="biases"/> biases.</summary>
    public MischainedNet(int biases = 2)
    {
        W = [Parameters.Matrix(7, 5, Init.He(1)), Parameters.Matrix(3, 6, Init.He(2))];
        b = new Vec[biases];
        for (int l = 0; l < biases; l++)
        {
            b[l] = Parameters.Vector(W[l].Rows);
        }
    }

    /// <summary>Two ReLU layers and softmax cross-entropy.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = x;
        for (int l = 0; l < W.Length; l++)
        {
            h = Relu(W[l] * h + b[l]);
        }
        return SoftmaxCrossEntropy(h, label);
    }
}
