using SymbolicGrad.Network.Tests.Checking;
using SymbolicGrad.Network.Tests.Models.LayerLoops;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// The Jvp and Hvp of a loop over layers whose layer picks its form by a condition on the counter
/// (<c>h = l &lt; W.Length - 1 ? Relu(z) : z</c>): each layer runs the Jvp or Hvp of its form (ReLU, or the bias alone),
/// so they compute bit for bit what the same net written out computes, NaN for NaN; the finite differences and the
/// other checks every Jvp and Hvp passes are in <see cref="ModelJvpTests"/> and <see cref="ModelHvpTests"/>.
/// </summary>
public sealed class LayerLoopFormTests
{
    private static Vec Sample(Random random, int n) => new(Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());

    private static int Bits(float value) => BitConverter.SingleToInt32Bits(value);

    /// <summary>The loop's and the written-out net's Jvp and Hvp of one sample along one direction, compared bit for bit.</summary>
    private static void AssertSameJvpAndHvp(Model loop, Model unrolled, Func<Model, float[], (float Value, float Tangent)> jvp,
        Func<Model, float[], float[], float[], float> hvp, float[] direction, bool finite = true)
    {
        Assert.Equal(unrolled.Parameters.Values.ToArray(), loop.Parameters.Values.ToArray());
        var (value, tangent) = jvp(loop, direction);
        var (unrolledValue, unrolledTangent) = jvp(unrolled, direction);
        Assert.Equal(Bits(unrolledValue), Bits(value));
        Assert.Equal(Bits(unrolledTangent), Bits(tangent));
        int count = loop.Parameters.Count;
        var (gradient, hv) = (new float[count], new float[count]);
        var (unrolledGradient, unrolledHv) = (new float[count], new float[count]);
        float hvpValue = hvp(loop, direction, gradient, hv);
        float unrolledHvpValue = hvp(unrolled, direction, unrolledGradient, unrolledHv);
        Assert.Equal(Bits(unrolledHvpValue), Bits(hvpValue));
        // Assert.Equal on float[] compares NaN equal to NaN, and otherwise values: bit for bit but for NaN payloads.
        Assert.Equal(unrolledGradient, gradient);
        Assert.Equal(unrolledHv, hv);
        if (!finite) return;
        Assert.True(float.IsFinite(tangent) && tangent != 0, $"tangent {tangent} tests nothing");
        Assert.Contains(hv, h => h != 0);
    }

    private static (float, float) Jvp(Model model, Vec x, int label, float[] direction) => model switch
    {
        LayerLoopNet net => (net.LossJvp(x, label, direction, out float t), t),
        UnrolledLayerNet net => (net.LossJvp(x, label, direction, out float t), t),
        OneLayerNet net => (net.LossJvp(x, label, direction, out float t), t),
        _ => throw new ArgumentException(model.GetType().Name),
    };

    private static float Hvp(Model model, Vec x, int label, float[] direction, float[] gradient, float[] hv) => model switch
    {
        LayerLoopNet net => net.LossHvp(x, label, direction, gradient, hv),
        UnrolledLayerNet net => net.LossHvp(x, label, direction, gradient, hv),
        OneLayerNet net => net.LossHvp(x, label, direction, gradient, hv),
        _ => throw new ArgumentException(model.GetType().Name),
    };

    [Fact]
    public void Three_layers_Jvp_and_Hvp_match_the_net_unrolled_bit_for_bit()
    {
        // Layers 0 and 1 run the ReLU form (layer 0 from the data), layer 2 the form without: the unrolled net's ops.
        var loop = new LayerLoopNet([5, 7, 6, 3], seed: 11);
        var unrolled = new UnrolledLayerNet(seed: 11);
        var random = new Random(5);
        for (int k = 0; k < 12; k++)
        {
            var x = Sample(random, 5);
            int label = k % 3;
            var direction = HvpChecks.RandomDirection(loop, 40 + k);
            AssertSameJvpAndHvp(loop, unrolled, (m, d) => Jvp(m, x, label, d), (m, d, g, h) => Hvp(m, x, label, d, g, h), direction);
        }
    }

