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

    /// <summary><c>t3 = max(t1 + b1, 0)</c> in one Vector256 pass (neither t2 nor c1 stored: the backward mask reads t3 &gt; 0).</summary>
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

    /// <summary><c>c1 = t2 &gt; 0; t3 = c1 ? t2 : 0</c>, scalar, through refs (no bounds checks).</summary>
    public static void ReluUnchecked(float[] t2, bool[] c1, float[] t3, int count)
    {
        ref float rs = ref MemoryMarshal.GetArrayDataReference(t2);
        ref bool rc = ref MemoryMarshal.GetArrayDataReference(c1);
        ref float rd = ref MemoryMarshal.GetArrayDataReference(t3);
        for (nint i = 0; i < count; i++)
            Unsafe.Add(ref rc, i) = Unsafe.Add(ref rs, i) > 0f;
        for (nint i = 0; i < count; i++)
            Unsafe.Add(ref rd, i) = Unsafe.Add(ref rc, i) ? Unsafe.Add(ref rs, i) : 0f;
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

    /// <summary><c>∂L/∂t2 = c1 ? ∂L/∂t3 : 0</c>, scalar, through refs (no bounds checks).</summary>
    public static void ReluMaskUnchecked(bool[] c1, float[] dT3, float[] dT2, int count)
    {
        ref bool rc = ref MemoryMarshal.GetArrayDataReference(c1);
        ref float rg = ref MemoryMarshal.GetArrayDataReference(dT3);
        ref float rd = ref MemoryMarshal.GetArrayDataReference(dT2);
        for (nint i = 0; i < count; i++)
            Unsafe.Add(ref rd, i) = Unsafe.Add(ref rc, i) ? Unsafe.Add(ref rg, i) : 0f;
    }

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
