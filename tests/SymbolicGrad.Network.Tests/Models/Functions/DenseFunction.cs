using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Functions;

/// <summary>A static function of vectors: its gradient goes into buffers the caller passes, its workspace is per thread.</summary>
public static partial class DenseFunction
{
    /// <summary>Softmax cross-entropy of tanh(W·x + b).</summary>
    [Differentiable]
    public static float Loss(Mat W, Vec b, [NoDiff] Vec x, int label) => SoftmaxCrossEntropy(Tanh(W * x + b), label);
}
