using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Helpers;

/// <summary>
/// Layers factored into [Differentiable] helpers, inlined into the loss: a static layer taking its weights, an instance
/// helper reading the model's own fields, and a helper calling a helper.
/// </summary>
public sealed partial class LayerHelperNet : Model, ILabelLoss<LayerHelperNet.LossWorkspace>
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;

    /// <summary>5 → 7 (ReLU) → 3.</summary>
    public LayerHelperNet(int seed = 0)
    {
        W1 = Parameters.Matrix(7, 5, Init.He(seed));
        b1 = Parameters.Vector(7, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(3, 7, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(3, Init.Normal(0.3f, seed + 3));
    }

    /// <summary>A dense ReLU layer.</summary>
    [Differentiable]
    public static Vec Dense(Mat W, Vec b, Vec x) => Relu(W * x + b);

    /// <summary>The hidden layer, on the model's own weights.</summary>
    [Differentiable]
    private Vec Hidden(Vec x) => Dense(W1, b1, x);

    /// <summary>The logits: a block body with a local.</summary>
    [Differentiable]
    private Vec Logits(Vec x)
    {
        Vec h = Hidden(x);
        return W2 * h + b2;
    }

    /// <summary>SoftmaxCrossEntropy(W2·relu(W1·x + b1) + b2, label), through the helpers.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(Logits(x), label);
}
