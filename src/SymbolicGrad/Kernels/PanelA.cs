using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// How <see cref="PackedGemm"/>'s micro-kernel reads the six rows of op(A) of a tile, one step of k at a time: from a
/// packed panel, or from A's rows where they lie. Either way each row's values come in order of k, so the sums are the
/// same bits.
/// </summary>
internal interface IPanelA
{
    /// <summary>Where row <paramref name="row"/> (of a block of op(A) at its first k) starts.</summary>
    ref float Rows(ref float block, int row);

    /// <summary>Where row 3 of the tile starting at <paramref name="at"/> is, for <see cref="Broadcast"/>.</summary>
    ref float Half(ref float at);

    /// <summary>Row <paramref name="i"/>'s value (0 ≤ i &lt; 6) at the current step, in every lane.</summary>
    Vector256<float> Broadcast(ref float at, ref float half, int i);

    /// <summary>The same place one step of k further.</summary>
    ref float Next(ref float at);
}

/// <summary>A packed panel: the six values of each step of k side by side, steps one after the other.</summary>
internal readonly struct PackedPanel(int kc) : IPanelA
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref float Rows(ref float block, int row) => ref Unsafe.Add(ref block, row * kc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref float Half(ref float at) => ref at;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Broadcast(ref float at, ref float half, int i) => Vector256.Create(Unsafe.Add(ref at, i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref float Next(ref float at) => ref Unsafe.Add(ref at, PackedGemm.MR);
}

/// <summary>
/// Rows of A in place, <paramref name="ld"/> floats apart, each contiguous along k. Rows 0–2 are read from the tile's
/// start and rows 3–5 from <see cref="Half"/>, so every address is a base plus the row stride times 1 or 2 (an x86
/// scaled index), with no per-step arithmetic beyond moving the two bases.
/// </summary>
internal readonly struct RowsPanel(nint ld) : IPanelA
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref float Rows(ref float block, int row) => ref Unsafe.Add(ref block, row * ld);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref float Half(ref float at) => ref Unsafe.Add(ref at, 3 * ld);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Broadcast(ref float at, ref float half, int i) =>
        i < 3 ? Vector256.Create(Unsafe.Add(ref at, i * ld)) : Vector256.Create(Unsafe.Add(ref half, (i - 3) * ld));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref float Next(ref float at) => ref Unsafe.Add(ref at, 1);
}
