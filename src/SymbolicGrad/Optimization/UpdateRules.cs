using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad;

/// <summary>The update rules a step can apply inside the backward pass (<see cref="FusedUpdate"/>).</summary>
internal enum UpdateKind
{
    Sgd,
    Momentum,
    Nesterov,
}

/// <summary>
/// The arithmetic of the SGD, momentum and Nesterov updates, element by element, shared by the optimizers' own loops
/// and the kernels that apply the update as they compute the gradient. Vector (256- and 512-bit) and scalar forms do
/// the same operations in the same order (no fused multiply-add), so an element's update does not depend on where it
/// sits or which code path reaches it.
/// </summary>
/// <remarks>
/// The velocity is flushed to zero when it becomes subnormal (<see cref="FlushSubnormal(float)"/>): a velocity whose
/// gradient stays zero (a hidden unit that is off) decays as βⁿ into the subnormal range and then sticks at the
/// smallest subnormal (β times it rounds back to it), and every step on it costs a microcode assist on Intel cores,
/// since .NET cannot set the FTZ/DAZ flags. With η ≤ 1 a subnormal velocity moves no weight of magnitude 2⁻¹⁰¹ or more
/// (ηG is below half its last place), so the flush changes no result in practice.
/// </remarks>
internal static class UpdateRules
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Sgd(Vector256<float> w, Vector256<float> g, Vector256<float> learningRate) => w - learningRate * g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Sgd(float w, float g, float learningRate) => w - learningRate * g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Sgd(Vector512<float> w, Vector512<float> g, Vector512<float> learningRate) => w - learningRate * g;

    /// <summary>G ← βG + g, flushed to zero of the same sign when subnormal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Velocity(Vector256<float> velocity, Vector256<float> g, Vector256<float> beta) => FlushSubnormal(beta * velocity + g);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Velocity(Vector512<float> velocity, Vector512<float> g, Vector512<float> beta) => FlushSubnormal(beta * velocity + g);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Velocity(float velocity, float g, float beta) => FlushSubnormal(beta * velocity + g);

    /// <summary>
    /// x, or zero of x's sign when x is subnormal (0 &lt; |x| &lt; 2⁻¹²⁶ ≈ 1.17549435e-38), as the FTZ flag would
    /// give; NaN and infinities pass. Integer operations only: a floating-point compare would itself read the subnormal.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float FlushSubnormal(float x)
    {
        int bits = BitConverter.SingleToInt32Bits(x);
        // All ones when the exponent field is zero (|x| below 2⁻¹²⁶), else zero: no branch.
        int tiny = ((bits & MagnitudeBits) - MinNormalBits) >> 31;
        return BitConverter.Int32BitsToSingle(bits & ~(tiny & MagnitudeBits));
    }

    /// <inheritdoc cref="FlushSubnormal(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> FlushSubnormal(Vector256<float> x)
    {
        var bits = x.AsInt32();
        var magnitude = Vector256.Create(MagnitudeBits);
        var tiny = Vector256.ShiftRightArithmetic((bits & magnitude) - Vector256.Create(MinNormalBits), 31);
        return Vector256.AndNot(bits, tiny & magnitude).AsSingle();
    }

    /// <inheritdoc cref="FlushSubnormal(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> FlushSubnormal(Vector512<float> x)
    {
        var bits = x.AsInt32();
        var magnitude = Vector512.Create(MagnitudeBits);
        var tiny = Vector512.ShiftRightArithmetic((bits & magnitude) - Vector512.Create(MinNormalBits), 31);
        return Vector512.AndNot(bits, tiny & magnitude).AsSingle();
    }

    private const int MagnitudeBits = 0x7FFF_FFFF;

    // The bits of float.MinNormal (2⁻¹²⁶): the smallest magnitude with a nonzero exponent field.
    private const int MinNormalBits = 0x0080_0000;

    /// <summary>w ← w − ηG, G already updated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Momentum(Vector256<float> w, Vector256<float> velocity, Vector256<float> learningRate) => w - learningRate * velocity;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Momentum(Vector512<float> w, Vector512<float> velocity, Vector512<float> learningRate) => w - learningRate * velocity;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Momentum(float w, float velocity, float learningRate) => w - learningRate * velocity;

    /// <summary>w ← w − η(g + βG), G already updated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Nesterov(Vector256<float> w, Vector256<float> g, Vector256<float> velocity, Vector256<float> learningRate, Vector256<float> beta) =>
        w - learningRate * (g + beta * velocity);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Nesterov(Vector512<float> w, Vector512<float> g, Vector512<float> velocity, Vector512<float> learningRate, Vector512<float> beta) =>
        w - learningRate * (g + beta * velocity);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Nesterov(float w, float g, float velocity, float learningRate, float beta) => w - learningRate * (g + beta * velocity);

    /// <summary>Applies rule <paramref name="kind"/> to n elements: w and g always, the velocity v for the momentum rules.</summary>
    internal static void Apply(UpdateKind kind, ref float w, ref float v, ref float g, int n, float learningRate, float beta)
    {
        int i = 0;
        if (CompilerServices.Kernels.UseVector512)
        {
            // The same rule on 16 floats: each element the same operations, the same bits as the 8-float body.
            var a = Vector512.Create(learningRate);
            var b = Vector512.Create(beta);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var gi = Vector512.LoadUnsafe(ref g, (nuint)i);
                var wi = Vector512.LoadUnsafe(ref w, (nuint)i);
                if (kind == UpdateKind.Sgd)
                {
                    Sgd(wi, gi, a).StoreUnsafe(ref w, (nuint)i);
                    continue;
                }

                var vi = Velocity(Vector512.LoadUnsafe(ref v, (nuint)i), gi, b);
                vi.StoreUnsafe(ref v, (nuint)i);
                (kind == UpdateKind.Momentum ? Momentum(wi, vi, a) : Nesterov(wi, gi, vi, a, b)).StoreUnsafe(ref w, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(learningRate);
            var b = Vector256.Create(beta);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var gi = Vector256.LoadUnsafe(ref g, (nuint)i);
                var wi = Vector256.LoadUnsafe(ref w, (nuint)i);
                if (kind == UpdateKind.Sgd)
                {
                    Sgd(wi, gi, a).StoreUnsafe(ref w, (nuint)i);
                    continue;
                }

                var vi = Velocity(Vector256.LoadUnsafe(ref v, (nuint)i), gi, b);
                vi.StoreUnsafe(ref v, (nuint)i);
                (kind == UpdateKind.Momentum ? Momentum(wi, vi, a) : Nesterov(wi, gi, vi, a, b)).StoreUnsafe(ref w, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float gi = Unsafe.Add(ref g, i);
            ref float wi = ref Unsafe.Add(ref w, i);
            if (kind == UpdateKind.Sgd)
            {
                wi = Sgd(wi, gi, learningRate);
                continue;
            }

            float vi = Velocity(Unsafe.Add(ref v, i), gi, beta);
            Unsafe.Add(ref v, i) = vi;
            wi = kind == UpdateKind.Momentum ? Momentum(wi, vi, learningRate) : Nesterov(wi, gi, vi, learningRate, beta);
        }
    }

    /// <summary>
    /// Applies rule <paramref name="kind"/> over whole buffers (v ignored by SGD), split across threads when they are
    /// long: elements are independent, so the split changes no result.
    /// </summary>
    internal static void Apply(UpdateKind kind, Span<float> w, Span<float> v, ReadOnlySpan<float> g, float learningRate, float beta) =>
        UpdateJob.Run(kind, w, v, g, learningRate, beta);

    /// <summary>
    /// A row whose gradient is exactly zero (an outer product skips it): the store's update with g = +0, which is what
    /// the unfused step reads from the zeroed gradient there.
    /// </summary>
    internal static void SkipRow<TStore>(ref float c, ref float state, int count, TStore store)
        where TStore : struct, ITileStore
    {
        int j = 0;
        if (CompilerServices.Kernels.UseVector512)
        {
            for (; j + 16 <= count; j += 16)
            {
                store.Store(ref Unsafe.Add(ref c, j), ref Unsafe.Add(ref state, j), Vector512<float>.Zero, Vector512<float>.Zero);
            }
        }

        for (; j + 8 <= count; j += 8)
        {
            store.Store(ref Unsafe.Add(ref c, j), ref Unsafe.Add(ref state, j), Vector256<float>.Zero, Vector256<float>.Zero);
        }

        for (; j < count; j++)
        {
            store.Store(ref Unsafe.Add(ref c, j), ref Unsafe.Add(ref state, j), 0f, 0f);
        }
    }

    /// <summary>The velocity buffer's reference, or the weights' when the rule has none (SGD never touches it).</summary>
    internal static ref float StateOrSelf(Span<float> state, Span<float> w) =>
        ref state.IsEmpty ? ref MemoryMarshal.GetReference(w) : ref MemoryMarshal.GetReference(state);
}
