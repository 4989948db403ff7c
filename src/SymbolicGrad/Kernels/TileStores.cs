using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// What a matrix kernel does with each value s it computes for element (i, j) of its output: <see cref="AddStore"/>
/// adds α·s into C, <see cref="SetStore"/> writes it over C; the update stores take g = α·s as the gradient of the
/// parameter in C and apply an optimizer step to it and its velocity (at the same position of another buffer), so the
/// gradient is never written to memory.
/// </summary>
/// <remarks>
/// A gradient kernel adds into a zeroed buffer, so the gradient the unfused path would read is <c>fma(s, α, 0)</c>;
/// the update stores compute exactly that and then the optimizer's own arithmetic (<see cref="UpdateRules"/>), which
/// makes a fused step bit-identical to the unfused one. The generic kernels are compiled once per store type, so the
/// store costs nothing in the plain kernels.
/// </remarks>
internal interface ITileStore
{
    /// <summary>Eight consecutive elements: c[0..8] and state[0..8] from the sums s[0..8].</summary>
    void Store(ref float c, ref float state, Vector256<float> sums, Vector256<float> alpha);

    /// <summary>Sixteen consecutive elements, as two calls of the eight-element form would store them.</summary>
    void Store(ref float c, ref float state, Vector512<float> sums, Vector512<float> alpha);

    /// <summary>One element.</summary>
    void Store(ref float c, ref float state, float sum, float alpha);

    /// <summary><paramref name="count"/> consecutive elements whose gradient is exactly zero (a skipped row).</summary>
    void Skip(ref float c, ref float state, int count);
}

/// <summary>C += α·s (BLAS's β = 1); the state buffer is not touched.</summary>
internal readonly struct AddStore : ITileStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, Vector256<float> sums, Vector256<float> alpha) =>
        Fma.MultiplyAdd(sums, alpha, Vector256.LoadUnsafe(ref c)).StoreUnsafe(ref c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, Vector512<float> sums, Vector512<float> alpha) =>
        Vector512.FusedMultiplyAdd(sums, alpha, Vector512.LoadUnsafe(ref c)).StoreUnsafe(ref c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, float sum, float alpha) => c = MathF.FusedMultiplyAdd(sum, alpha, c);

    public void Skip(ref float c, ref float state, int count)
    {
    }
}

/// <summary>
/// C = α·s (BLAS's β = 0): the first block of k of an overwriting product; C's old contents are never read. Computed as
/// <c>fma(s, α, +0)</c>, which is what <see cref="AddStore"/> gives on a zeroed C, so an overwriting product equals
/// clearing C and adding, bit for bit (a −0 product becomes +0 in both).
/// </summary>
internal readonly struct SetStore : ITileStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, Vector256<float> sums, Vector256<float> alpha) =>
        Fma.MultiplyAdd(sums, alpha, Vector256<float>.Zero).StoreUnsafe(ref c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, Vector512<float> sums, Vector512<float> alpha) =>
        Vector512.FusedMultiplyAdd(sums, alpha, Vector512<float>.Zero).StoreUnsafe(ref c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, float sum, float alpha) => c = MathF.FusedMultiplyAdd(sum, alpha, 0f);

    public void Skip(ref float c, ref float state, int count) => MemoryMarshal.CreateSpan(ref c, count).Clear();
}

/// <summary>Which stores write a plain product (no parameter update): the JIT folds the test for each store type.</summary>
internal static class TileStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsPlain<TStore>()
        where TStore : struct, ITileStore =>
        typeof(TStore) == typeof(AddStore) || typeof(TStore) == typeof(SetStore);
}

