using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// The emitted text of a model calling custom layers (functions returning a Vec with a pullback rule), compared with
/// Baselines/&lt;TestName&gt;.g.cs; the output must compile without errors or warnings. Gradients are checked end to
/// end in SymbolicGrad.Network.Tests (the catalogue's "custom layer" family and CustomLayerTests).
/// </summary>
public sealed class CustomLayerBaselineTests
{
    private const string Layers = """
        using System;
        using SymbolicGrad;

        namespace Custom;

        public static class Layers
        {
            public static Vec Swish(Vec x)
            {
                var result = new Vec(x.Length);
                Swish(x, result);
                return result;
            }

            public static void Swish(Vec x, Vec result)
            {
                for (int i = 0; i < x.Length; i++) result[i] = x[i] / (1f + MathF.Exp(-x[i]));
            }

            [DerivativeOf(nameof(Swish))]
            public static void SwishPullback(Vec x, Vec dResult, Vec dX)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    float s = 1f / (1f + MathF.Exp(-x[i]));
                    dX[i] += dResult[i] * s * (1f + x[i] * (1f - s));
                }
            }

            public static Vec Dense(Mat W, Vec b, Vec x)
            {
                var result = new Vec(W.Rows);
                Dense(W, b, x, result);
                return result;
            }

            public static void Dense(Mat W, Vec b, Vec x, Vec result) => (W * x + b).Span.CopyTo(result.Span);
        }

        public static class Rules
        {
            [DerivativeOf(typeof(Layers), nameof(Layers.Dense), ResultLength = nameof(W) + ".Rows")]
            public static void DensePullback(Mat W, Vec b, Vec x, Vec dResult, Mat dW, Vec dB, Vec dX)
            {
                for (int i = 0; i < W.Rows; i++)
                {
                    dB[i] += dResult[i];
                    for (int j = 0; j < W.Cols; j++)
                    {
                        dW[i, j] += dResult[i] * x[j];
                        dX[j] += W[i, j] * dResult[i];
                    }
                }
            }
        }

        """;

    [Fact]
    public void CustomDenseAndSwishLayers()
    {
        string generated = Baseline.VerifyGenerated(Layers + """
            public sealed partial class Net : Model
            {
                readonly Mat W1, W2;
                readonly Vec b1, b2;

                public Net(int inputs, int hidden, int classes)
                {
                    W1 = Parameters.Matrix(hidden, inputs, Init.He(0));
                    b1 = Parameters.Vector(hidden);
                    W2 = Parameters.Matrix(classes, hidden, Init.Xavier(1));
                    b2 = Parameters.Vector(classes);
                }

                [Differentiable]
                public float Loss([NoDiff] Vec x, int label) =>
                    Ops.SoftmaxCrossEntropy(Layers.Dense(W2, b2, Layers.Swish(Layers.Dense(W1, b1, x))), label);
            }
            """, "Custom.Net.Loss.g.cs");
        // The value by the buffer-writing overload, per sample; the gradient by the rule, once per operand it is needed for.
        Assert.Equal(2, GeneratedText.Count(generated, "global::Custom.Layers.Dense(W"));
        Assert.Equal(1, GeneratedText.Count(generated, "global::Custom.Layers.Swish("));
        // W1, b1 (not x: data), W2, b2 and the hidden vector.
        Assert.Equal(5, GeneratedText.Count(generated, "global::Custom.Rules.DensePullback("));
        Assert.Equal(1, GeneratedText.Count(generated, "global::Custom.Layers.SwishPullback("));
        Assert.Contains("Parameters.GradientToAdd(W1)", generated);
        Assert.DoesNotContain("new global::SymbolicGrad.Vec(x", generated);
    }

    [Fact]
    public void CustomLayerInAFunctionOfVectors()
    {
        string generated = Baseline.VerifyGenerated(Layers + """
            public static partial class Functions
            {
                [Differentiable]
                public static float Energy(Mat W, Vec b, Vec x) => Ops.Sum(Ops.Square(Layers.Swish(Layers.Dense(W, b, x))));
            }
            """, "Custom.Functions.Energy.g.cs");
        Assert.Equal(3, GeneratedText.Count(generated, "global::Custom.Rules.DensePullback("));
    }

    [Fact]
    public void ScalarRuleOnValuesOfVectors()
    {
        string generated = Baseline.VerifyGenerated("""
            using System;
            using SymbolicGrad;

            namespace Custom;

            public static class Smooth
            {
                public static float Softplus(float x) => x > 20f ? x : MathF.Log(1f + MathF.Exp(x));

                [DerivativeOf(nameof(Softplus))]
                public static float SoftplusRule(float x, out float dX)
                {
                    dX = 1f / (1f + MathF.Exp(-x));
                    return Softplus(x);
                }
            }

            public sealed partial class Penalized : Model
            {
                readonly Mat W;
                readonly Vec b, v;

                public Penalized(int inputs, int classes)
                {
                    W = Parameters.Matrix(classes, inputs, Init.Xavier(0));
                    b = Parameters.Vector(classes);
                    v = Parameters.Vector(inputs);
                }

                [Differentiable]
                public float Loss([NoDiff] Vec x, int label) =>
                    Ops.SoftmaxCrossEntropy(W * x + b, label) + Smooth.Softplus(Ops.Dot(v, x)) + Smooth.Softplus(Ops.Sum(b));
            }
            """, "Custom.Penalized.Loss.g.cs");
        // Per sample (v·x) and once per batch (Σb): the value by the function, the derivative by the rule.
        Assert.Equal(2, GeneratedText.Count(generated, "global::Custom.Smooth.Softplus("));
        Assert.Equal(2, GeneratedText.Count(generated, "global::Custom.Smooth.SoftplusRule("));
    }

    [Fact]
    public void ScalarRuleUnderAConditionOnValuesOfVectors()
    {
        string generated = Baseline.VerifyGenerated("""
            using System;
            using SymbolicGrad;

            namespace Custom;

            public static class Domain
            {
                public static float Root(float x) => x > 0f ? MathF.Sqrt(x) : throw new ArgumentOutOfRangeException(nameof(x));

                [DerivativeOf(nameof(Root))]
                public static float RootRule(float x, out float dX)
                {
                    dX = 0.5f / MathF.Sqrt(x);
                    return Root(x);
                }
            }

            public sealed partial class Rooted : Model
            {
                readonly Vec v;

                public Rooted(int inputs) => v = Parameters.Vector(inputs);

                [Differentiable]
                public float Loss([NoDiff] Vec x)
                {
                    float p = Ops.Dot(v, x);
                    return p > 0f ? Domain.Root(p) : 3f * p;
                }
            }
            """, "Custom.Rooted.Loss.g.cs");
        // Per sample, the function and its rule only where p > 0 (the method calls Root there only); 0 elsewhere.
        Assert.Contains("root[r] = c1[r] ? global::Custom.Domain.Root(p[r]) : 0f;", generated);
        Assert.Contains("if (c1[r]) global::Custom.Domain.RootRule(p[r], out dRootdX[r]); else dRootdX[r] = 0f;", generated);
    }
}