    [Fact]
    public void One_layer_is_the_last_layer_without_relu_in_the_Jvp_and_Hvp_too()
    {
        // One layer: the first layer's Jvp and Hvp from the data run the form without ReLU; logits far below zero show it.
        var loop = new LayerLoopNet([5, 3], seed: 6);
        var unrolled = new OneLayerNet(seed: 6);
        var x = new Vec([-40f, 3f, -2f, 0.5f, 1f]);
        for (int label = 0; label < 3; label++)
        {
            var direction = HvpChecks.RandomDirection(loop, 60 + label);
            AssertSameJvpAndHvp(loop, unrolled, (m, d) => Jvp(m, x, label, d), (m, d, g, h) => Hvp(m, x, label, d, g, h), direction);
        }
        // A ReLU would zero the negative logits' part of the tangent: the loop's Jvp equals gradient·direction of the net written out.
        var v = HvpChecks.RandomDirection(loop, 70);
        loop.LossJvp(x, 0, v, out float tangent);
        unrolled.Parameters.ZeroGradients();
        unrolled.LossGradient(x, 0);
        double dot = unrolled.Parameters.Gradients.ToArray().Select((g, i) => (double)g * v[i]).Sum();
        Assert.True(Math.Abs(tangent - dot) <= 1e-5 * (1 + Math.Abs(dot)), $"Jvp {tangent}, gradient·v {dot}");
    }

    [Fact]
    public void NaN_in_the_sample_gives_the_Jvp_and_Hvp_of_the_net_unrolled_NaN_for_NaN()
    {
        var loop = new LayerLoopNet([5, 7, 6, 3], seed: 13);
        var unrolled = new UnrolledLayerNet(seed: 13);
        var x = new Vec([0.5f, float.NaN, -0.25f, 1f, 0.75f]);
        var direction = HvpChecks.RandomDirection(loop, 80);
        AssertSameJvpAndHvp(loop, unrolled, (m, d) => Jvp(m, x, 1, d), (m, d, g, h) => Hvp(m, x, 1, d, g, h), direction, finite: false);
        var (value, tangent) = Jvp(loop, x, 1, direction);
        Assert.True(float.IsNaN(value) && float.IsNaN(tangent));
        var hv = new float[loop.Parameters.Count];
        loop.LossHvp(x, 1, direction, new float[hv.Length], hv);
        Assert.Contains(hv, float.IsNaN);
    }

    [Fact]
    public void A_NaN_direction_shows_in_the_tangent_and_H_v_as_in_the_net_unrolled()
    {
        var loop = new LayerLoopNet([5, 7, 6, 3], seed: 17);
        var unrolled = new UnrolledLayerNet(seed: 17);
        var x = Sample(new Random(17), 5);
        var direction = HvpChecks.RandomDirection(loop, 90);
        direction[direction.Length - 1] = float.NaN; // the last bias: read by the last layer's form only
        AssertSameJvpAndHvp(loop, unrolled, (m, d) => Jvp(m, x, 2, d), (m, d, g, h) => Hvp(m, x, 2, d, g, h), direction, finite: false);
        Assert.True(float.IsNaN(Jvp(loop, x, 2, direction).Item2));
    }

    [Fact]
    public void Two_threads_calling_the_loops_Jvp_and_Hvp_at_once_get_the_sequential_results()
    {
        const int Threads = 2, Calls = 150;
        var net = new LayerLoopNet([5, 7, 6, 3], seed: 3);
        int count = net.Parameters.Count;
        var random = new Random(12);
        var inputs = Enumerable.Range(0, 8).Select(_ => Sample(random, 5)).ToArray();
        var directions = Enumerable.Range(0, 3).Select(k => HvpChecks.RandomDirection(net, 50 + k)).ToArray();
        float[] Call(int t, int j)
        {
            var x = inputs[(t * 5 + j) % inputs.Length];
            var d = directions[(t + j) % directions.Length];
            float value = net.LossJvp(x, (t + j) % 3, d, out float tangent);
            var (gradient, hv) = (new float[count], new float[count]);
            float hvpValue = net.LossHvp(x, (t + j) % 3, d, gradient, hv);
            return gradient.Concat(hv).Append(value).Append(tangent).Append(hvpValue).ToArray();
        }
        Concurrently.AssertSameAsSequential(Threads, Calls, Call);
    }
}
