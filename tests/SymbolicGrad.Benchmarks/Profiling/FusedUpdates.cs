using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// Candidate fusions of the optimizer into the step, timed by <c>--profile</c> at batch 1, where the update of
/// the 100,480 weights of W1 costs more than the gradient: not in the runtime (yet).
/// </summary>
internal static class FusedUpdates
{
    /// <summary>
    /// Momentum SGD (<c>v = βv + g; w −= αv</c>, as <c>Momentum.Step</c>) that also zeroes g as it goes, so the next
    /// step needs no separate <c>ZeroGradients</c> pass over the gradient buffer.
    /// </summary>
    public static void MomentumStepAndZero(Span<float> parameters, Span<float> gradients, float[] velocity, float learningRate, float beta)
    {
        ref float w = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float v = ref MemoryMarshal.GetArrayDataReference(velocity);
        var a = Vector256.Create(learningRate);
        var b = Vector256.Create(beta);
        int n = parameters.Length;
        nint i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var vi = b * Vector256.LoadUnsafe(ref v, (nuint)i) + Vector256.LoadUnsafe(ref g, (nuint)i);
            vi.StoreUnsafe(ref v, (nuint)i);
            Vector256<float>.Zero.StoreUnsafe(ref g, (nuint)i);
            (Vector256.LoadUnsafe(ref w, (nuint)i) - a * vi).StoreUnsafe(ref w, (nuint)i);
        }

        for (; i < n; i++)
        {
            float vi = beta * Unsafe.Add(ref v, i) + Unsafe.Add(ref g, i);
            Unsafe.Add(ref v, i) = vi;
            Unsafe.Add(ref g, i) = 0f;
            Unsafe.Add(ref w, i) -= learningRate * vi;
        }
    }

    /// <summary>
    /// The batch-1 weight gradient δ·xᵀ applied straight into a momentum update (<c>v = βv + δᵢxⱼ; w −= αv</c>)
    /// without writing, reading or zeroing a gradient buffer: the optimizer fused into the backward pass.
    /// </summary>
    public static void OuterProductMomentumStep(float[] w, float[] v, int rows, int cols, ReadOnlySpan<float> delta, ReadOnlySpan<float> x, float learningRate, float beta)
    {
        ref float rw = ref MemoryMarshal.GetArrayDataReference(w);
        ref float rv = ref MemoryMarshal.GetArrayDataReference(v);
        ref float rx = ref MemoryMarshal.GetReference(x);
        var a = Vector256.Create(learningRate);
        var b = Vector256.Create(beta);
        for (int r = 0; r < rows; r++)
        {
            nint row = (nint)r * cols;
            float d = delta[r];
            var dv = Vector256.Create(d);
            nint j = 0;
            for (; j + 8 <= cols; j += 8)
            {
                var vi = b * Vector256.LoadUnsafe(ref rv, (nuint)(row + j)) + dv * Vector256.LoadUnsafe(ref rx, (nuint)j);
                vi.StoreUnsafe(ref rv, (nuint)(row + j));
                (Vector256.LoadUnsafe(ref rw, (nuint)(row + j)) - a * vi).StoreUnsafe(ref rw, (nuint)(row + j));
            }

            for (; j < cols; j++)
            {
                float vi = beta * Unsafe.Add(ref rv, row + j) + d * Unsafe.Add(ref rx, j);
                Unsafe.Add(ref rv, row + j) = vi;
                Unsafe.Add(ref rw, row + j) -= learningRate * vi;
            }
        }
    }
}
