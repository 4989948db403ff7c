using SymbolicGrad.Network.Tests.Models.Composed;

namespace SymbolicGrad.Network.Tests;

/// <summary>Inputs of the wrong shape get a clear exception from generated code, not a wrong answer or a crash.</summary>
public sealed class ShapeErrorTests
{
    private readonly DigitNet _net = new(5, 7, 3);

    [Fact]
    public void An_input_of_the_wrong_length_is_rejected()
    {
        var x = new Vec(new float[4]);
        Assert.ThrowsAny<ArgumentException>(() => _net.LossGradient(x, 1));
        Assert.ThrowsAny<ArgumentException>(() => _net.LossForward(new DigitNet.LossWorkspace(), x, 1));
    }

    [Fact]
    public void A_batch_of_the_wrong_width_is_rejected()
    {
        var x = new Mat(new float[3 * 4], 3, 4);
        int[] labels = [0, 1, 2];
        Assert.ThrowsAny<ArgumentException>(() => _net.LossGradientBatch(x, labels));
        Assert.ThrowsAny<ArgumentException>(() => _net.LossBatch(x, labels));
    }

    [Fact]
    public void Labels_that_do_not_match_the_batch_rows_are_rejected()
    {
        var x = new Mat(new float[3 * 5], 3, 5);
        int[] labels = [0, 1];
        Assert.ThrowsAny<ArgumentException>(() => _net.LossGradientBatch(x, labels));
    }

    [Fact]
    public void A_label_outside_the_classes_is_rejected()
    {
        var x = new Vec(new float[5]);
        Assert.ThrowsAny<ArgumentException>(() => _net.LossGradient(x, 3));
        Assert.ThrowsAny<ArgumentException>(() => _net.LossGradient(x, -1));
        Assert.ThrowsAny<ArgumentException>(() => _net.LossGradientBatch(new Mat(new float[2 * 5], 2, 5), [0, 3]));
    }
}

/// <summary>A Vec or Mat field that is not a view into Parameters: the gradient's error names the field and the fix.</summary>
public sealed class ForeignFieldErrorTests
{
    [Fact]
    public void A_field_not_from_Parameters_is_named_by_the_gradient_error()
    {
        var net = new Models.Names.ConstantFieldNet();
        var x = new Vec(new float[] { 0.5f, -1, 2, 0.25f });
        var one = Assert.Throws<ArgumentException>(() => net.LossGradient(x, 1));
        Assert.Contains("the field 'mask' (Vec[3])", one.Message);
        Assert.Contains("Parameters.Vector", one.Message);
        var batch = Assert.Throws<ArgumentException>(() => net.LossGradientBatch(new Mat(new float[2 * 4], 2, 4), [0, 2]));
        Assert.Contains("the field 'mask'", batch.Message);
        Assert.Throws<ArgumentException>(() => net.Parameters.GradientOf(new Vec(new float[3])));
    }
}
