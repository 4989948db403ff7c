using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad;

/// <summary>
/// Element-wise loops shared by the optimizers. Vector and scalar paths do the same operations in the same
/// order (no fused multiply-add), so a parameter's update does not depend on where it sits in the buffer. The norm's
/// sum stays on 8-float vectors: 16 lanes would add in another order.
/// </summary>
internal static class OptimizerKernels
{
    /// <summary>Global L2 norm √Σg².</summary>
    public static float Norm(ReadOnlySpan<float> values)
    {
        ref float v = ref MemoryMarshal.GetReference(values);
        int n = values.Length;
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var x = Vector256.LoadUnsafe(ref v, (nuint)i);
                acc += x * x;
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            float x = Unsafe.Add(ref v, i);
            sum += x * x;
        }
        return (float)Math.Sqrt(sum);
    }

    /// <summary>destination = scale·g + l2·w + l1·sign(w).</summary>
    public static void ScaleAndPenalize(ReadOnlySpan<float> gradients, ReadOnlySpan<float> parameters,
        float scale, float l2, float l1, Span<float> destination)
    {
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float w = ref MemoryMarshal.GetReference(parameters);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int n = gradients.Length;
        int i = 0;
        if (CompilerServices.Kernels.UseVector512)
        {
            // The same arithmetic on 16 floats: the same bits as the 8-float body.
            var s = Vector512.Create(scale);
            var a2 = Vector512.Create(l2);
            var a1 = Vector512.Create(l1);
            var one = Vector512.Create(1f);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var wv = Vector512.LoadUnsafe(ref w, (nuint)i);
                var sign = (Vector512.GreaterThan(wv, Vector512<float>.Zero) & one) - (Vector512.LessThan(wv, Vector512<float>.Zero) & one);
                var r = s * Vector512.LoadUnsafe(ref g, (nuint)i) + a2 * wv + a1 * sign;
                r.StoreUnsafe(ref d, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            var a2 = Vector256.Create(l2);
            var a1 = Vector256.Create(l1);
            var one = Vector256.Create(1f);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var wv = Vector256.LoadUnsafe(ref w, (nuint)i);
                var sign = (Vector256.GreaterThan(wv, Vector256<float>.Zero) & one) - (Vector256.LessThan(wv, Vector256<float>.Zero) & one);
                var r = s * Vector256.LoadUnsafe(ref g, (nuint)i) + a2 * wv + a1 * sign;
                r.StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float wi = Unsafe.Add(ref w, i);
            Unsafe.Add(ref d, i) = scale * Unsafe.Add(ref g, i) + l2 * wi + l1 * Sign(wi);
        }
    }

    /// <summary>Sign as a float; 0 for zero and NaN (MathF.Sign throws on NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sign(float x) => x > 0f ? 1f : x < 0f ? -1f : 0f;
}
