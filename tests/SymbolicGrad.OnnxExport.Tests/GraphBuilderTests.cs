using SymbolicGrad.CompilerServices;
using static SymbolicGrad.OnnxExport.Tests.OnnxRunner;

namespace SymbolicGrad.OnnxExport.Tests;

/// <summary>The runtime's graph builder: reshaped weights, unique names, values of another graph refused.</summary>
public sealed class GraphBuilderTests
{
    [Fact]
    public void AReshapedWeightKeepsItsElementsInOrder()
    {
        var model = new Described(graph =>
        {
            var x = graph.Input("x", OnnxType.Float, 6);
            // W is 2 × 3; as [6] it adds element-wise to x.
            var w = graph.Weight("W", Matrix(2, 3), 6);
            graph.Output("y", graph.Node("Add", "y", new[] { x, w }), OnnxType.Float, 6);
        });
        float[] inputs = RandomInputs(2, 6, seed: 1);

        var (y, _) = Run(Onnx.ToBytes(model), "x", inputs, 2, "y");

        for (int i = 0; i < 12; i++) Assert.Equal(inputs[i] + (i % 6), y[i], 6);
    }

    [Theory]
    [InlineData(new long[] { 5 })]
    [InlineData(new long[] { 3, 0, 2 })]
    public void AShapeOfAnotherSizeIsRefused(long[] shape)
    {
        var graph = Graph();

        var error = Assert.Throws<ArgumentException>(() => graph.Weight("W", Matrix(2, 3), shape));

        Assert.Contains("Weight 'W'", error.Message);
    }

    [Fact]
    public void NamesAskedForTwiceAreMadeUnique()
    {
        var model = new Described(graph =>
        {
            var x = graph.Input("x", OnnxType.Float, 2);
            var a = graph.Node("Mul", "x", new[] { x, graph.Constant(2f) }); // asks for the input's name
            var b = graph.Node("Add", "x", new[] { a, graph.Constant(2f) });
            graph.Output("x_out", b, OnnxType.Float, 2);
        });

        var (y, _) = Run(Onnx.ToBytes(model), "x", new[] { 1f, -3f }, 1, "x_out");

        Assert.Equal(new[] { 4f, -4f }, y);
    }

    [Fact]
    public void AValueNotOfTheGraphIsRefused()
    {
        var graph = Graph();

        var error = Assert.Throws<ArgumentException>(() => graph.Node("Relu", "r", new[] { default(OnnxValue) }));

        Assert.Contains("Relu", error.Message);
    }

    [Fact]
    public void ASecondOutputIsRefused()
    {
        var model = new Described(graph =>
        {
            var x = graph.Input("x", OnnxType.Float, 2);
            graph.Output("y", x, OnnxType.Float, 2);
            graph.Output("z", x, OnnxType.Float, 2);
        });

        var error = Assert.Throws<InvalidOperationException>(() => Onnx.ToBytes(model));

        Assert.Contains("already has its output 'y'", error.Message);
    }

    private static Mat Matrix(int rows, int cols) => new(Enumerable.Range(0, rows * cols).Select(i => (float)i).ToArray(), rows, cols);

    /// <summary>A graph builder, from a model that hands it out (the builder has no public constructor).</summary>
    private static OnnxGraph Graph()
    {
        OnnxGraph? captured = null;
        Onnx.ToBytes(new Described(graph =>
        {
            captured = graph;
            graph.Output("x", graph.Input("x", OnnxType.Float, 1), OnnxType.Float, 1);
        }));
        return captured!;
    }

    /// <summary>A model that describes its graph with the given code.</summary>
    private sealed class Described(Action<OnnxGraph> describe) : Model, IOnnxExportable
    {
        void IOnnxExportable.DescribePrediction(OnnxGraph graph) => describe(graph);
    }
}
