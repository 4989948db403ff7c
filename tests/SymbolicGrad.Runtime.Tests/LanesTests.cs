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

    [Fact]
    public void CheckRowsPassesRowsThatFitAndThrowsForRowsThatDoNot()
    {
        var buffer = new float[3 * 5];
        Lanes.CheckRows(buffer, 0, 3, 5); // exactly the span
        Lanes.CheckRows(buffer, 2, 3, 5);
        Lanes.CheckRows(buffer, 0, 0, 5); // no rows
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Lanes.CheckRows(buffer, 0, 4, 5));
        Assert.Contains("rows 0 to 4 of 5 elements do not fit in a span of 15", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Lanes.CheckRows(buffer, 0, 2, 8)); // rows longer than the span's
        Assert.Throws<ArgumentOutOfRangeException>(() => Lanes.CheckRows(buffer, -1, 2, 5)); // a row before the span
        Assert.Throws<ArgumentOutOfRangeException>(() => Lanes.CheckRows(buffer, 0, int.MaxValue, int.MaxValue)); // no int overflow
        Assert.Throws<ArgumentOutOfRangeException>(() => Lanes.CheckRows(buffer, 0, 1, -1));
    }

    [Fact]
    public void CheckLengthPassesASpanThatLongAndThrowsForAShorterOne()
    {
        var vector = new float[7];
        Lanes.CheckLength(vector, 7);
        Lanes.CheckLength(vector, 0);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Lanes.CheckLength(vector, 8));
        Assert.Contains("span of 7", error.Message);
    }

    [Fact]
    public void LoadInRowsAndStoreInRowsReadAndWriteWhatLoadAndStoreDo()
    {
        int n = Lanes.Width;
        var source = Enumerable.Range(0, 2 * n + 3).Select(i => (float)i * 0.5f).ToArray();
        Assert.Equal(Lanes.Load(source, n + 3), Lanes.LoadInRows(source, n + 3));
        Assert.Equal(Lanes.Load(source, 0), Lanes.LoadInRows(source, 0));

        var checkedStore = new float[2 * n + 1];
        var uncheckedStore = new float[2 * n + 1];
        Lanes.Store(checkedStore, n + 1, Lanes.Load(source, 2));
        Lanes.StoreInRows(uncheckedStore, n + 1, Lanes.LoadInRows(source, 2));
        Assert.Equal(checkedStore, uncheckedStore);
        Assert.Equal(0f, uncheckedStore[n]); // nothing written before the index
    }
}