/// <summary>Plain SGD on the parameter in C: w ← w − η·g.</summary>
internal readonly struct SgdStore(float learningRate) : ITileStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, Vector256<float> sums, Vector256<float> alpha) =>
        UpdateRules.Sgd(Vector256.LoadUnsafe(ref c), Fma.MultiplyAdd(sums, alpha, Vector256<float>.Zero), Vector256.Create(learningRate)).StoreUnsafe(ref c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, Vector512<float> sums, Vector512<float> alpha) =>
        UpdateRules.Sgd(Vector512.LoadUnsafe(ref c), Vector512.FusedMultiplyAdd(sums, alpha, Vector512<float>.Zero), Vector512.Create(learningRate)).StoreUnsafe(ref c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, float sum, float alpha) =>
        c = UpdateRules.Sgd(c, MathF.FusedMultiplyAdd(sum, alpha, 0f), learningRate);

    public void Skip(ref float c, ref float state, int count) => UpdateRules.SkipRow(ref c, ref state, count, this);
}

/// <summary>Heavy-ball momentum on the parameter in C with its velocity in the state buffer: G ← βG + g; w ← w − ηG.</summary>
internal readonly struct MomentumStore(float learningRate, float beta) : ITileStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, Vector256<float> sums, Vector256<float> alpha)
    {
        var g = Fma.MultiplyAdd(sums, alpha, Vector256<float>.Zero);
        var velocity = UpdateRules.Velocity(Vector256.LoadUnsafe(ref state), g, Vector256.Create(beta));
        velocity.StoreUnsafe(ref state);
        UpdateRules.Momentum(Vector256.LoadUnsafe(ref c), velocity, Vector256.Create(learningRate)).StoreUnsafe(ref c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, Vector512<float> sums, Vector512<float> alpha)
    {
        var g = Vector512.FusedMultiplyAdd(sums, alpha, Vector512<float>.Zero);
        var velocity = UpdateRules.Velocity(Vector512.LoadUnsafe(ref state), g, Vector512.Create(beta));
        velocity.StoreUnsafe(ref state);
        UpdateRules.Momentum(Vector512.LoadUnsafe(ref c), velocity, Vector512.Create(learningRate)).StoreUnsafe(ref c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, float sum, float alpha)
    {
        float velocity = UpdateRules.Velocity(state, MathF.FusedMultiplyAdd(sum, alpha, 0f), beta);
        state = velocity;
        c = UpdateRules.Momentum(c, velocity, learningRate);
    }

    public void Skip(ref float c, ref float state, int count) => UpdateRules.SkipRow(ref c, ref state, count, this);
}

/// <summary>Nesterov momentum on the parameter in C with its velocity in the state buffer: G ← βG + g; w ← w − η(g + βG).</summary>
internal readonly struct NesterovStore(float learningRate, float beta) : ITileStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, Vector256<float> sums, Vector256<float> alpha)
    {
        var g = Fma.MultiplyAdd(sums, alpha, Vector256<float>.Zero);
        var b = Vector256.Create(beta);
        var velocity = UpdateRules.Velocity(Vector256.LoadUnsafe(ref state), g, b);
        velocity.StoreUnsafe(ref state);
        UpdateRules.Nesterov(Vector256.LoadUnsafe(ref c), g, velocity, Vector256.Create(learningRate), b).StoreUnsafe(ref c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, Vector512<float> sums, Vector512<float> alpha)
    {
        var g = Vector512.FusedMultiplyAdd(sums, alpha, Vector512<float>.Zero);
        var b = Vector512.Create(beta);
        var velocity = UpdateRules.Velocity(Vector512.LoadUnsafe(ref state), g, b);
        velocity.StoreUnsafe(ref state);
        UpdateRules.Nesterov(Vector512.LoadUnsafe(ref c), g, velocity, Vector512.Create(learningRate), b).StoreUnsafe(ref c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float c, ref float state, float sum, float alpha)
    {
        float g = MathF.FusedMultiplyAdd(sum, alpha, 0f);
        float velocity = UpdateRules.Velocity(state, g, beta);
        state = velocity;
        c = UpdateRules.Nesterov(c, g, velocity, learningRate, beta);
    }

    public void Skip(ref float c, ref float state, int count) => UpdateRules.SkipRow(ref c, ref state, count, this);
}
