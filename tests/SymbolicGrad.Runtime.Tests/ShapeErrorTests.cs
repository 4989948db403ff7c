using static SymbolicGrad.Ops;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

public class ShapeErrorTests
{
    private static readonly Vec Three = new(3);
    private static readonly Vec Four = new(4);

    private static void NamesBoth(Action action, string first, string second)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Contains(first, e.Message);
        Assert.Contains(second, e.Message);
    }

    [Fact]
    public void ElementwiseOperatorsNameBothShapes()
    {
        NamesBoth(() => _ = Three + Four, "Vec[3]", "Vec[4]");
        NamesBoth(() => _ = Three - Four, "Vec[3]", "Vec[4]");
        NamesBoth(() => _ = Three * Four, "Vec[3]", "Vec[4]");
        Assert.Contains("left + right", Assert.Throws<ArgumentException>(() => _ = Three + Four).Message);
    }

    [Fact]
    public void MatrixVectorNamesBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new Mat(2, 3) * Four);
        Assert.Contains("Mat[2×3]", e.Message);
        Assert.Contains("Vec[4]", e.Message);
        Assert.Contains("W * x", e.Message);
    }

    [Fact]
    public void FunctionsNameBothShapes()
    {
        NamesBoth(() => Dot(Three, Four), "Vec[3]", "Vec[4]");
        NamesBoth(() => Mse(Three, Four), "Vec[3]", "Vec[4]");
        NamesBoth(() => Mae(Three, Four), "Vec[3]", "Vec[4]");
        NamesBoth(() => BinaryCrossEntropy(Three, Four), "Vec[3]", "Vec[4]");
        Assert.Contains("Mse(pred, target)", Assert.Throws<ArgumentException>(() => Mse(Three, Four)).Message);
    }

    [Fact]
    public void EmptyAndLabelErrors()
    {
        Assert.Contains("Vec[0]", Assert.Throws<ArgumentException>(() => Mean(new Vec(0))).Message);
        Assert.Throws<ArgumentException>(() => Softmax(new Vec(0)));
        Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy(new Vec(0), 0));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxCrossEntropy(Three, 3));
        Assert.Contains("label 3", e.Message);
        Assert.Contains("[0, 3)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxCrossEntropy(Three, -1));
    }

    [Fact]
    public void KernelViewOverloadsNameShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.MatVecAdd(new Mat(2, 3), Four, new Vec(2)));
        Assert.Contains("Mat[2×3]", e.Message);
        Assert.Contains("Vec[4]", e.Message);
        var g = Assert.Throws<ArgumentException>(() => Kernels.MatMulAddABt(new Mat(5, 3), new Mat(4, 2), new Mat(5, 4)));
        Assert.Contains("Mat[5×3]", g.Message);
        Assert.Contains("Mat[4×2]", g.Message);
        var t = Assert.Throws<ArgumentException>(() => Kernels.MatMulAddAtB(new Mat(5, 3), new Mat(5, 2), new Mat(2, 3)));
        Assert.Contains("Mat[3×2]", t.Message);
        Assert.Contains("Mat[2×3]", t.Message);
        Assert.Throws<ArgumentException>(() => Kernels.MatMulAdd(new Mat(5, 3), new Mat(4, 2), new Mat(5, 2)));
        Assert.Throws<ArgumentException>(() => Kernels.MatTVecAdd(new Mat(2, 3), Three, new Vec(3)));
        Assert.Throws<ArgumentException>(() => Kernels.OuterAdd(new Mat(2, 3), 1f, Three, Three));
    }

    [Fact]
    public void KernelSpanErrorsNameOperandAndShape()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.MatVecAdd(new float[6], 2, 3, new float[4], new float[2]));
        Assert.Contains("Kernels.MatVecAdd", e.Message);
        Assert.Contains("x has 4 elements", e.Message);
        Assert.Contains("2×3", e.Message);
        Assert.Equal("x", e.ParamName);
        var m = Assert.Throws<ArgumentException>(() => Kernels.MatMulAdd(new float[6], new float[6], new float[5], 2, 2, 3));
        Assert.Equal("c", m.ParamName);
        Assert.Contains("2×2 needs 4", m.Message);
        var ld = Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.MatMulAdd(new float[6], 2, new float[6], 2, new float[4], 2, 2, 2, 3));
        Assert.Contains("leading dimension of a (2)", ld.Message);
        var overlap = new float[10];
        var o = Assert.Throws<ArgumentException>(() => Kernels.MatMulAdd(overlap.AsSpan(0, 4), overlap.AsSpan(2, 4), overlap.AsSpan(4, 4), 2, 2, 2));
        Assert.Contains("overlaps", o.Message);
        var label = Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.SoftmaxCrossEntropyRows(new float[6], 2, 3, [0, 3], new float[6]));
        Assert.Contains("row 1", label.Message);
    }
}
