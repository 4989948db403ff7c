using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// Candidate replacements for the emitted element-wise loops, timed against <see cref="EmittedLoops"/>: the same
/// scalar loops without bounds checks, Vector256 versions, and fusions (bias + ReLU in one pass, the bias written into
/// the GEMM's output before the product instead of added after it).
/// </summary>
internal static class SuggestedLoops
{
    /// <summary><c>t2 = t1 + b1</c>, scalar, through refs (no bounds checks).</summary>
    public static void BiasAddUnchecked(float[] t1, ReadOnlySpan<float> b1Values, float[] t2, int batch, int w1Rows)
    {
        ref float rt1 = ref MemoryMarshal.GetArrayDataReference(t1);
        ref float rt2 = ref MemoryMarshal.GetArrayDataReference(t2);
        ref float rb = ref MemoryMarshal.GetReference(b1Values);
        for (int r = 0; r < batch; r++)
        {
            nint row = (nint)r * w1Rows;
            for (nint i = 0; i < w1Rows; i++)
                Unsafe.Add(ref rt2, row + i) = Unsafe.Add(ref rt1, row + i) + Unsafe.Add(ref rb, i);
        }
    }

    /// <summary><c>t3 = max(t1 + b1, 0)</c> in one Vector256 pass (t2 not stored: the backward mask reads t3 &gt; 0).</summary>
    public static void BiasReluFused(float[] t1, ReadOnlySpan<float> b1Values, float[] t3, int batch, int w1Rows)
    {
        ref float rt1 = ref MemoryMarshal.GetArrayDataReference(t1);
        ref float rt3 = ref MemoryMarshal.GetArrayDataReference(t3);
        ref float rb = ref MemoryMarshal.GetReference(b1Values);
        for (int r = 0; r < batch; r++)
        {
            nint row = (nint)r * w1Rows;
            nint i = 0;
            for (; i + 8 <= w1Rows; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref rt1, (nuint)(row + i)) + Vector256.LoadUnsafe(ref rb, (nuint)i);
                Vector256.Max(v, Vector256<float>.Zero).StoreUnsafe(ref rt3, (nuint)(row + i));
            }

            for (; i < w1Rows; i++)
                Unsafe.Add(ref rt3, row + i) = MathF.Max(Unsafe.Add(ref rt1, row + i) + Unsafe.Add(ref rb, i), 0f);
        }
    }

    /// <summary>The bias copied into every row of the GEMM's output (replacing its Clear); the product then adds onto it.</summary>
    public static void BiasPrefill(float[] t, ReadOnlySpan<float> bias, int batch, int cols)
    {
        for (int r = 0; r < batch; r++)
        {
            bias.CopyTo(t.AsSpan(r * cols, cols));
        }
    }

    /// <summary><c>∂L/∂t2 = t3 &gt; 0 ? ∂L/∂t3 : 0</c> with Vector256 (mask from the ReLU output).</summary>
    public static void ReluMaskVector(float[] t3, float[] dT3, float[] dT2, int count)
    {
        ref float ra = ref MemoryMarshal.GetArrayDataReference(t3);
        ref float rg = ref MemoryMarshal.GetArrayDataReference(dT3);
        ref float rd = ref MemoryMarshal.GetArrayDataReference(dT2);
        nint i = 0;
        for (; i + 8 <= count; i += 8)
        {
            var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256<float>.Zero);
            (Vector256.LoadUnsafe(ref rg, (nuint)i) & mask).StoreUnsafe(ref rd, (nuint)i);
        }

        for (; i < count; i++)
            Unsafe.Add(ref rd, i) = Unsafe.Add(ref ra, i) > 0f ? Unsafe.Add(ref rg, i) : 0f;
    }

    /// <summary><c>t3 = max(t2, 0)</c>, scalar, through refs (no bounds checks).</summary>
    public static void ReluUnchecked(float[] t2, float[] t3, int count)
    {
        ref float rs = ref MemoryMarshal.GetArrayDataReference(t2);
        ref float rd = ref MemoryMarshal.GetArrayDataReference(t3);
        for (nint i = 0; i < count; i++)
            Unsafe.Add(ref rd, i) = MathF.Max(Unsafe.Add(ref rs, i), 0f);
    }

    /// <summary><c>t3 = max(t2, 0)</c> with Vector256.</summary>
    public static void ReluVector(float[] t2, float[] t3, int count)
    {
        ref float rs = ref MemoryMarshal.GetArrayDataReference(t2);
        ref float rd = ref MemoryMarshal.GetArrayDataReference(t3);
        nint i = 0;
        for (; i + 8 <= count; i += 8)
            Vector256.Max(Vector256.LoadUnsafe(ref rs, (nuint)i), Vector256<float>.Zero).StoreUnsafe(ref rd, (nuint)i);
        for (; i < count; i++)
            Unsafe.Add(ref rd, i) = MathF.Max(Unsafe.Add(ref rs, i), 0f);
    }

    /// <summary><c>∂L/∂t2 = t2 ≥ 0 ? ∂L/∂t3 : 0</c>, scalar, through refs (no bounds checks).</summary>
    public static void ReluMaskUnchecked(float[] t2, float[] dT3, float[] dT2, int count)
    {
        ref float ra = ref MemoryMarshal.GetArrayDataReference(t2);
        ref float rg = ref MemoryMarshal.GetArrayDataReference(dT3);
        ref float rd = ref MemoryMarshal.GetArrayDataReference(dT2);
        for (nint i = 0; i < count; i++)
            Unsafe.Add(ref rd, i) = Unsafe.Add(ref ra, i) >= 0f ? Unsafe.Add(ref rg, i) : 0f;
    }
}
