using System.Numerics;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>The SIMD lanes of generated loops give, lane by lane, the bits of the scalar operations.</summary>
public class LanesTests
{
    static readonly float[] Special = [float.NaN, -0f, 0f, 1f, -1f, 2.5f, float.Epsilon, float.PositiveInfinity, float.NegativeInfinity];

    static Vector<float> Splat(float x) => Lanes.Splat(x);

    static void SameBits(float expected, float actual, string what) =>
        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), $"{what}: expected {expected}, got {actual}");

    [Fact]
    public void MaxMinAbsAndSqrtHaveTheBitsOfMathF()
    {
        foreach (float x in Special)
        {
            SameBits(MathF.Abs(x), Lanes.Abs(Splat(x))[0], $"Abs({x})");
            SameBits(MathF.Sqrt(x), Lanes.Sqrt(Splat(x))[0], $"Sqrt({x})");
            foreach (float y in Special)
            {
                SameBits(MathF.Max(x, y), Lanes.Max(Splat(x), Splat(y))[0], $"Max({x}, {y})");
                SameBits(MathF.Min(x, y), Lanes.Min(Splat(x), Splat(y))[0], $"Min({x}, {y})");
            }
        }
    }

    [Fact]
    public void ComparisonsAndSelectAgreeWithScalarCSharpIncludingNaN()
    {
        foreach (float x in Special)
        {
            foreach (float y in Special)
            {
                var (a, b) = (Splat(x), Splat(y));
                float Pick(Vector<int> mask) => Lanes.Select(mask, Splat(1f), Splat(0f))[0];
                Assert.Equal(x > y ? 1f : 0f, Pick(Lanes.Greater(a, b)));
                Assert.Equal(x >= y ? 1f : 0f, Pick(Lanes.GreaterOrEqual(a, b)));
                Assert.Equal(x < y ? 1f : 0f, Pick(Lanes.Less(a, b)));
                Assert.Equal(x <= y ? 1f : 0f, Pick(Lanes.LessOrEqual(a, b)));
                Assert.Equal(x == y ? 1f : 0f, Pick(Lanes.Equal(a, b)));
                Assert.Equal(x != y ? 1f : 0f, Pick(Lanes.NotEqual(a, b)));
            }
        }
    }

    [Fact]
    public void SelectTakesEachLaneFromItsOwnSide()
    {
        int n = Lanes.Width;
        var x = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? i + 1f : -(i + 1f)).ToArray();
        var relu = Lanes.Select(Lanes.Greater(Lanes.Load(x, 0), Splat(0f)), Lanes.Load(x, 0), Splat(0f));
        for (int i = 0; i < n; i++) Assert.Equal(MathF.Max(x[i], 0f), relu[i]);
    }

    [Fact]
    public void LoadAndStoreReadAndWriteWidthElementsAtTheIndex()
    {
        int n = Lanes.Width;
        var source = Enumerable.Range(0, n + 3).Select(i => (float)i).ToArray();
        var loaded = Lanes.Load(source, 3);
        for (int i = 0; i < n; i++) Assert.Equal(3f + i, loaded[i]);

        var destination = new float[n + 2];
        Lanes.Store(destination, 1, loaded);
        Assert.Equal(0f, destination[0]);
        for (int i = 0; i < n; i++) Assert.Equal(3f + i, destination[1 + i]);
        Assert.Equal(0f, destination[n + 1]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void LoadAndStoreOutsideTheSpanThrowAndWriteNothing(int shift)
    {
        int n = Lanes.Width;
        var buffer = new float[n];
        int index = shift;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Lanes.Load(buffer, index));
        Assert.Contains($"index {index}", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Lanes.Store(buffer, index, Splat(7f)));
        Assert.All(buffer, value => Assert.Equal(0f, value));
        // A span shorter than one vector has no valid index.
        Assert.Throws<ArgumentOutOfRangeException>(() => Lanes.Load(new float[n - 1], 0));
    }
}
