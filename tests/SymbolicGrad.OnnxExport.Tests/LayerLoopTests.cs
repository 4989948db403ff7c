using SymbolicGrad.CompilerServices;
using static SymbolicGrad.OnnxExport.Tests.OnnxRunner;

namespace SymbolicGrad.OnnxExport.Tests;

/// <summary>
/// A loop over layers is unrolled at export time: the description runs as C# with the lengths of the model's arrays,
/// and each layer's weights become initializers named <c>W[l]</c>. The model here describes itself as generated code
/// for a layer loop will.
/// </summary>
public sealed class LayerLoopTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void EveryLayerOfTheArraysIsExported(int hiddenLayers)
    {
        var net = new LayeredNet(inputs: 6, width: 5, hiddenLayers, outputs: 3);
        float[] inputs = RandomInputs(100, 6, seed: hiddenLayers);

        var (outputs, shape) = Run(Onnx.ToBytes(net), "x", inputs, 100, "logits");

        Assert.Equal(new long[] { 100, 3 }, shape);
        for (int r = 0; r < 100; r++) AssertClose(net.Forward(new Vec(inputs, r * 6, 6)).Span, outputs.AsSpan(r * 3, 3), $"sample {r}");
    }

    [Fact]
    public void LayersAreNamedByTheirIndex()
    {
        var net = new LayeredNet(inputs: 2, width: 2, hiddenLayers: 3, outputs: 2);

        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(Onnx.ToBytes(net));

        // The weights are initializers, not inputs; the graph has only x.
        Assert.Equal(new[] { "x" }, session.InputMetadata.Keys);
        string text = System.Text.Encoding.UTF8.GetString(Onnx.ToBytes(net));
        foreach (string name in new[] { "W[0]", "W[3]", "b[0]", "b[3]" }) Assert.Contains(name, text);
        Assert.DoesNotContain("W[4]", text);
    }

    /// <summary>relu layers in a loop over readonly Mat[] / Vec[] fields, then a linear layer.</summary>
    private sealed class LayeredNet : Model, IOnnxExportable
    {
        private readonly Mat[] W;
        private readonly Vec[] b;

        public LayeredNet(int inputs, int width, int hiddenLayers, int outputs)
        {
            W = new Mat[hiddenLayers + 1];
            b = new Vec[hiddenLayers + 1];
            for (int l = 0; l <= hiddenLayers; l++)
            {
                W[l] = Parameters.Matrix(l == hiddenLayers ? outputs : width, l == 0 ? inputs : width, Init.Xavier(l));
                b[l] = Parameters.Vector(l == hiddenLayers ? outputs : width, Init.Normal(0.3f, 100 + l));
            }
        }

        public Vec Forward(Vec x)
        {
            Vec h = x;
            for (int l = 0; l < W.Length - 1; l++) h = Ops.Relu(W[l] * h + b[l]);
            return W[^1] * h + b[^1];
        }

        void IOnnxExportable.DescribePrediction(OnnxGraph graph)
        {
            var h = graph.Input("x", OnnxType.Float, W[0].Cols);
            for (int l = 0; l < W.Length - 1; l++)
            {
                var z = graph.Node("Gemm", "z", new[] { h, graph.Weight("W", l, W[l]) }, OnnxAttribute.Int("transB", 1));
                h = graph.Node("Max", "h", new[] { graph.Node("Add", "a", new[] { z, graph.Weight("b", l, b[l]) }), graph.Constant(0f) });
            }
            int last = W.Length - 1;
            var logits = graph.Node("Add", "o", new[]
            {
                graph.Node("Gemm", "t", new[] { h, graph.Weight("W", last, W[last]) }, OnnxAttribute.Int("transB", 1)),
                graph.Weight("b", last, b[last]),
            });
            graph.Output("logits", logits, OnnxType.Float, W[last].Rows);
        }
    }
}
