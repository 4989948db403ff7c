namespace SymbolicGrad.Runtime.Tests;

public class ParameterStoreTests
{
    private sealed class TwoLayer : Model
    {
        public readonly Mat W1;
        public readonly Vec B1;
        public readonly Mat W2;
        public readonly Vec B2;

        public TwoLayer(int inputs, int hidden, int outputs)
        {
            W1 = Parameters.Matrix(hidden, inputs, Init.He(1));
            B1 = Parameters.Vector(hidden);
            W2 = Parameters.Matrix(outputs, hidden, Init.Xavier(2));
            B2 = Parameters.Vector(outputs, Init.Normal(0.1f, 3));
        }

        public Mat[] Extra { get; } = [];

        public Vec Scale { get; init; }
    }

    private sealed class WithArrayAndProperty : Model
    {
        private readonly Mat[] _layers;

        public WithArrayAndProperty()
        {
            _layers = [Parameters.Matrix(2, 2, Init.He(0)), Parameters.Matrix(2, 2, Init.He(1))];
            Gain = Parameters.Vector(2, name: "gain");
            Shift = Parameters.Vector(2);
        }

        public Vec Gain { get; }

        public Vec Shift { get; }

        public Mat Layer(int i) => _layers[i];
    }

    [Fact]
    public void ParametersAreOneContiguousBufferInAllocationOrder()
    {
        var net = new TwoLayer(7, 5, 3);
        var p = net.Parameters;
        Assert.Equal(5 * 7 + 5 + 3 * 5 + 3, p.Count);
        Assert.Equal(p.Count, p.Values.Length);
        Assert.Equal(p.Count, p.Gradients.Length);
        Assert.Equal(0, net.W1.Offset);
        Assert.Equal(35, net.B1.Offset);
        Assert.Equal(40, net.W2.Offset);
        Assert.Equal(55, net.B2.Offset);

        // All views share the one current array, even though it was reallocated while they were created.
        Assert.Same(net.W1.Array, net.B2.Array);
        Assert.Same(net.W1.Array, net.B1.Array);
        Assert.Same(net.W1.Array, net.W2.Array);
    }

    [Fact]
    public void ValuesWrittenThroughViewsAreSeenInValuesAndBack()
    {
        var net = new TwoLayer(7, 5, 3);
        net.W1[4, 6] = 11f;
        net.B1[2] = 12f;
        net.W2[0, 0] = 13f;
        net.B2[2] = 14f;
        var values = net.Parameters.Values;
        Assert.Equal(11f, values[4 * 7 + 6]);
        Assert.Equal(12f, values[35 + 2]);
        Assert.Equal(13f, values[40]);
        Assert.Equal(14f, values[57]);

        values[36] = -1f;
        Assert.Equal(-1f, net.B1[1]);
    }

    [Fact]
    public void InitialValuesSurviveGrowth()
    {
        // W1 was filled before the buffer grew for B1, W2 and B2; it must still hold He values, not zeros.
        var net = new TwoLayer(7, 5, 3);
        var w1 = net.W1.ToArray();
        Assert.Contains(w1, v => v != 0f);
        var fresh = new float[35];
        Init.He(1).Fill(fresh, 7, 5);
        Assert.Equal(fresh, w1);
        Assert.All(net.B1.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ViewsStayValidWhenTheStoreGrowsLater()
    {
        var store = new ParameterStore();
        var a = store.Vector(3);
        a[0] = 5f;
        for (int i = 0; i < 20; i++)
        {
            store.Matrix(10, 10, Init.Zeros);
        }

        a[1] = 6f;
        Assert.Equal(5f, store.Values[0]);
        Assert.Equal(6f, store.Values[1]);
        Assert.Same(a.Array, store.Matrix(1, 1, Init.Zeros).Array);
        store.TrimExcess();
        Assert.Equal(store.Count, a.Array.Length);
        Assert.Equal(5f, a[0]);
    }

    [Fact]
    public void GradientOfMapsToTheSameOffsetInGradients()
    {
        var net = new TwoLayer(7, 5, 3);
        var p = net.Parameters;
        var dW2 = p.GradientOf(net.W2);
        Assert.Equal(net.W2.Rows, dW2.Rows);
        Assert.Equal(net.W2.Cols, dW2.Cols);
        dW2[1, 2] = 3f;
        p.GradientOf(net.B1)[4] = 4f;
        Assert.Equal(3f, p.Gradients[40 + 1 * 5 + 2]);
        Assert.Equal(4f, p.Gradients[39]);
        Assert.Equal(0f, p.Values[39]); // gradients are a separate buffer
        p.ZeroGradients();
        Assert.All(p.Gradients.ToArray(), g => Assert.Equal(0f, g));
        Assert.Equal(0f, dW2[1, 2]);
    }

    [Fact]
    public void GradientOfRejectsForeignViews()
    {
        var net = new TwoLayer(2, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => net.Parameters.GradientOf(new Mat(2, 2)));
        Assert.Contains("Mat[2×2]", e.Message);
        Assert.Throws<ArgumentException>(() => net.Parameters.GradientOf(net.Parameters.GradientOf(net.B1)));
        Assert.True(net.Parameters.Contains(net.B1));
        Assert.False(net.Parameters.Contains(new Vec(2)));
    }

    [Fact]
    public void LayoutNamesParametersAfterFields()
    {
        var layout = new TwoLayer(7, 5, 3).Parameters.Layout;
        Assert.Equal(["W1", "B1", "W2", "B2"], layout.Select(p => p.Name));
        Assert.Equal([0, 35, 40, 55], layout.Select(p => p.Offset));
        Assert.Equal(["Mat[5×7]", "Vec[5]", "Mat[3×5]", "Vec[3]"], layout.Select(p => p.Shape));
        Assert.True(layout[0].IsMatrix);
        Assert.False(layout[1].IsMatrix);
        Assert.Equal(35, layout[0].Length);
        Assert.Equal("W1: Mat[5×7] at 0", layout[0].ToString());
    }

    [Fact]
    public void LayoutNamesArraysPropertiesAndExplicitNames()
    {
        var layout = new WithArrayAndProperty().Parameters.Layout;
        Assert.Equal(["_layers[0]", "_layers[1]", "gain", "Shift"], layout.Select(p => p.Name));
    }

    [Fact]
    public void StandaloneStoreNamesByIndex()
    {
        var store = new ParameterStore();
        store.Vector(2);
        store.Matrix(2, 2, Init.Zeros, "w");
        Assert.Equal(["p0", "w"], store.Layout.Select(p => p.Name));
    }

    [Fact]
    public void BadShapesAreRejected()
    {
        var store = new ParameterStore();
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Matrix(-1, 2, Init.Zeros));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Vector(-3));
        Assert.Throws<ArgumentNullException>(() => store.Matrix(1, 2, null!));
    }
}
