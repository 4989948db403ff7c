using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// The emitted text of a call through a [DerivativeOf] rule, a Jvp and a Hessian (with its Hvp), compared with
/// Baselines/&lt;TestName&gt;.g.cs; each output compiles, and its values are checked where reflection can call it.
/// </summary>
public sealed class DerivedBaselineTests
{
    [Fact]
    public void RuleCallAcrossTypes()
    {
        const string source = """
            using System;
            using SymbolicGrad;

            namespace Rules;

            public static class Special
            {
                public static double Softplus(double x) => x > 30 ? x : Math.Log(1 + Math.Exp(x));
            }

            public static partial class Stable
            {
                [DerivativeOf(typeof(Special), nameof(Special.Softplus))]
                public static double SoftplusRule(double x, out double dX)
                {
                    dX = 1 / (1 + Math.Exp(-x));
                    return Special.Softplus(x);
                }
            }

            public static partial class Loss
            {
                [Differentiable(Jvp = true)]
                public static double Logistic([NoDiff] double y, double w, double b) => Special.Softplus(-y * (w + b)) + 0.5 * w * w;
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Rules.Loss.Logistic.g.cs");
        GeneratedGradientCheck.AssertMatches(assembly, "Rules.Loss", "Logistic", 1.0, 0.25, -0.5);
        GeneratedGradientCheck.AssertMatches(assembly, "Rules.Loss", "Logistic", -1.0, 1.5, 0.75);
    }

    private const string ArrayRuleSource = $$"""
        using System;
        using SymbolicGrad;

        namespace Rules;

        public static partial class Squares
        {
        {{RuleSources.SquaresTimesWithItsRule}}
            [Differentiable(Jvp = true)]
            public static double Sine(double[] xs, [NoDiff] double[] data, double a) => Math.Sin(SquaresTimes(xs, a)) + SquaresTimes(data, a);

            // For the test, which cannot pass spans by reflection: ∂/∂xs then ∂/∂a, and the tangent.
            public static double[] GradientOf(double[] xs, double[] data, double a)
            {
                var d = new double[xs.Length + 1];
                SineGradient(xs, data, a, d.AsSpan(0, xs.Length), out d[xs.Length]);
                return d;
            }

            public static double TangentOf(double[] xs, double[] data, double a, double[] tXs, double tA)
            {
                SineJvp(xs, data, a, tXs, tA, out double tangent);
                return tangent;
            }
        }
        """;

    [Fact]
    public void RuleCallWithAnArrayDerivative()
    {
        // The rule adds ∂F/∂xs into a zeroed stack buffer, which the backward pass scales into dXs; data's buffer is not read.
        using var assembly = Baseline.VerifyAndLoad(ArrayRuleSource, "Rules.Squares.Sine.g.cs");
        double[] xs = [0.5, -1.25, 2.0], data = [1.5, 0.25];
        var d = (double[])assembly.Type("Rules.Squares").GetMethod("GradientOf")!.Invoke(null, [xs, data, 0.75])!;
        double s = 0.25 + 1.5625 + 4, dataSquares = 2.25 + 0.0625;
        for (int i = 0; i < 3; i++) Assert.Equal(Math.Cos(s * 0.75) * 2 * xs[i] * 0.75, d[i], 1e-14);
        Assert.Equal(Math.Cos(s * 0.75) * s + dataSquares, d[3], 1e-14);
    }

    [Fact]
    public void RuleCallWithAnArrayDerivativeJvp()
    {
        // The tangent through the rule is its buffer dotted with tXs, plus ∂F/∂a·tA.
        using var assembly = Baseline.VerifyAndLoad(ArrayRuleSource, "Rules.Squares.Sine.Derivatives.g.cs");
        double[] xs = [0.5, -1.25, 2.0], data = [1.5, 0.25], tXs = [1.0, 0.5, -0.25];
        double tangent = (double)assembly.Type("Rules.Squares").GetMethod("TangentOf")!.Invoke(null, [xs, data, 0.75, tXs, -2.0])!;
        double s = 0.25 + 1.5625 + 4, dataSquares = 2.25 + 0.0625;
        double dot = 2 * 0.75 * (0.5 * 1.0 + -1.25 * 0.5 + 2.0 * -0.25);
        Assert.Equal(Math.Cos(s * 0.75) * (dot + s * -2.0) + dataSquares * -2.0, tangent, 1e-14);
    }

    [Fact]
    public void RuleCallInABranch()
    {
        // The function and its rule run only where the method calls the function: under its condition, outs 0 elsewhere.
        string source = ArrayRuleSource.Replace(
            "public static double Sine(double[] xs, [NoDiff] double[] data, double a) => Math.Sin(SquaresTimes(xs, a)) + SquaresTimes(data, a);",
            "public static double Sine(double[] xs, [NoDiff] double[] data, double a) => a > 0 ? Math.Sin(SquaresTimes(xs, a)) : SquaresTimes(data, a);");
        using var assembly = Baseline.VerifyAndLoad(source, "Rules.Squares.Sine.g.cs");
        double[] xs = [0.5, -1.25, 2.0], data = [1.5, 0.25];
        double s = 0.25 + 1.5625 + 4, dataSquares = 2.25 + 0.0625;
        foreach (double a in new[] { 0.75, -0.75 })
        {
            var d = (double[])assembly.Type("Rules.Squares").GetMethod("GradientOf")!.Invoke(null, [xs, data, a])!;
            for (int i = 0; i < 3; i++) Assert.Equal(a > 0 ? Math.Cos(s * a) * 2 * xs[i] * a : 0, d[i], 1e-14);
            Assert.Equal(a > 0 ? Math.Cos(s * a) * s : dataSquares, d[3], 1e-14);
        }
    }

    [Fact]
    public void RuleCallWithAnArrayDerivativeInALoop()
    {
        // Inside a loop the buffer is declared once before the loops and cleared before each call of the rule.
        string source = ArrayRuleSource.Replace(
            "public static double Sine(double[] xs, [NoDiff] double[] data, double a) => Math.Sin(SquaresTimes(xs, a)) + SquaresTimes(data, a);",
            "public static double Sine(double[] xs, [NoDiff] double[] data, double a) { double t = 0; for (int k = 1; k <= 3; k++) t += Math.Sin(SquaresTimes(xs, a * k)); return t + SquaresTimes(data, a); }");
        using var assembly = Baseline.VerifyAndLoad(source, "Rules.Squares.Sine.g.cs");
        double[] xs = [0.5, -1.25, 2.0], data = [1.5, 0.25];
        var d = (double[])assembly.Type("Rules.Squares").GetMethod("GradientOf")!.Invoke(null, [xs, data, 0.75])!;
        double s = 0.25 + 1.5625 + 4, dataSquares = 2.25 + 0.0625;
        for (int i = 0; i < 3; i++) Assert.Equal(Enumerable.Range(1, 3).Sum(k => Math.Cos(s * 0.75 * k) * 2 * xs[i] * 0.75 * k), d[i], 1e-13);
        Assert.Equal(Enumerable.Range(1, 3).Sum(k => Math.Cos(s * 0.75 * k) * s * k) + dataSquares, d[3], 1e-13);
    }

    [Fact]
    public void GaborJvp()
    {
        const string source = """
            using System;
            using SymbolicGrad;

            namespace Lectures;

            public static partial class Gabor
            {
                [Differentiable(Jvp = true)]
                public static double Predict([NoDiff] double x, double phi0, double phi1)
                {
                    double z = phi0 + 0.06 * phi1 * x;
                    return Math.Sin(z) * Math.Exp(-(z * z) / 32.0);
                }
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Lectures.Gabor.Predict.Derivatives.g.cs");
        var gradient = assembly.InvokeGradient("Lectures.Gabor", "Predict", 3.0, 0.5, 1.5);
        var jvp = assembly.Type("Lectures.Gabor").GetMethod("PredictJvp")!;
        object[] args = [3.0, 0.5, 1.5, 0.75, -2.0, 0.0];
        double value = (double)jvp.Invoke(null, args)!;
        Assert.Equal(gradient.Value, value);
        Assert.Equal(gradient["dPhi0"] * 0.75 + gradient["dPhi1"] * -2.0, (double)args[5], 1e-14);
    }

    [Fact]
    public void HornerJvpRegroupsTheCarriedTangent()
    {
        const string source = """
            using SymbolicGrad;

            namespace Loops;

            public static partial class Polynomial
            {
                [Differentiable(Jvp = true)]
                public static double Horner(double[] c, double x)
                {
                    double p = 0;
                    for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
                    return p;
                }
            }
            """;
        var run = GeneratorHarness.Run(source).AssertClean();
        Assert.Empty(run.OutputErrors);
        string text = run.Source("Loops.Polynomial.Horner.Derivatives.g.cs");
        Baseline.Verify(text, nameof(HornerJvpRegroupsTheCarriedTangent));
        // The carried tangent waits for one multiply and one add per iteration, as p does (not for two adds).
        Assert.Contains("tP = tP * x + (tX * p + tC[i]);", text);
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        // p(x) = 1 + 2x + 3x², at x = 0.5 with t = (tC = [0.25, 0.5, -1], tX = 2):
        // ∇p·t = 0.25 + 0.5·0.5 − 0.25 + 2·(2 + 6·0.5) = 10.25, exact in binary.
        var jvp = assembly.Type("Loops.Polynomial").GetMethod("HornerJvp")!;
        var c = new[] { 1.0, 2.0, 3.0 };
        var tC = new[] { 0.25, 0.5, -1.0 };
        var call = jvp.CreateDelegate<HornerJvp>();
        double value = call(c, 0.5, tC, 2.0, out double tangent);
        Assert.Equal(2.75, value);
        Assert.Equal(10.25, tangent);
    }

    private delegate double HornerJvp(double[] c, double x, System.ReadOnlySpan<double> tC, double tX, out double tangent);

    [Fact]
    public void RosenbrockHessian()
    {
        const string source = """
            using SymbolicGrad;

            namespace Curvature;

            public static partial class Banana
            {
                [Differentiable(Hessian = true)]
                public static double Rosenbrock(double x, double y) => (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Curvature.Banana.Rosenbrock.Derivatives.g.cs");
        // H·e₁ and H·e₂ at (1, 1): the columns of [[802, −400], [−400, 200]], exactly.
        var hvp = assembly.Type("Curvature.Banana").GetMethod("RosenbrockHvp")!;
        object[] first = [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        hvp.Invoke(null, first);
        Assert.Equal([0.0, 0.0, 802.0, -400.0], first[4..]);
        object[] second = [1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
        hvp.Invoke(null, second);
        Assert.Equal([0.0, 0.0, -400.0, 200.0], second[4..]);
    }

    [Fact]
    public void DenseSoftmaxJvp()
    {
        const string source = """
            using SymbolicGrad;

            namespace Tensors;

            public static partial class Dense
            {
                [Differentiable(Jvp = true)]
                public static float Loss(Mat W, Vec b, [NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(Ops.Tanh(W * x + b), label);
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Tensors.Dense.Loss.Derivatives.g.cs");
        // At W = 0, b = 0: logits 0, softmax uniform (1/4 each), tanh′ = 1, so ∇L·t = Σᵢ (1/4 − [i = label])·(tW·x + tb)ᵢ.
        var jvp = assembly.Type("Tensors.Dense").GetMethod("LossJvp")!;
        var w = new Mat(4, 2);
        var b = new Vec(4);
        var x = new Vec(new float[] { 1f, 2f });
        var tW = new Mat(4, 2);
        var tB = new Vec(new float[] { 1f, 0.5f, -2f, 4f });
        tW[1, 0] = 1f; // (tW·x)₁ = 1
        object[] args = [w, b, x, 2, tW, tB, 0f];
        float value = (float)jvp.Invoke(null, args)!;
        Assert.Equal(System.MathF.Log(4f), value, 6);
        // tz = tW·x + tb = (1, 1.5, −2, 4); Σ tz/4 = 1.125, minus tz₂ = −2: 3.125.
        Assert.Equal(3.125f, (float)args[6], 5); // softmax = exp(0 − log 4) rounds
    }

    [Fact]
    public void DenseSoftmaxHvp()
    {
        const string source = """
            using SymbolicGrad;

            namespace Tensors;

            public static partial class Dense
            {
                [Differentiable(Hessian = true)]
                public static float Loss(Mat W, Vec b, [NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(Ops.Tanh(W * x + b), label);
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Tensors.Dense.Loss.Derivatives.g.cs");
        // At W = 0, b = 0: z = 0, tanh′ = 1, tanh″ = 0, softmax p uniform (1/4 each). Along t = (0, tB):
        // ∂L/∂b = p − onehot(label), and (H·t)_b = (diag(p) − p·pᵀ)·tB = tB/4 − (Σ tB)/16.
        var hvp = assembly.Type("Tensors.Dense").GetMethod("LossHvp")!;
        var (dW, dB, hvW, hvB) = (new Mat(4, 2), new Vec(4), new Mat(4, 2), new Vec(4));
        var tB = new Vec(new float[] { 1f, 0.5f, -2f, 4f });
        object[] args = [new Mat(4, 2), new Vec(4), new Vec(new float[] { 1f, 2f }), 2, new Mat(4, 2), tB, dW, dB, hvW, hvB];
        float value = (float)hvp.Invoke(null, args)!;
        Assert.Equal(System.MathF.Log(4f), value, 6);
        float[] gradient = [0.25f, 0.25f, -0.75f, 0.25f], expected = [0.03125f, -0.09375f, -0.71875f, 0.78125f];
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(gradient[i], dB[i], 6);
            Assert.Equal(expected[i], hvB[i], 6);
            // (H·t)_W = (H·t)_b·xᵀ (the W-b block), x = (1, 2).
            Assert.Equal(expected[i], hvW[i, 0], 6);
            Assert.Equal(2 * expected[i], hvW[i, 1], 6);
        }
    }

    [Fact]
    public void DigitNetJvp()
    {
        const string source = """
            using SymbolicGrad;

            namespace Nets;

            public sealed partial class Net : Model
            {
                private readonly Mat W1, W2;
                private readonly Vec b1, b2;

                public Net()
                {
                    W1 = Parameters.Matrix(3, 2, Init.Zeros);
                    b1 = Parameters.Vector(3);
                    W2 = Parameters.Matrix(4, 3, Init.Zeros);
                    b2 = Parameters.Vector(4);
                }

                [Differentiable(Jvp = true)]
                public float Loss([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(W2 * Ops.Relu(W1 * x + b1) + b2, label);
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Nets.Net.Loss.Derivatives.g.cs");
        // All weights 0: logits 0, softmax uniform (1/4), the hidden layer 0, so only b2 moves the loss:
        // ∇L·t = Σᵢ (1/4 − [i = label])·t_b2ᵢ, b2 the last 4 entries of the direction (6 + 3 + 12 before it).
        var type = assembly.Type("Nets.Net");
        var net = System.Activator.CreateInstance(type)!;
        var jvp = type.GetMethod("LossJvp")!;
        Assert.Equal("direction", jvp.GetParameters()[2].Name);
        var direction = new float[25];
        for (int i = 0; i < 21; i++) direction[i] = 7f; // only through zero weights: no effect at this point
        direction[21] = 1f; direction[22] = 0.5f; direction[23] = -2f; direction[24] = 4f;
        // ReadOnlySpan cannot be boxed: call through a delegate of the method's own signature.
        var call = (JvpCall)jvp.CreateDelegate(typeof(JvpCall), net);
        float value = call(new Vec(new float[] { 1f, 2f }), 2, direction, out float tangent);
        Assert.Equal(System.MathF.Log(4f), value, 6);
        Assert.Equal(3.5f / 4f + 2f, tangent, 5);
        Assert.Throws<System.ArgumentException>(() => call(new Vec(new float[] { 1f, 2f }), 2, new float[24], out _));
    }

    [Fact]
    public void DigitNetHvp()
    {
        const string source = """
            using SymbolicGrad;

            namespace Nets;

            public sealed partial class Net : Model
            {
                private readonly Mat W1, W2;
                private readonly Vec b1, b2;

                public Net()
                {
                    W1 = Parameters.Matrix(3, 2, Init.Zeros);
                    b1 = Parameters.Vector(3);
                    W2 = Parameters.Matrix(4, 3, Init.Zeros);
                    b2 = Parameters.Vector(4);
                }

                [Differentiable(Hessian = true)]
                public float Loss([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(W2 * Ops.Tanh(W1 * x + b1) + b2, label);
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Nets.Net.Loss.Derivatives.g.cs");
        // All weights 0: the hidden layer 0, softmax p uniform (1/4). Along v moving b2 only (its last 4 entries, after
        // 6 + 3 + 12): ∂L/∂b2 = p − onehot(label) and (H·v)_b2 = (diag(p) − p·pᵀ)·v_b2 = v_b2/4 − (Σ v_b2)/16; every other
        // entry of H·v reads the hidden layer, W2 or their tangents, all zero here.
        var type = assembly.Type("Nets.Net");
        var net = System.Activator.CreateInstance(type)!;
        var hvp = type.GetMethod("LossHvp")!;
        Assert.Equal(["x", "label", "direction", "gradient", "hv"], hvp.GetParameters().Select(p => p.Name));
        var call = (HvpCall)hvp.CreateDelegate(typeof(HvpCall), net);
        var direction = new float[25];
        direction[21] = 1f; direction[22] = 0.5f; direction[23] = -2f; direction[24] = 4f;
        var (gradient, hv) = (new float[25], new float[25]);
        float value = call(new Vec(new float[] { 1f, 2f }), 2, direction, gradient, hv);
        Assert.Equal(System.MathF.Log(4f), value, 6);
        float[] dB2 = [0.25f, 0.25f, -0.75f, 0.25f], hvB2 = [0.03125f, -0.09375f, -0.71875f, 0.78125f];
        // Softmax of zeros rounds 1/4 to an ulp below in float.
        for (int i = 0; i < 25; i++)
        {
            Assert.Equal(i < 21 ? 0f : dB2[i - 21], gradient[i], 6);
            Assert.Equal(i < 21 ? 0f : hvB2[i - 21], hv[i], 6);
        }
        var error = Assert.Throws<System.ArgumentException>(() => call(new Vec(new float[] { 1f, 2f }), 2, direction, gradient, new float[24]));
        Assert.Equal("hv", error.ParamName);
    }

    private delegate float HvpCall(Vec x, int label, System.ReadOnlySpan<float> direction, System.Span<float> gradient, System.Span<float> hv);

    private delegate float JvpCall(Vec x, int label, System.ReadOnlySpan<float> direction, out float tangent);

    [Fact]
    public void LayerLoopNetJvp()
    {
        const string source = """
            using SymbolicGrad;

            namespace Nets;

            public sealed partial class Layered : Model
            {
                private readonly Mat[] W;
                private readonly Vec[] b;

                public Layered()
                {
                    W = new Mat[2];
                    b = new Vec[2];
                    W[0] = Parameters.Matrix(3, 2, Init.Zeros);
                    b[0] = Parameters.Vector(3);
                    W[1] = Parameters.Matrix(4, 3, Init.Zeros);
                    b[1] = Parameters.Vector(4);
                    b[0][0] = 1f;
                    b[0][1] = -1f;
                    b[0][2] = 2f;
                }

                [Differentiable(Jvp = true)]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    for (int l = 0; l < W.Length; l++) h = l < W.Length - 1 ? Ops.Relu(W[l] * h + b[l]) : W[l] * h + b[l];
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Nets.Layered.Loss.Derivatives.g.cs");
        // W[0] = 0 and b[0] = (1, −1, 2): the hidden layer is relu(b[0]) = (1, 0, 2) whatever x; W[1] = 0, b[1] = 0: logits 0,
        // softmax uniform (1/4), L = log 4. The logits' tangent is tW[1]·(1, 0, 2) + tb[1] (W[1]·t_hidden = 0), so with
        // tW[1] all ones and tb[1] = (1, 0.5, −2, 4) it is (4, 3.5, 1, 7); ∇L·t = Σ t/4 − t[label = 2] = 3.875 − 1 = 2.875.
        // The direction is laid out as the layers made their weights: W[0] (6), b[0] (3), W[1] (12), b[1] (4).
        var type = assembly.Type("Nets.Layered");
        var net = System.Activator.CreateInstance(type)!;
        var call = (JvpCall)type.GetMethod("LossJvp")!.CreateDelegate(typeof(JvpCall), net);
        var direction = new float[25];
        for (int i = 0; i < 9; i++) direction[i] = 7f; // the first layer's: no effect through W[1] = 0
        for (int i = 9; i < 21; i++) direction[i] = 1f;
        direction[21] = 1f; direction[22] = 0.5f; direction[23] = -2f; direction[24] = 4f;
        float value = call(new Vec(new float[] { 1f, 2f }), 2, direction, out float tangent);
        Assert.Equal(System.MathF.Log(4f), value, 6);
        Assert.Equal(2.875f, tangent, 5);
    }

    [Fact]
    public void LayerLoopNetHvp()
    {
        const string source = """
            using SymbolicGrad;

            namespace Nets;

            public sealed partial class Layered : Model
            {
                private readonly Mat[] W;
                private readonly Vec[] b;

                public Layered()
                {
                    W = new Mat[2];
                    b = new Vec[2];
                    W[0] = Parameters.Matrix(3, 2, Init.Zeros);
                    b[0] = Parameters.Vector(3);
                    W[1] = Parameters.Matrix(4, 3, Init.Zeros);
                    b[1] = Parameters.Vector(4);
                    b[0][0] = 1f;
                    b[0][1] = -1f;
                    b[0][2] = 2f;
                }

                [Differentiable(Hessian = true)]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    for (int l = 0; l < W.Length; l++) h = l < W.Length - 1 ? Ops.Relu(W[l] * h + b[l]) : W[l] * h + b[l];
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Nets.Layered.Loss.Derivatives.g.cs");
        // As in LayerLoopNetJvp: the hidden layer is relu(b[0]) = (1, 0, 2), the logits 0, softmax p uniform, so
        // ∂L/∂logits = d = p − onehot(2) = (¼, ¼, −¾, ¼). Along v (W[0], b[0] all 7, W[1] all ones, b[1] = (1, ½, −2, 4)) the
        // hidden layer's tangent is relu'·(tW[0]·x + tb[0]) = (28, 0, 28) with x = (1, 2), the logits' s = (4, 3.5, 1, 7), and
        // u = (diag(p) − p·pᵀ)·s = s/4 − Σs/16. So (H·v)_b[1] = u, (H·v)_W[1] = u·hiddenᵀ + d·(28, 0, 28)ᵀ, and the first
        // layer gets nothing: W[1] = 0 and tW[1]ᵀ·d = Σd = 0 stop ∂L/∂hidden and its tangent.
        var type = assembly.Type("Nets.Layered");
        var net = System.Activator.CreateInstance(type)!;
        var hvp = type.GetMethod("LossHvp")!;
        Assert.Equal(["x", "label", "direction", "gradient", "hv"], hvp.GetParameters().Select(p => p.Name));
        var call = (HvpCall)hvp.CreateDelegate(typeof(HvpCall), net);
        var direction = new float[25];
        for (int i = 0; i < 9; i++) direction[i] = 7f;
        for (int i = 9; i < 21; i++) direction[i] = 1f;
        direction[21] = 1f; direction[22] = 0.5f; direction[23] = -2f; direction[24] = 4f;
        var (gradient, hv) = (new float[25], new float[25]);
        float value = call(new Vec(new float[] { 1f, 2f }), 2, direction, gradient, hv);
        Assert.Equal(System.MathF.Log(4f), value, 6);
        float[] d = [0.25f, 0.25f, -0.75f, 0.25f], u = [0.03125f, -0.09375f, -0.71875f, 0.78125f];
        float[] hidden = [1f, 0f, 2f], tHidden = [28f, 0f, 28f];
        for (int i = 0; i < 9; i++)
        {
            // Softmax of zeros rounds ¼ an ulp below in float, so Σd is not quite 0.
            Assert.Equal(0f, gradient[i], 6);
            Assert.Equal(0f, hv[i], 6);
        }
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(d[i] * hidden[j], gradient[9 + 3 * i + j], 6);
                Assert.Equal(u[i] * hidden[j] + d[i] * tHidden[j], hv[9 + 3 * i + j], 5);
            }
            Assert.Equal(d[i], gradient[21 + i], 6);
            Assert.Equal(u[i], hv[21 + i], 6);
        }
        var error = Assert.Throws<System.ArgumentException>(() => call(new Vec(new float[] { 1f, 2f }), 2, direction, new float[26], hv));
        Assert.Equal("gradient", error.ParamName);
    }

    [Fact]
    public void ConvNetJvp()
    {
        const string source = """
            using SymbolicGrad;

            namespace Nets;

            public sealed partial class Cnn : Model
            {
                private readonly Conv2d conv;
                private readonly Mat W;
                private readonly Vec b;

                public Cnn()
                {
                    conv = Parameters.Conv2d(1, 2, kernel: 2, init: Init.Zeros);
                    W = Parameters.Matrix(3, 2, Init.Zeros);
                    b = Parameters.Vector(3);
                    conv.Weights[0, 0] = 1f;  // filter 0: the top-left pixel of each patch
                    conv.Weights[1, 3] = -1f; // filter 1: minus the bottom-right one, plus its bias 1
                    conv.Bias[1] = 1f;
                    W[0, 0] = 1f;
                    W[1, 1] = 1f;
                }

                [Differentiable(Jvp = true)]
                public float Loss([NoDiff] Vec x, int label) =>
                    Ops.SoftmaxCrossEntropy(W * Ops.Flatten(Ops.MaxPool2d(Ops.Relu(Ops.Conv2d(x.AsImage(1, 3, 3), conv)), 2)) + b, label);
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Nets.Cnn.Loss.Derivatives.g.cs");
        // x = 1…9 as a 3×3 image. Filter 0 gives the patches' top-left pixels (1, 2, 4, 5), all past ReLU, pooled to 5 at
        // the last patch (5, 6, 8, 9); filter 1 gives 1 − (5, 6, 8, 9) < 0, zero after ReLU, pooled to 0 (a tie: the first).
        // Logits W·(5, 0) + b = (5, 0, 0), L = log(e⁵ + 2) − 0 for label 1. Tangent: pooled channel 0 moves by
        // tW₀·(5, 6, 8, 9) + tb₀ = 28 + 0.5 with filter 0's tangent all ones and tb₀ = 0.5; channel 1, past an inactive
        // ReLU, not at all (its filter's and bias's tangents, 7, have no effect). Logits' tangent tW·(5, 0) + W·(28.5, 0)
        // + tb = (5 + 28.5, 0 + 1, −5) with tW's first column (1, 0, −1) and tb = (0, 1, 0); ∇L·t = Σ (pᵢ − [i = 1])·tᵢ.
        // The direction is laid out as the model made its weights: conv.Weights (8), conv.Bias (2), W (6), b (3).
        var type = assembly.Type("Nets.Cnn");
        var net = System.Activator.CreateInstance(type)!;
        var call = (JvpCall)type.GetMethod("LossJvp")!.CreateDelegate(typeof(JvpCall), net);
        float[] direction = [1, 1, 1, 1, 7, 7, 7, 7, 0.5f, 7, 1, 7, 0, 7, -1, 7, 0, 1, 0];
        float value = call(new Vec(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }), 1, direction, out float tangent);
        double e5 = System.Math.Exp(5), total = e5 + 2;
        Assert.Equal(System.Math.Log(total), value, 5);
        double expected = e5 / total * 33.5 + (1 / total - 1) * 1 + 1 / total * -5;
        Assert.True(System.Math.Abs(tangent - expected) <= 1e-5 * System.Math.Abs(expected), $"Jvp {tangent}, closed form {expected}");
    }
}
