using static SymbolicGrad.Ops;

namespace SymbolicGrad.Runtime.Tests;

public class OpsTests
{
    private static readonly Vec X = new([1f, -2f, 3f]);
    private static readonly Vec Y = new([4f, 5f, -6f]);

    private static void Equal(float[] expected, Vec actual, float tolerance = 1e-6f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void VectorArithmetic()
    {
        Equal([5, 3, -3], X + Y);
        Equal([-3, -7, 9], X - Y);
        Equal([4, -10, -18], X * Y);
        Equal([-1, 2, -3], -X);
    }

    [Fact]
    public void ScalarArithmeticBothOrders()
    {
        Equal([3, 0, 5], X + 2f);
        Equal([3, 0, 5], 2f + X);
        Equal([-1, -4, 1], X - 2f);
        Equal([1, 4, -1], 2f - X);
        Equal([3, -6, 9], X * 3f);
        Equal([3, -6, 9], 3f * X);
    }

    [Fact]
    public void OperatorsAllocateAndLeaveOperandsUnchanged()
    {
        var sum = X + Y;
        Assert.NotSame(X.Array, sum.Array);
        Equal([1, -2, 3], X);
    }

    [Fact]
    public void MatrixTimesVector()
    {
        var w = new Mat([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Equal([6, 12], w * X);
    }

    [Fact]
    public void MatrixTimesVectorAtOffsets()
    {
        var wData = new float[] { 99, 1, 2, 3, 4, 5, 6, 99 };
        var xData = new float[] { 99, 99, 1, -2, 3 };
        Equal([6, 12], new Mat(wData, 1, 2, 3) * new Vec(xData, 2, 3));
    }

    [Fact]
    public void Reductions()
    {
        Assert.Equal(-24f, Dot(X, Y));
        Assert.Equal(2f, Sum(X));
        Assert.Equal(2f / 3f, Mean(X), 6);
        Assert.Equal(0f, Sum(new Vec(0)));
    }

    [Fact]
    public void Activations()
    {
        Equal([1, 0, 3], Relu(X));
        Equal([1, -0.02f, 3], LeakyRelu(X));
        Equal([1, -1, 3], LeakyRelu(X, 0.5f));
        Equal([0.5f, 0.75f, 0.25f], Sigmoid(new Vec([0f, MathF.Log(3), -MathF.Log(3)])));
        Equal([0f, 0.6f, -0.6f], Tanh(new Vec([0f, MathF.Log(2), -MathF.Log(2)])));
        Equal([1f, MathF.E, 2f], Exp(new Vec([0f, 1f, MathF.Log(2)])));
        Equal([0f, 1f, MathF.Log(4)], Log(new Vec([1f, MathF.E, 4f])));
        Assert.Equal(float.NegativeInfinity, Log(new Vec([0f]))[0]);
        Equal([1, 4, 9], Square(X));
    }

    [Fact]
    public void SoftmaxAndLogSoftmax()
    {
        var logits = new Vec([0f, MathF.Log(2), MathF.Log(3)]);
        Equal([1f / 6, 2f / 6, 3f / 6], Softmax(logits));
        Equal([MathF.Log(1f / 6), MathF.Log(2f / 6), MathF.Log(3f / 6)], LogSoftmax(logits));
    }

    [Fact]
    public void ConcatJoinsInOrder()
    {
        Equal([1, 2, 3], Concat(new Vec([1f, 2f]), new Vec([3f])));
        Equal([1, 2, 3, 4], Concat(new Vec([1f]), new Vec([2f, 3f]), new Vec([4f])));
        Equal([7], Concat(new Vec(0), new Vec([7f])));
    }

    [Fact]
    public void Losses()
    {
        var pred = new Vec([1f, 2f, 3f]);
        var target = new Vec([1f, 0f, 6f]);
        Assert.Equal(13f / 3, Mse(pred, target), 5);
        Assert.Equal(5f / 3, Mae(pred, target), 5);
        Assert.Equal(-(MathF.Log(0.5f) + MathF.Log(0.2f)) / 2, BinaryCrossEntropy(new Vec([0.5f, 0.8f]), new Vec([1f, 0f])), 5);
        var logits = new Vec([0f, MathF.Log(2), MathF.Log(3)]);
        Assert.Equal(MathF.Log(2), SoftmaxCrossEntropy(logits, 2), 5);
        Assert.Equal(MathF.Log(6), SoftmaxCrossEntropy(logits, 0), 5);
    }
}
