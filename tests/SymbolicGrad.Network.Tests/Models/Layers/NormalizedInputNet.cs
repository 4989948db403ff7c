using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Layers;

/// <summary>Batch norm of the input itself, weighted by a target: the layer's output is easy to compute by hand.</summary>
public sealed partial class NormalizedInputNet : Model
{
    private readonly BatchNorm bn;

    /// <summary>A layer over <paramref name="features"/> features.</summary>
    public NormalizedInputNet(int features) => bn = Parameters.BatchNorm(features);

    /// <summary>The layer.</summary>
    public BatchNorm Norm => bn;

    /// <summary>Σ target ⊙ bn(x).</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, [NoDiff] Vec target) => Dot(target, BatchNorm(x, bn));
}
