using System.Runtime.InteropServices;

namespace SymbolicGrad.TrainerTests;

public static class Bits
{
    /// <summary>True when the two spans hold the same floats bit for bit.</summary>
    public static bool Identical(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        MemoryMarshal.AsBytes(a).SequenceEqual(MemoryMarshal.AsBytes(b));
}
