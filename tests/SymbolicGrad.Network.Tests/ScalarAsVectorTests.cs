using SymbolicGrad.Network.Tests.Models.Adversary;

namespace SymbolicGrad.Network.Tests;

/// <summary>SG0105's advice keeps the gradient the user wants: a scalar taken as a Vec of length 1 gets it in its buffer.</summary>
public sealed class ScalarAsVectorTests
{
    [Fact]
    public void A_scalar_taken_as_a_vector_of_one_gets_its_gradient()
    {
        var w = new Vec(new float[] { 0.5f, -1.25f, 2f });
        var x = new Vec(new float[] { 3f, 0.75f, -0.5f });
        var alpha = new Vec(new float[] { 1.5f });
        var dW = new Vec(new float[3]);
        var dAlpha = new Vec(new float[] { 10f }); // added into
        float value = ScaledScore.ScoreGradient(w, x, alpha, dW, dAlpha);
        float dot = 0.5f * 3f + -1.25f * 0.75f + 2f * -0.5f; // exact in binary: -0.4375
        Assert.Equal(1.5f * dot, value);
        Assert.Equal(10f + dot, dAlpha[0]);
        Assert.Equal(new[] { 4.5f, 1.125f, -0.75f }, dW.Span.ToArray());
        Assert.Throws<ArgumentException>(() => ScaledScore.ScoreGradient(w, x, alpha, dW, new Vec(new float[2])));
    }
}
