namespace SymbolicGrad.Runtime.Tests;

public class VecMatTests
{
    [Fact]
    public void VecWrapsArrayWithoutCopying()
    {
        var data = new float[] { 1, 2, 3 };
        var v = new Vec(data);
        v[1] = 20;
        Assert.Equal(20f, data[1]);
        Assert.Equal(3, v.Length);
        Assert.Same(data, v.Array);
    }

    [Fact]
    public void VecAtOffsetViewsTheSlice()
    {
        var data = new float[] { 0, 1, 2, 3, 4, 5 };
        var v = new Vec(data, 2, 3);
        Assert.Equal(new float[] { 2, 3, 4 }, v.ToArray());
        v.Span[0] = 7;
        Assert.Equal(7f, data[2]);
        Assert.Equal(new float[] { 3, 4 }, v.Slice(1, 2).ToArray());
        Assert.Equal(3, v.Slice(1, 2).Offset);
    }

    [Fact]
    public void MatIsRowMajorAndRowsAreViews()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        var m = new Mat(data, 2, 3);
        Assert.Equal(6f, m[1, 2]);
        Assert.Equal(2, m.Rows);
        Assert.Equal(3, m.Cols);
        Assert.Equal(6, m.Length);
        var row = m.Row(1);
        Assert.Equal(new float[] { 4, 5, 6 }, row.ToArray());
        row[0] = 40;
        Assert.Equal(40f, data[3]);
        Assert.Equal(40f, m[1, 0]);
    }

    [Fact]
    public void MatAtOffsetAndRowSlices()
    {
        var data = Enumerable.Range(0, 20).Select(i => (float)i).ToArray();
        var m = new Mat(data, 5, 3, 4);
        Assert.Equal(5f, m[0, 0]);
        Assert.Equal(16f, m[2, 3]);
        Assert.Equal(new float[] { 9, 10, 11, 12 }, m.Row(1).ToArray());
        var tail = m.SliceRows(1, 2);
        Assert.Equal(9f, tail[0, 0]);
        Assert.Equal(16f, tail[1, 3]);
        Assert.Equal(12, m.AsVec().Length);
        Assert.Equal(5f, m.AsVec()[0]);
    }

    [Fact]
    public void ToStringGivesShape()
    {
        Assert.Equal("Vec[3]", new Vec(3).ToString());
        Assert.Equal("Mat[2×5]", new Mat(2, 5).ToString());
    }

    [Fact]
    public void DefaultViewsAreEmpty()
    {
        Assert.Equal(0, default(Vec).Length);
        Assert.True(default(Vec).Span.IsEmpty);
        Assert.True(default(Mat).Span.IsEmpty);
    }

    [Fact]
    public void OutOfRangeViewsAreRejectedWithTheRange()
    {
        var data = new float[10];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Vec(data, 8, 3));
        Assert.Contains("[8, 11)", e.Message);
        Assert.Contains("length 10", e.Message);
        var m = Assert.Throws<ArgumentOutOfRangeException>(() => new Mat(data, 4, 2, 4));
        Assert.Contains("[4, 12)", m.Message);
        var exact = Assert.Throws<ArgumentException>(() => new Mat(data, 3, 4));
        Assert.Contains("10 elements", exact.Message);
        Assert.Contains("3×4 needs 12", exact.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Mat(data, 2, -1, 5));
        Assert.Throws<ArgumentNullException>(() => new Vec(null!));
    }

    [Fact]
    public void IndexersCheckBounds()
    {
        var v = new Vec(new float[10], 2, 3);
        var e = Assert.Throws<IndexOutOfRangeException>(() => v[3]);
        Assert.Contains("Vec[3]", e.Message);
        var m = new Mat(2, 3);
        var me = Assert.Throws<IndexOutOfRangeException>(() => m[2, 0]);
        Assert.Contains("(2, 0)", me.Message);
        Assert.Contains("Mat[2×3]", me.Message);
        Assert.Throws<IndexOutOfRangeException>(() => m[0, 3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Row(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => v.Slice(2, 2));
    }

    [Fact]
    public void CopyFromChecksLengths()
    {
        var v = new Vec(3);
        v.CopyFrom(new Vec([1f, 2f, 3f]));
        Assert.Equal(new float[] { 1, 2, 3 }, v.ToArray());
        var e = Assert.Throws<ArgumentException>(() => v.CopyFrom(new Vec(4)));
        Assert.Contains("Vec[3]", e.Message);
        Assert.Contains("Vec[4]", e.Message);
    }
}
