namespace SymbolicGrad;

/// <summary>
/// A small deterministic random generator (SplitMix64), so initial weights depend only on the seed and never on the
/// .NET version (System.Random's seeded sequence is not guaranteed across versions).
/// </summary>
internal sealed class SplitMix64(long seed)
{
    private ulong _state = (ulong)seed;
    private double _spareNormal = double.NaN;

    /// <summary>Next 64 random bits.</summary>
    internal ulong NextBits()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1), 53 random bits.</summary>
    internal double NextDouble() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal N(0, 1) by the Box–Muller transform (pairs; the second value is kept for the next call).</summary>
    internal double NextNormal()
    {
        if (!double.IsNaN(_spareNormal))
        {
            double spare = _spareNormal;
            _spareNormal = double.NaN;
            return spare;
        }

        double u1 = 1.0 - NextDouble(); // in (0, 1]: log(u1) is finite
        double u2 = NextDouble();
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = radius * Math.Sin(2.0 * Math.PI * u2);
        return radius * Math.Cos(2.0 * Math.PI * u2);
    }
}
