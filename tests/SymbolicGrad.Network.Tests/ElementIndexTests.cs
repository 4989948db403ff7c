using SymbolicGrad.Network.Tests.Models.Elements;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// An element of a computed vector read at an index the method computes is checked where it is read: the generated
/// passes throw what the user's method throws (IndexOutOfRangeException), naming the method, the read and the index.
/// </summary>
public sealed class ElementIndexTests
{
    private readonly ElementNet _net = new(3);
    private readonly Vec _x = new([0.5f, -1f, 0.25f, 2f, -0.75f]);

    [Theory]
    [InlineData(3, "Loss: z[k] in Score: index 3 is outside [0, 3).")]
    [InlineData(-1, "Loss: z[k] in Score: index -1 is outside [0, 3).")]
    [InlineData(-2, "Loss: z[(label + 1) % z.Length]: index -1 is outside [0, 3).")]
    public void An_index_out_of_range_throws_as_the_method_does(int label, string message)
    {
        Assert.Throws<IndexOutOfRangeException>(() => _net.Loss(_x, label));
        var gradient = Assert.Throws<IndexOutOfRangeException>(() => _net.LossGradient(_x, label));
        Assert.Equal(message, gradient.Message);
        Assert.Throws<IndexOutOfRangeException>(() => _net.LossForward(new ElementNet.LossWorkspace(), _x, label));
    }

    [Fact]
    public void A_batch_sample_out_of_range_throws_and_adds_no_gradient()
    {
        var x = new Mat(new float[2 * 5], 2, 5);
        var before = _net.Parameters.Gradients.ToArray();
        var error = Assert.Throws<IndexOutOfRangeException>(() => _net.LossGradientBatch(x, [1, 4]));
        Assert.Contains("index 4 is outside [0, 3)", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _net.Parameters.Gradients.ToArray());
    }

    [Fact]
    public void In_range_the_value_is_the_methods_up_to_the_order_of_the_sum()
    {
        for (int label = 0; label < 3; label++)
        {
            Assert.Equal(_net.Loss(_x, label), _net.LossGradient(_x, label), 1e-5);
        }
    }
}
