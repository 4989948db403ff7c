using SymbolicGrad.CompilerServices;
namespace SymbolicGrad.Runtime.Tests;

public class MatVecKernelTests
{
    public static TheoryData<int, int> Shapes()
    {
        int[] sizes = [1, 3, 4, 5, 17, 33, 100];
        var data = new TheoryData<int, int>();
        foreach (int r in sizes)
        {
            foreach (int c in sizes)
            {
                data.Add(r, c);
            }
        }

        data.Add(128, 784);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatVecAddMatchesNaiveAtOffsets(int rows, int cols)
    {
        var aArr = Reference.Random(3 + rows * cols, rows);
        var xArr = Reference.Random(1 + cols, cols);
        var yArr = Reference.Random(5 + rows + 2, rows + cols);
        var y0 = (float[])yArr.Clone();
        var a = new Mat(aArr, 3, rows, cols);
        var x = new Vec(xArr, 1, cols);
        var y = new Vec(yArr, 5, rows);
        Kernels.MatVecAdd(a, x, y);
        for (int i = 0; i < rows; i++)
        {
            double sum = y0[5 + i], scale = Math.Abs(y0[5 + i]);
            for (int j = 0; j < cols; j++)
            {
                sum += a[i, j] * x[j];
                scale += Math.Abs(a[i, j] * x[j]);
            }

            Reference.Close(sum, y[i], scale, $"y[{i}] of {rows}×{cols}");
        }

        AssertUntouched(yArr, y0, 5, rows);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatTVecAddMatchesNaiveAtOffsets(int rows, int cols)
    {
        var aArr = Reference.Random(2 + rows * cols, rows * 3);
        var xArr = Reference.Random(3 + rows, cols * 5);
        var yArr = Reference.Random(1 + cols + 4, rows + 7);
        var y0 = (float[])yArr.Clone();
        var a = new Mat(aArr, 2, rows, cols);
        var x = new Vec(xArr, 3, rows);
        var y = new Vec(yArr, 1, cols);
        Kernels.MatTVecAdd(a, x, y);
        for (int j = 0; j < cols; j++)
        {
            double sum = y0[1 + j], scale = Math.Abs(y0[1 + j]);
            for (int i = 0; i < rows; i++)
            {
                sum += a[i, j] * x[i];
                scale += Math.Abs(a[i, j] * x[i]);
            }

            Reference.Close(sum, y[j], scale, $"y[{j}] of {rows}×{cols}");
        }

        AssertUntouched(yArr, y0, 1, cols);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OuterAddMatchesNaiveAtOffsets(int rows, int cols)
    {
        var aArr = Reference.Random(4 + rows * cols + 3, rows + 11);
        var a0 = (float[])aArr.Clone();
        var u = new Vec(Reference.Random(2 + rows, 5), 2, rows);
        var v = new Vec(Reference.Random(1 + cols, 6), 1, cols);
        var a = new Mat(aArr, 4, rows, cols);
        Kernels.OuterAdd(a, -1.5f, u, v);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                double expected = a0[4 + i * cols + j] - 1.5 * u[i] * v[j];
                Reference.Close(expected, a[i, j], 2, $"A[{i},{j}]");
            }
        }

        AssertUntouched(aArr, a0, 4, rows * cols);
    }

    [Fact]
    public void OuterAddLeavesRowsWithZeroCoefficientAsTheyWereAndUpdatesTheOthers()
    {
        // u as behind a ReLU: every other entry exactly 0 (and one −0).
        const int rows = 7, cols = 19;
        var a = new Mat(Reference.Random(rows * cols, 3), rows, cols);
        var before = a.Span.ToArray();
        var u = new Vec([0.5f, 0f, -2f, -0f, 1f, 0f, 3f]);
        var v = new Vec(Reference.Random(cols, 4));
        Kernels.OuterAdd(a, 2f, u, v);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                float expected = before[i * cols + j] + 2f * u[i] * v[j];
                if (u[i] == 0f) Assert.Equal(before[i * cols + j], a[i, j]);
                else Reference.Close(expected, a[i, j], 2, $"A[{i},{j}]");
            }
        }
    }

    [Fact]
    public void SpanOverloadsAgreeWithViewOverloads()
    {
        var a = Reference.Random(5 * 9, 1);
        var x = Reference.Random(9, 2);
        var y1 = new float[5];
        var y2 = new float[5];
        Kernels.MatVecAdd(a, 5, 9, x, y1);
        Kernels.MatVecAdd(new Mat(a, 5, 9), new Vec(x), new Vec(y2));
        Assert.Equal(y1, y2);
    }

    [Fact]
    public void EmptyShapesDoNothing()
    {
        var y = new float[3];
        Kernels.MatVecAdd([], 3, 0, [], y);
        Assert.All(y, v => Assert.Equal(0f, v));
        Kernels.MatTVecAdd([], 0, 3, [], y);
        Assert.All(y, v => Assert.Equal(0f, v));
    }

    private static void AssertUntouched(float[] now, float[] before, int start, int length)
    {
        for (int i = 0; i < now.Length; i++)
        {
            if (i < start || i >= start + length)
            {
                Assert.True(now[i] == before[i], $"element {i} outside the view changed");
            }
        }
    }
}
