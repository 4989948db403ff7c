using static SymbolicGrad.Ops;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

public class StabilityTests
{
    [Fact]
    public void SoftmaxOfLargeLogitsIsFinite()
    {
        var p = Softmax(new Vec([1000f, 1000f, -1000f]));
        Assert.Equal(0.5f, p[0], 6);
        Assert.Equal(0.5f, p[1], 6);
        Assert.Equal(0f, p[2]);
        var q = Softmax(new Vec([1000f, 1001f]));
        Assert.Equal(1f / (1f + MathF.E), q[0], 6);
        Assert.Equal(MathF.E / (1f + MathF.E), q[1], 6);
    }

    [Fact]
    public void LogSoftmaxOfLargeLogitsIsExact()
    {
        var l = LogSoftmax(new Vec([1000f, 0f]));
        Assert.Equal(0f, l[0], 6);
        Assert.Equal(-1000f, l[1], 3);
    }

    [Fact]
    public void CrossEntropyOfExtremeLogitsIsFinite()
    {
        Assert.Equal(2000f, SoftmaxCrossEntropy(new Vec([1000f, -1000f]), 1), 2);
        Assert.Equal(0f, SoftmaxCrossEntropy(new Vec([1000f, -1000f]), 0));
        Assert.Equal(0f, SoftmaxCrossEntropy(new Vec([-1e30f, 3e30f]), 1));
        Assert.True(float.IsFinite(SoftmaxCrossEntropy(new Vec([3e38f, -3e38f]), 0)));
    }

    [Fact]
    public void FusedCrossEntropyGradientOfExtremeLogitsIsFinite()
    {
        var grad = new float[2];
        float loss = Kernels.SoftmaxCrossEntropy([1000f, -1000f], 1, grad);
        Assert.Equal(2000f, loss, 2);
        Assert.Equal(1f, grad[0], 6);
        Assert.Equal(-1f, grad[1], 6);
    }

    [Fact]
    public void BinaryCrossEntropyNeverTakesLogOfZero()
    {
        float worst = -MathF.Log(ProbabilityEpsilon);
        Assert.Equal(worst, BinaryCrossEntropy(new Vec([0f]), new Vec([1f])), 3);
        float other = BinaryCrossEntropy(new Vec([1f]), new Vec([0f]));
        Assert.True(float.IsFinite(other) && other > 15f && other < 17f, $"BCE(1, 0) = {other}");
        Assert.True(BinaryCrossEntropy(new Vec([0f]), new Vec([0f])) < 1e-6f);
        Assert.True(BinaryCrossEntropy(new Vec([1f]), new Vec([1f])) < 1e-6f);
    }

    [Fact]
    public void SigmoidSaturatesWithoutNaN()
    {
        var s = Sigmoid(new Vec([-1000f, 1000f]));
        Assert.Equal(0f, s[0]);
        Assert.Equal(1f, s[1]);
    }
}
