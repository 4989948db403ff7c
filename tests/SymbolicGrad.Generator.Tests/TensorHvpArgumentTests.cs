using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// The Hvp of a function of Vec and Mat values whose first parameters are not differentiated ([NoDiff] x before b and
/// W): each buffer is checked against the shape of its own parameter (a Vec's by its length, a Mat's by its rows and
/// columns), the output compiles, and H·t matches central differences of the generated gradient.
/// </summary>
public sealed class TensorHvpArgumentTests
{
    private const string Source = """
        using SymbolicGrad;

        namespace Tensors;

        public static partial class Mixed
        {
            [Differentiable(Hessian = true)]
            public static float Loss([NoDiff] Vec x, Vec b, Mat W, int label) => Ops.SoftmaxCrossEntropy(Ops.Tanh(W * x + b), label);
        }
        """;

    [Fact]
    public void EachBufferIsCheckedAgainstItsOwnParametersShape()
    {
        var run = GeneratorHarness.Run(Source).AssertClean();
        string text = run.Source("Tensors.Mixed.Loss.Derivatives.g.cs");
        Assert.Contains("if (tB.Length != b.Length) throw", text);
        Assert.Contains("if (tW.Rows != W.Rows || tW.Cols != W.Cols) throw", text);
        Assert.Contains("if (hvW.Rows != W.Rows || hvW.Cols != W.Cols) throw", text);

        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        var hvp = assembly.Type("Tensors.Mixed").GetMethod("LossHvp")!;
        // A tangent of W's element count but transposed is refused, naming it.
        object[] transposed = [V(1f, -2f), V(0.1f, 0.2f, 0.3f), new Mat(3, 2), 1, new Vec(3), new Mat(2, 3), new Vec(3), new Mat(3, 2), new Vec(3), new Mat(3, 2)];
        var thrown = Assert.Throws<System.Reflection.TargetInvocationException>(() => hvp.Invoke(null, transposed));
        var argument = Assert.IsType<System.ArgumentException>(thrown.InnerException);
        Assert.Equal("tW", argument.ParamName);
    }

    [Fact]
    public void HvpMatchesCentralDifferencesOfTheGradient()
    {
        using var assembly = LoadedAssembly.Emit(GeneratorHarness.Run(Source).AssertClean().OutputCompilation);
        var type = assembly.Type("Tensors.Mixed");
        var gradientMethod = type.GetMethod("LossGradient")!;
        var hvp = type.GetMethod("LossHvp")!;
        var x = V(0.5f, -1.5f);
        float[] b = [0.2f, -0.1f, 0.4f], w = [0.3f, -0.2f, 0.1f, 0.5f, -0.4f, 0.25f];
        float[] tB = [0.7f, -0.3f, 0.2f], tW = [-0.5f, 0.4f, 0.9f, -0.1f, 0.3f, -0.6f];
        const int label = 2;

        float[] Gradient(double step)
        {
            var (dB, dW) = (new Vec(3), new Mat(3, 2));
            var bAt = V(b.Select((v, i) => (float)(v + step * tB[i])).ToArray());
            var wAt = new Mat(w.Select((v, i) => (float)(v + step * tW[i])).ToArray(), 3, 2);
            gradientMethod.Invoke(null, [x, bAt, wAt, label, dB, dW]);
            return [.. dB.Span.ToArray(), .. dW.Span.ToArray()];
        }

        var (gB, gW, hvB, hvW) = (new Vec(3), new Mat(3, 2), new Vec(3), new Mat(3, 2));
        hvp.Invoke(null, [x, V(b), new Mat(w, 3, 2), label, V(tB), new Mat(tW, 3, 2), gB, gW, hvB, hvW]);
        float[] hv = [.. hvB.Span.ToArray(), .. hvW.Span.ToArray()], gradient = [.. gB.Span.ToArray(), .. gW.Span.ToArray()];
        const double h = 1e-2;
        float[] plus = Gradient(h), minus = Gradient(-h), at = Gradient(0);
        for (int i = 0; i < hv.Length; i++)
        {
            Assert.Equal(at[i], gradient[i], 6);
            double central = (plus[i] - minus[i]) / (2 * h);
            Assert.True(System.Math.Abs(hv[i] - central) <= 2e-3 * (1 + System.Math.Abs(central)), $"(H·t)[{i}] = {hv[i]}, central differences {central}");
        }
        Assert.Contains(hv, v => System.Math.Abs(v) > 1e-3);
    }

    private static Vec V(params float[] values) => new(values);
}
