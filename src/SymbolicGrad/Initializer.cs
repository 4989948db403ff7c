namespace SymbolicGrad;

/// <summary>
/// Fills a new parameter with its initial values; get one from <see cref="Init"/>. A seeded initializer is a random
/// stream: reusing one instance for several parameters gives each different values, deterministically in
/// allocation order.
/// </summary>
public abstract class Initializer
{
    /// <summary>Writes initial values into <paramref name="values"/>.</summary>
    /// <param name="values">The parameter's elements.</param>
    /// <param name="fanIn">Inputs feeding each output (a matrix's column count).</param>
    /// <param name="fanOut">Outputs fed by each input (a matrix's row count).</param>
    public abstract void Fill(Span<float> values, int fanIn, int fanOut);
}

internal sealed class ZerosInitializer : Initializer
{
    public override void Fill(Span<float> values, int fanIn, int fanOut) => values.Clear();

    public override string ToString() => "Init.Zeros";
}

internal sealed class NormalInitializer(double std, long seed) : Initializer
{
    private readonly SplitMix64 _random = new(seed);

    public override void Fill(Span<float> values, int fanIn, int fanOut)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(std * _random.NextNormal());
        }
    }

    public override string ToString() => $"Init.Normal(std: {std}, seed: {seed})";
}

// He (Kaiming) initialization: N(0, 2 / fanIn), for layers followed by ReLU.
internal sealed class HeInitializer(long seed) : Initializer
{
    private readonly SplitMix64 _random = new(seed);

    public override void Fill(Span<float> values, int fanIn, int fanOut)
    {
        if (values.IsEmpty)
        {
            return;
        }

        if (fanIn <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fanIn), fanIn, "Init.He needs a positive fan-in.");
        }

        double std = Math.Sqrt(2.0 / fanIn);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(std * _random.NextNormal());
        }
    }

    public override string ToString() => $"Init.He(seed: {seed})";
}

// Xavier (Glorot) uniform initialization: U(−a, a) with a = sqrt(6 / (fanIn + fanOut)), for tanh/sigmoid layers.
internal sealed class XavierInitializer(long seed) : Initializer
{
    private readonly SplitMix64 _random = new(seed);

    public override void Fill(Span<float> values, int fanIn, int fanOut)
    {
        if (values.IsEmpty)
        {
            return;
        }

        if (fanIn + fanOut <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fanIn), fanIn, "Init.Xavier needs a positive fan-in + fan-out.");
        }

        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(limit * (2.0 * _random.NextDouble() - 1.0));
        }
    }

    public override string ToString() => $"Init.Xavier(seed: {seed})";
}
