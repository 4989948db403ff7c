using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SymbolicGrad.CompilerServices;

/// <summary>Small 256-bit building blocks of the kernels; callers check <see cref="Kernels.IsAccelerated"/> first.</summary>
internal static class Simd
{
    /// <summary>The four horizontal sums of four vectors, as one 128-bit vector [Σv0, Σv1, Σv2, Σv3].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Sum4(Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3)
    {
        var h = Avx.HorizontalAdd(Avx.HorizontalAdd(v0, v1), Avx.HorizontalAdd(v2, v3));
        return h.GetLower() + h.GetUpper();
    }

    /// <summary>Σ x[i]·y[i] over n elements, two accumulators.</summary>
    internal static float Dot(ref float x, ref float y, int n)
    {
        var s0 = Vector256<float>.Zero;
        var s1 = Vector256<float>.Zero;
        nint k = 0;
        for (; k + 16 <= n; k += 16)
        {
            s0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)k), Vector256.LoadUnsafe(ref y, (nuint)k), s0);
            s1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)(k + 8)), Vector256.LoadUnsafe(ref y, (nuint)(k + 8)), s1);
        }

        if (k + 8 <= n)
        {
            s0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)k), Vector256.LoadUnsafe(ref y, (nuint)k), s0);
            k += 8;
        }

        float sum = Vector256.Sum(s0 + s1);
        for (; k < n; k++)
        {
            sum += Unsafe.Add(ref x, k) * Unsafe.Add(ref y, k);
        }

        return sum;
    }

    /// <summary>y[i] += alpha·x[i] over n elements.</summary>
    internal static void Axpy(float alpha, ref float x, ref float y, int n)
    {
        var va = Vector256.Create(alpha);
        nint k = 0;
        for (; k + 16 <= n; k += 16)
        {
            Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)k), va, Vector256.LoadUnsafe(ref y, (nuint)k)).StoreUnsafe(ref y, (nuint)k);
            Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)(k + 8)), va, Vector256.LoadUnsafe(ref y, (nuint)(k + 8))).StoreUnsafe(ref y, (nuint)(k + 8));
        }

        if (k + 8 <= n)
        {
            Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)k), va, Vector256.LoadUnsafe(ref y, (nuint)k)).StoreUnsafe(ref y, (nuint)k);
            k += 8;
        }

        for (; k < n; k++)
        {
            Unsafe.Add(ref y, k) += alpha * Unsafe.Add(ref x, k);
        }
    }
}
