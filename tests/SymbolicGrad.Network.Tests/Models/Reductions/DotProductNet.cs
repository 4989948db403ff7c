using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Reductions;

/// <summary>Dot of two vectors that both depend on parameters, and of a parameter with the input.</summary>
public sealed partial class DotProductNet : Model, IInputLoss<DotProductNet.LossWorkspace>
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2, c;

    /// <summary>Two 5 → 7 layers and a weight vector c over the input.</summary>
    public DotProductNet(int seed = 0)
    {
        W1 = Parameters.Matrix(7, 5, Init.He(seed));
        b1 = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
        W2 = Parameters.Matrix(7, 5, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(7, Init.Normal(0.5f, seed + 3));
        c = Parameters.Vector(5, Init.Normal(0.5f, seed + 4));
    }

    /// <summary>tanh(W1·x + b1) · (W2·x + b2), times c · x.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x) => Dot(Tanh(W1 * x + b1), W2 * x + b2) * Dot(c, x);
}
