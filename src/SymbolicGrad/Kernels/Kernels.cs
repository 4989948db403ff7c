using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// Allocation-free numeric kernels over spans, called by generated gradient code (and usable directly): matrix–vector
/// and matrix–matrix products, rank-1 updates and fused element-wise maps. Matrices are row-major.
/// </summary>
/// <remarks>
/// Kernels named <c>…Add</c> accumulate into their output (BLAS's β = 1), so minibatch gradients sum up; the others
/// overwrite it. Outputs must not overlap inputs unless a kernel says it may run in place. Where AVX2 and FMA are
/// available (<see cref="IsAccelerated"/>) the kernels use 256-bit FMA code, and 512-bit code where AVX-512 is native
/// (with the same bits: see <see cref="UseVector512"/>); elsewhere they fall back to
/// <see cref="System.Numerics.Tensors.TensorPrimitives"/> (which uses <see cref="System.Numerics.Vector{T}"/>-width
/// SIMD). Matrix–matrix products keep per-thread packing buffers, allocated on the first call of a thread (and
/// grown when a larger product needs more); later calls allocate nothing.
/// </remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static partial class Kernels
{
    /// <summary>True when the 256-bit FMA code paths run on this machine (AVX2 and FMA).</summary>
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated && Fma.IsSupported;

    /// <summary>
    /// True when the vector kernels outside the packed GEMM take their 16-float bodies: AVX-512 is native (or emulated
    /// for a test) and <see cref="KernelSwitches.Vector512Vectors"/> is on. Only kernels whose elements each get the
    /// same operations in the same order at either width have one (element-wise maps, column sums, <c>Aᵀ·x</c>, maxima),
    /// so the width changes no bit; <c>A·x</c>'s row dot products, which would sum in other lanes, stay 8-float.
    /// </summary>
    internal static bool UseVector512 =>
        KernelSwitches.Vector512Vectors && (Vector512.IsHardwareAccelerated || KernelSwitches.Vector512Emulated);
}
