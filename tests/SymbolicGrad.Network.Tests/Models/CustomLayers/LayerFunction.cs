namespace SymbolicGrad.Network.Tests.Models.CustomLayers;

/// <summary>A function of Vec and Mat calling custom layers: its gradient buffers receive the rules' derivatives.</summary>
public static partial class LayerFunction
{
    [Differentiable]
    public static float Energy(Mat W, Vec b, Vec x) => Ops.Sum(Ops.Square(Swish.Of(Dense.Apply(W, b, x))));
}
