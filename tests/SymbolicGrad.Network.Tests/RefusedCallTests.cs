using System.Runtime.InteropServices;
using SymbolicGrad.Network.Tests.Models.Adversary;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// A generated entry point that refuses a call (a weight outside the store) refuses it before any work: the
/// parameters, their gradients, the running statistics and the random step are bit-identical before and after.
/// </summary>
public sealed class RefusedCallTests
{
    private static int[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).ToArray();

    /// <summary>Everything a call could change, as bits.</summary>
    private static (int[] Values, int[] Gradients, int[] State, long Step) Snapshot(Model model) =>
        (Bits(model.Parameters.Values), Bits(model.Parameters.Gradients), Bits(model.Parameters.State), model.RandomStep);

    private static void Unchanged(Model model, (int[] Values, int[] Gradients, int[] State, long Step) before, string call)
    {
        var after = Snapshot(model);
        Assert.True(before.Values.SequenceEqual(after.Values), $"{call}: the parameters changed");
        Assert.True(before.Gradients.SequenceEqual(after.Gradients), $"{call}: gradients were added before the call was refused");
        Assert.True(before.State.SequenceEqual(after.State), $"{call}: the running statistics moved before the call was refused");
        Assert.Equal(before.Step, after.Step);
    }

    private static Mat Batch(int rows, int cols)
    {
        var x = new float[rows * cols];
        for (int i = 0; i < x.Length; i++) x[i] = (i * 7 % 11 - 5) / 4f;
        return new Mat(x, rows, cols);
    }

    [Fact]
    public void A_foreign_field_refuses_the_batched_gradient_before_moving_statistics_streams_or_gradients()
    {
        var net = new ForeignScaleNormNet { Training = true };
        net.Parameters.Gradients.Fill(0.25f); // gradients a previous call left: they must stay as they are
        var x = Batch(4, 4);
        int[] labels = [0, 1, 2, 1];
        var before = Snapshot(net);
        var error = Assert.Throws<ArgumentException>(() => net.LossGradientBatch(x, labels));
        Assert.Contains("Loss: the field 'scale' (Vec[4]) is not a parameter", error.Message);
        Assert.Contains("Parameters.Vector", error.Message);
        Unchanged(net, before, "LossGradientBatch");
    }

    [Fact]
    public void A_foreign_field_refuses_the_backward_pass_before_adding_any_gradient()
    {
        var net = new ForeignScaleNormNet { Training = true };
        var workspace = new ForeignScaleNormNet.LossWorkspace();
        var x = Batch(4, 4);
        int[] labels = [0, 1, 2, 1];
        net.LossForwardBatch(workspace, x, labels); // the forward pass alone reads the field as a constant: allowed
        var before = Snapshot(net);
        var error = Assert.Throws<ArgumentException>(() => net.LossBackwardBatch(workspace, x, labels));
        Assert.Contains("'scale'", error.Message);
        Unchanged(net, before, "LossBackwardBatch");
    }

    [Fact]
    public void A_foreign_field_refuses_the_Jvp_and_the_Hvp_before_any_work()
    {
        var net = new ForeignScaleNormNet { Training = false };
        var x = new Vec(new float[] { 0.5f, -1, 2, 0.25f });
        var direction = new float[net.Parameters.Count];
        var gradient = new float[net.Parameters.Count];
        var hv = new float[net.Parameters.Count];
        gradient.AsSpan().Fill(3f);
        hv.AsSpan().Fill(3f);
        var before = Snapshot(net);
        Assert.Throws<InvalidOperationException>(() => net.LossJvp(x, 1, direction, out _));
        Assert.Throws<InvalidOperationException>(() => net.LossHvp(x, 1, direction, gradient, hv));
        Unchanged(net, before, "LossJvp/LossHvp");
        Assert.All(gradient, g => Assert.Equal(3f, g));
        Assert.All(hv, g => Assert.Equal(3f, g));
    }

    [Fact]
    public void A_borrowed_layer_array_element_refuses_the_gradient_before_the_other_layers_add_theirs()
    {
        var lender = new Models.Names.ConstantFieldNet();
        var net = new BorrowedBiasLoopNet(lender);
        var before = Snapshot(net);
        var lenderGradients = Bits(lender.Parameters.Gradients);
        var error = Assert.Throws<ArgumentException>(() => net.LossGradient(new Vec(new float[] { 1, -2, 0.5f, 3 }), 2));
        Assert.Contains("Loss: the field 'b[1]' (Vec[3]) is not a parameter", error.Message);
        Unchanged(net, before, "LossGradient");
        Assert.Equal(lenderGradients, Bits(lender.Parameters.Gradients));
    }
}
