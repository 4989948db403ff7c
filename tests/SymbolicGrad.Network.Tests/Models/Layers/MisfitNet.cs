using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Layers;

/// <summary>A convolution whose layer may not fit the 1×4×4 image it gets: for the errors' messages.</summary>
public sealed partial class MisfitNet : Model
{
    private readonly Conv2d conv;

    /// <summary>A layer of <paramref name="inChannels"/> → 2 channels with a <paramref name="kernel"/> × <paramref name="kernel"/> filter.</summary>
    public MisfitNet(int inChannels, int kernel) => conv = Parameters.Conv2d(inChannels, 2, kernel, init: Init.He(1));

    /// <summary>The sum of the convolution's outputs.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x) => Sum(Flatten(Conv2d(x.AsImage(1, 4, 4), conv)));
}
