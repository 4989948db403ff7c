using SymbolicGrad.Network.Tests.Contracts;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Probabilities;

/// <summary>LogSoftmax: cross-entropy with a soft target distribution, written out.</summary>
public sealed partial class LogSoftmaxNet : Model, ITargetLoss<LogSoftmaxNet.LossWorkspace>
{
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>A 5 → 7 layer of logits.</summary>
    public LogSoftmaxNet(int seed = 0)
    {
        W = Parameters.Matrix(7, 5, Init.He(seed));
        b = Parameters.Vector(7, Init.Normal(0.5f, seed + 1));
    }

    /// <summary>−Dot(logsoftmax(W·x + b), target) for a probability vector target.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target) => -Dot(LogSoftmax(W * x + b), target);
}
