using SymbolicGrad.Samples.Digits;
using static SymbolicGrad.OnnxExport.Tests.OnnxRunner;

namespace SymbolicGrad.OnnxExport.Tests;

/// <summary>
/// A loop over layers (Digits' <see cref="LayeredDigitNet"/>: <c>Mat[] W</c>, <c>Vec[] b</c>, ReLU on every layer but
/// the last) is unrolled at export time: one set of nodes per layer, each layer's weights the initializers
/// <c>W[l]</c>, <c>b[l]</c>, and the counter's condition decided per layer.
/// </summary>
public sealed class LayerLoopTests
{
    private const int Samples = 100, Inputs = 20, Classes = 5;

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 16 })]
    [InlineData(new[] { 16, 8 })]
    public void EveryLayerIsExportedAndTheLogitsMatchTheGeneratedForwardPassAndTheUsersCode(int[] hidden)
    {
        var net = new LayeredDigitNet(Inputs, hidden, Classes, seed: hidden.Length);
        Perturb(net.Parameters, seed: 7 + hidden.Length); // nonzero biases too
        float[] inputs = RandomInputs(Samples, Inputs, seed: hidden.Length);

        var (logits, shape) = Run(Onnx.ToBytes(net), "x", inputs, Samples, "logits");

        Assert.Equal(new long[] { Samples, Classes }, shape);
        for (int r = 0; r < Samples; r++)
        {
            var row = logits.AsSpan(r * Classes, Classes);
            AssertLossAgrees(k => net.LossBatch(new Mat(inputs, r * Inputs, 1, Inputs), new[] { k }), row, $"generated loss, sample {r}");
            var x = new Vec(inputs, r * Inputs, Inputs);
            AssertLossAgrees(k => net.Loss(x, k), row, $"the user's Loss, sample {r}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EachLayerButTheLastHasItsReluAndItsOwnWeights(int layers)
    {
        var net = new LayeredDigitNet(Inputs, Enumerable.Repeat(6, layers - 1).ToArray(), Classes);

        byte[] model = Onnx.ToBytes(net);

        // The counter's condition (l < W.Length − 1) is decided at export time: no Where, a Max only where it held.
        Assert.Equal(layers - 1, CountNodes(model, "Max"));
        Assert.Equal(0, CountNodes(model, "Where"));
        Assert.Equal(layers, CountNodes(model, "Gemm"));
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model);
        Assert.Equal(new[] { "x" }, session.InputMetadata.Keys); // the weights are initializers, not inputs
        Assert.Equal(new[] { -1, Inputs }, session.InputMetadata["x"].Dimensions); // read from W[0]
        string text = System.Text.Encoding.UTF8.GetString(model);
        for (int l = 0; l < layers; l++)
        {
            Assert.Contains($"W[{l}]", text);
            Assert.Contains($"b[{l}]", text);
        }
        Assert.DoesNotContain($"W[{layers}]", text);
    }

    [Fact]
    public void TheExportReadsTheCurrentWeightsOfEveryLayer()
    {
        var net = new LayeredDigitNet(Inputs, new[] { 8, 8 }, Classes, seed: 3);
        float[] inputs = RandomInputs(4, Inputs, seed: 4);
        var before = Run(Onnx.ToBytes(net), "x", inputs, 4).Values;

        Perturb(net.Parameters, seed: 5);
        var after = Run(Onnx.ToBytes(net), "x", inputs, 4).Values;

        Assert.NotEqual(before, after);
        for (int r = 0; r < 4; r++)
        {
            var x = new Vec(inputs, r * Inputs, Inputs);
            AssertLossAgrees(k => net.Loss(x, k), after.AsSpan(r * Classes, Classes), $"sample {r} after the update");
        }
    }
}
