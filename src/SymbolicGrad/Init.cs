namespace SymbolicGrad;

/// <summary>The initializers for <see cref="ParameterStore.Matrix"/> and <see cref="ParameterStore.Vector"/>; seeded ones are deterministic.</summary>
public static class Init
{
    /// <summary>All zeros (the default for vectors, e.g. biases).</summary>
    public static Initializer Zeros { get; } = new ZerosInitializer();

    /// <summary>He (Kaiming) normal: N(0, 2 / fanIn), for layers followed by ReLU.</summary>
    /// <param name="seed">Seed of the random stream; the same seed gives the same values.</param>
    public static Initializer He(long seed) => new HeInitializer(seed);

    /// <summary>Xavier (Glorot) uniform: U(−a, a) with a = √(6 / (fanIn + fanOut)), for tanh or sigmoid layers.</summary>
    /// <param name="seed">Seed of the random stream; the same seed gives the same values.</param>
    public static Initializer Xavier(long seed) => new XavierInitializer(seed);

    /// <summary>Normal N(0, std²), whatever the shape.</summary>
    /// <param name="std">Standard deviation, not negative.</param>
    /// <param name="seed">Seed of the random stream; the same seed gives the same values.</param>
    public static Initializer Normal(float std, long seed)
    {
        if (!(std >= 0f) || float.IsInfinity(std))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "Init.Normal: std must be finite and not negative.");
        }

        return new NormalInitializer(std, seed);
    }
}
