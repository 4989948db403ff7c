using SymbolicGrad.Network.Tests.Checking;
using SymbolicGrad.Network.Tests.Models.LayerLoops;
using SymbolicGrad.Network.Tests.Models.SecondOrder;
using static SymbolicGrad.Network.Tests.Checking.HvpChecks;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// <c>NameHvp</c> through loops over layers (each layer's Hvp a forward and a backward method of its own): the cases join
/// every theory of <see cref="ModelHvpTests"/> (central differences, symmetry, bit-identical gradient and value, buffers
/// added into, lengths, zero and NaN directions, no allocation); the rest is particular to loops.
/// </summary>
public sealed partial class ModelHvpTests
{
    private static IEnumerable<HvpCase> LayerLoopCases(int seed)
    {
        var random = new Random(seed + 1000);
        foreach (var sizes in new[] { new[] { In, Classes }, new[] { In, Hidden, Classes }, new[] { In, Hidden, Hidden, Classes } })
        {
            var net = new HvpLayerLoopNet(sizes, seed);
            var x = RandomVec(random, In);
            int label = seed % Classes;
            yield return new HvpCase($"HvpLayerLoopNet.Loss ({sizes.Length - 1} layers, ReLU but the last)", net, () => net.Loss(x, label),
                () => net.LossGradient(x, label), (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        // Two conditions on the counter: each layer runs the form of the first, the second stays a select (tanh or sigmoid).
        foreach (var sizes in new[] { new[] { In, Classes }, new[] { In, Hidden, 7, 6, Classes } })
        {
            var net = new AlternatingLoopNet(sizes, seed);
            var x = RandomVec(random, In);
            int label = (seed + 1) % Classes;
            yield return new HvpCase($"AlternatingLoopNet.Loss ({sizes.Length - 1} layers, tanh and sigmoid by a second condition)", net, () => net.Loss(x, label),
                () => net.LossGradient(x, label), (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            var net = new HvpTanhLayerLoopNet([In, Hidden, Classes], seed);
            var x = RandomVec(random, In);
            var y = RandomVec(random, Classes);
            yield return new HvpCase("HvpTanhLayerLoopNet.Error (tanh, MSE)", net, () => net.Error(x, y), () => net.ErrorGradient(x, y),
                (v, g, h) => net.ErrorHvp(x, y, v, g, h));
        }
        {
            var net = new HvpSigmoidLayerLoopNet([In, Hidden, Hidden, Classes], seed);
            var x = RandomVec(random, In);
            int label = (seed + 2) % Classes;
            yield return new HvpCase("HvpSigmoidLayerLoopNet.Loss (sigmoid, 3 layers)", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            var net = new HvpStemLoopNet(blocks: 2, seed);
            var x = RandomVec(random, 5);
            var y = RandomVec(random, 3);
            yield return new HvpCase("HvpStemLoopNet.Error (the loop's first vector moves)", net, () => net.Error(x, y), () => net.ErrorGradient(x, y),
                (v, g, h) => net.ErrorHvp(x, y, v, g, h));
        }
        {
            var net = new HvpLayerOddNames(seed);
            var x = RandomVec(random, 4);
            int label = (seed + 3) % 5;
            yield return new HvpCase("HvpLayerOddNames.Loss (W, w, batch)", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
    }

    [Fact]
    public void A_loop_over_no_layer_is_an_ArgumentException_before_any_size_is_read()
    {
        var net = new HvpLayerLoopNet([In], seed: 1);
        Assert.Equal(0, net.Parameters.Count);
        var error = Assert.Throws<ArgumentException>(() => net.LossHvp(RandomVec(new Random(1), In), 0, [], [], []));
        Assert.Contains("W is empty", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Hvp_and_Jvp_of_a_layer_loop_agree_on_the_gradient_along_v(int layers)
    {
        int[] sizes = layers == 1 ? [In, Classes] : [In, Hidden, Hidden, Classes];
        var net = new HvpLayerLoopNet(sizes, seed: 8);
        var x = RandomVec(new Random(8), In);
        var v = RandomDirection(net, 8);
        var gradient = new float[net.Parameters.Count];
        net.LossHvp(x, 1, v, gradient, new float[gradient.Length]);
        net.LossJvp(x, 1, v, out float tangent);
        double dot = gradient.Select((g, i) => (double)g * v[i]).Sum();
        Assert.True(Math.Abs(tangent - dot) <= 1e-5 * (1 + Math.Abs(dot)), $"{layers} layers: Jvp {tangent}, gradient·v {dot}");
        Assert.True(Math.Abs(dot) > 1e-3, $"gradient·v = {dot} tests nothing");
    }

    [Fact]
    public void Hvp_and_Jvp_agree_where_the_loops_first_vector_moves()
    {
        var net = new HvpStemLoopNet(blocks: 3, seed: 9);
        var random = new Random(9);
        var x = RandomVec(random, 5);
        var y = RandomVec(random, 3);
        var v = RandomDirection(net, 9);
        var gradient = new float[net.Parameters.Count];
        net.ErrorHvp(x, y, v, gradient, new float[gradient.Length]);
        net.ErrorJvp(x, y, v, out float tangent);
        double dot = gradient.Select((g, i) => (double)g * v[i]).Sum();
        Assert.True(Math.Abs(tangent - dot) <= 1e-5 * (1 + Math.Abs(dot)), $"Jvp {tangent}, gradient·v {dot}");
    }

    [Fact]
    public void Two_threads_calling_one_layer_loops_Hvp_at_once_get_the_sequential_results()
    {
        const int Threads = 2, Calls = 200;
        var net = new HvpLayerLoopNet([In, Hidden, Hidden, Classes], seed: 3);
        int count = net.Parameters.Count;
        var random = new Random(12);
        var inputs = Enumerable.Range(0, 16).Select(_ => RandomVec(random, In)).ToArray();
        var directions = Enumerable.Range(0, 4).Select(k => RandomDirection(net, 50 + k)).ToArray();
        float[] Call(int t, int j)
        {
            var gradient = new float[count];
            var hv = new float[count];
            float value = net.LossHvp(inputs[(t * 5 + j) % inputs.Length], (t + j) % Classes, directions[(t + j) % directions.Length], gradient, hv);
            return gradient.Concat(hv).Append(value).ToArray();
        }
        Concurrently.AssertSameAsSequential(Threads, Calls, Call);
    }
}
