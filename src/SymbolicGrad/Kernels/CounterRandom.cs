using System.Runtime.CompilerServices;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// A counter-based random stream: every random word is a hash of its coordinates (seed, step, dropout call, sample,
/// element), not the next state of a sequence, so any thread can draw any part of a batch and get the same bits.
/// </summary>
/// <remarks>
/// The hash is SplitMix64's output function (a bijection of 64-bit words with good avalanche): a key for the
/// coordinates fixed so far, then one 64-bit word per pair of elements, <c>Mix(key + (pair + 1)·γ)</c> — exactly the
/// SplitMix64 sequence started at the key, whose statistical quality is well studied.
/// </remarks>
internal static class CounterRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The key of one forward pass's stream.</summary>
    internal static ulong Stream(long seed, long step) =>
        Mix(Mix((ulong)seed ^ 0x5851F42D4C957F2DUL) + (ulong)step * Golden);

    /// <summary>The key of one sample's masks at one dropout call of a pass.</summary>
    internal static ulong SampleKey(ulong stream, int site, int sample) =>
        Mix(Mix(stream + (ulong)(uint)site * Golden) + (ulong)(uint)sample * Golden);

    /// <summary>64 random bits for elements 2·pair and 2·pair + 1 (low and high halves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Pair(ulong sampleKey, int pair) => Mix(sampleKey + (ulong)(uint)(pair + 1) * Golden);

    /// <summary>
    /// The 32-bit threshold below which a word means "drop": ⌊p·2³²⌋, so an element is kept with probability
    /// 1 − p (exactly, for the float p given, up to 2⁻³²).
    /// </summary>
    internal static uint Threshold(float p) => (uint)Math.Min(Math.Floor(p * 4294967296.0), uint.MaxValue);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
