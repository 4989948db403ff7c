using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// <see cref="UpdateRules"/>' vector forms on 16 floats, for the 512-bit tile stores: the same operations in the same
/// order (no fused multiply-add), so an element's update has the same bits on either path.
/// </summary>
internal static class UpdateRules512
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Sgd(Vector512<float> w, Vector512<float> g, Vector512<float> learningRate) => w - learningRate * g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Velocity(Vector512<float> velocity, Vector512<float> g, Vector512<float> beta) => beta * velocity + g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Momentum(Vector512<float> w, Vector512<float> velocity, Vector512<float> learningRate) => w - learningRate * velocity;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Nesterov(Vector512<float> w, Vector512<float> g, Vector512<float> velocity, Vector512<float> learningRate, Vector512<float> beta) =>
        w - learningRate * (g + beta * velocity);
}
