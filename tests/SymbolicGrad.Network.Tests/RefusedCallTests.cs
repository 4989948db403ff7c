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
    public void A_backward_pass_without_its_forward_pass_is_refused_before_any_work()
    {
        var net = new Models.Composed.DigitNet(6, 5, 3, seed: 3);
        net.Parameters.Gradients.Fill(0.25f);
        var workspace = new Models.Composed.DigitNet.LossWorkspace();
        var x = Batch(4, 6);
        int[] labels = [0, 1, 2, 1];
        var before = Snapshot(net);
        var fresh = Assert.Throws<InvalidOperationException>(() => net.LossBackwardBatch(workspace, x, labels));
        Assert.Equal("LossBackwardBatch: the LossWorkspace has had no forward pass; call LossForwardBatch with the same arguments first (nothing was computed).", fresh.Message);
        Unchanged(net, before, "LossBackwardBatch on a fresh workspace");

        // A forward pass of another batch size leaves buffers the backward pass would misread.
        net.LossForwardBatch(workspace, x, labels);
        var three = Batch(3, 6);
        var other = Assert.Throws<InvalidOperationException>(() => net.LossBackwardBatch(workspace, three, labels.AsSpan(0, 3)));
        Assert.Equal("LossBackwardBatch: the LossWorkspace's last forward pass was of 4 rows, not the 3 given; call LossForwardBatch with the same arguments first (nothing was computed).", other.Message);
        Unchanged(net, before, "LossBackwardBatch after a forward pass of 4 rows");

        // With its forward pass the backward pass adds exactly what the one-call gradient adds.
        net.LossBackwardBatch(workspace, x, labels);
        var split = Bits(net.Parameters.Gradients);
        net.Parameters.Gradients.Fill(0.25f);
        net.LossGradientBatch(x, labels);
        Assert.Equal(Bits(net.Parameters.Gradients), split);
        Assert.NotEqual(before.Gradients, split);
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

    /// <summary>The repro's nets: a dropout or a batch norm before a loop over layers whose second layer takes 6 inputs where the first gives 5.</summary>
    public static TheoryData<string> LayerNets => new() { "dropout", "batchnorm" };

    private static Model LayerNet(string kind, bool misshaped) => kind == "dropout"
        ? new DropoutThenLayersNet(misshaped)
        : new BatchNormThenLayersNet(misshaped);

    private const string LayerMessage = "Loss, layer 1: W_l·h needs h of length 6, but it has 5.";

    /// <summary>Every generated entry point of the net, as calls that refuse (or not) the same arguments.</summary>
    private static IEnumerable<(string Name, Action Call)> EntryPoints(Model model, Mat x, int[] labels, float[] gradient, float[] hv)
    {
        var row = new Vec(x.Array, x.Offset, x.Cols);
        var direction = new float[model.Parameters.Count];
        for (int i = 0; i < direction.Length; i++) direction[i] = (i % 5 - 2) / 8f;
        switch (model)
        {
            case DropoutThenLayersNet net:
                yield return ("LossGradient", () => net.LossGradient(row, labels[0]));
                yield return ("LossGradientBatch", () => net.LossGradientBatch(x, labels));
                yield return ("LossBatch", () => net.LossBatch(x, labels));
                yield return ("LossForwardBatch", () => net.LossForwardBatch(new DropoutThenLayersNet.LossWorkspace(), x, labels));
                yield return ("LossBackwardBatch", () => net.LossBackwardBatch(new DropoutThenLayersNet.LossWorkspace(), x, labels));
                yield return ("LossJvp", () => net.LossJvp(row, labels[0], direction, out _));
                yield return ("LossHvp", () => net.LossHvp(row, labels[0], direction, gradient, hv));
                break;
            case BatchNormThenLayersNet net:
                yield return ("LossGradient", () => net.LossGradient(row, labels[0]));
                yield return ("LossGradientBatch", () => net.LossGradientBatch(x, labels));
                yield return ("LossBatch", () => net.LossBatch(x, labels));
                yield return ("LossForwardBatch", () => net.LossForwardBatch(new BatchNormThenLayersNet.LossWorkspace(), x, labels));
                yield return ("LossBackwardBatch", () => net.LossBackwardBatch(new BatchNormThenLayersNet.LossWorkspace(), x, labels));
                yield return ("LossJvp", () => net.LossJvp(row, labels[0], direction, out _));
                yield return ("LossHvp", () => net.LossHvp(row, labels[0], direction, gradient, hv));
                break;
        }
        var trainable = (ITrainable)model;
        yield return ("ITrainable.BatchLoss", () => trainable.BatchLoss(x, new BatchTargets(labels), accumulateGradient: true));
        yield return ("ITrainable.CountCorrect", () => trainable.CountCorrect(x, new BatchTargets(labels)));
    }

    [Theory]
    [MemberData(nameof(LayerNets))]
    public void A_layer_that_does_not_fit_is_refused_before_any_work_in_every_entry_point_and_mode(string kind)
    {
        foreach (bool training in new[] { true, false })
        {
            var net = LayerNet(kind, misshaped: true);
            net.Training = training;
            net.Parameters.Gradients.Fill(0.25f); // gradients a previous call left: they must stay as they are
            net.RandomStep = 7;
            var gradient = Enumerable.Repeat(3f, net.Parameters.Count).ToArray();
            var hv = Enumerable.Repeat(3f, net.Parameters.Count).ToArray();
            var x = Batch(4, 4);
            int[] labels = [0, 1, 2, 1];
            var before = Snapshot(net);
            int calls = 0;
            foreach (var (name, call) in EntryPoints(net, x, labels, gradient, hv))
            {
                var error = Assert.Throws<ArgumentException>(call);
                Assert.Equal(LayerMessage, error.Message);
                Unchanged(net, before, $"{kind} {name} (training {training})");
                calls++;
            }
            Assert.Equal(9, calls);
            Assert.All(gradient, g => Assert.Equal(3f, g));
            Assert.All(hv, g => Assert.Equal(3f, g));
        }
    }

    [Theory]
    [MemberData(nameof(LayerNets))]
    public void The_same_net_with_layers_that_fit_runs_every_entry_point_and_its_Jvp_is_the_gradient_along_the_direction(string kind)
    {
        var net = LayerNet(kind, misshaped: false);
        var x = Batch(4, 4);
        int[] labels = [0, 1, 2, 1];
        var gradient = new float[net.Parameters.Count];
        var hv = new float[net.Parameters.Count];
        // In evaluation mode (one sample is a batch norm's batch there); the backward pass alone needs a forward pass before it.
        net.Training = false;
        foreach (var (name, call) in EntryPoints(net, x, labels, gradient, hv))
        {
            if (name != "LossBackwardBatch") call();
        }
        Assert.Contains(net.Parameters.Gradients.ToArray(), g => g != 0);
        Assert.Contains(hv, g => g != 0);
        net.Training = true;
        ((ITrainable)net).BatchLoss(x, new BatchTargets(labels), accumulateGradient: true);
        Assert.Equal(kind == "dropout" ? 1 : 0, net.RandomStep); // a training pass with a dropout takes one random stream
        net.Training = false;

        // The Jvp is ∇L·direction: the gradient of the same sample, dotted with the direction.
        var row = new Vec(x.Array, x.Offset, x.Cols);
        var direction = new float[net.Parameters.Count];
        for (int i = 0; i < direction.Length; i++) direction[i] = (i % 5 - 2) / 8f;
        net.Parameters.ZeroGradients();
        float tangent = net switch
        {
            DropoutThenLayersNet d => Jvp(d.LossGradient(row, 2), d.LossJvp(row, 2, direction, out float t), t),
            BatchNormThenLayersNet n => Jvp(n.LossGradient(row, 2), n.LossJvp(row, 2, direction, out float t), t),
            _ => throw new InvalidOperationException(),
        };
        double expected = 0;
        var g = net.Parameters.Gradients;
        for (int i = 0; i < direction.Length; i++) expected += (double)g[i] * direction[i];
        Assert.True(Math.Abs(expected) > 1e-3, "the direction moves the loss");
        Assert.Equal(expected, tangent, 4);
    }

    /// <summary>The tangent, once the gradient's and the Jvp's losses agree bit for bit.</summary>
    private static float Jvp(float gradientLoss, float jvpLoss, float tangent)
    {
        Assert.Equal(BitConverter.SingleToInt32Bits(gradientLoss), BitConverter.SingleToInt32Bits(jvpLoss));
        return tangent;
    }
}
