using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>The diagnostics of derivative rules, forward mode and second order, SG0050–SG0058, and the generated names of their methods (SG0017). (A part of <see cref="DiagnosticTests"/>.)</summary>
public sealed partial class DiagnosticTests
{
    // ---- SG0050–SG0058: derivative rules, forward mode and second order ----

    [Fact]
    public void SG0050_RuleSignatureSpellsOutTheExpectedOne()
    {
        AssertReported("SG0050", Header + """
            public static partial class C
            {
                public static double Square(double x, [NoDiff] double scale, int n) => scale * x * x * n;

                [DerivativeOf(nameof(Square))]
                public static double [|SquareRule|](double x, double scale, int n, out float dX)
                {
                    dX = (float)(2 * scale * x * n);
                    return scale * x * x * n;
                }
            }
            """, "declare it as 'static double SquareRule(double x, double scale, int n, out double dX)'");
    }

    [Fact]
    public void SG0050_LayerRuleSignatureIsAPullback()
    {
        AssertReported("SG0050", Header + """
            public static partial class C
            {
                public static Vec Scale(Vec x, Mat w) => w * x;

                [DerivativeOf(nameof(Scale))]
                public static Vec [|ScaleRule|](Vec x, Mat w, out Vec dX) { dX = x; return x; }
            }
            """, "static void ScaleRule(Vec x, Mat w, Vec dResult, Vec dX, Mat dW)");
    }

    [Fact]
    public void SG0051_TwoRulesForOneFunction()
    {
        AssertReported("SG0051", Header + """
            public static partial class C
            {
                public static double Cube(double x) => x * x * x;

                [DerivativeOf(nameof(Cube))]
                public static double CubeRule(double x, out double dX) { dX = 3 * x * x; return x * x * x; }

                [DerivativeOf(typeof(C), nameof(Cube))]
                public static double [|OtherCubeRule|](double x, out double dX) { dX = 3 * x * x; return x * x * x; }
            }
            """, "'C.CubeRule' is the first");
    }

    [Fact]
    public void SG0052_RuleOfAFunctionThatCannotBeFound()
    {
        AssertReported("SG0052", Header + """
            public static partial class Other
            {
                public static double Cube(double x) => x * x * x;
            }

            public static partial class C
            {
                [DerivativeOf(typeof(Other), [|"Cuber"|])]
                public static double CubeRule(double x, out double dX) { dX = 3 * x * x; return x * x * x; }
            }
            """, "'Diag.Other' has no method 'Cuber'");
    }

    [Fact]
    public void SG0053_RuleOverridesADifferentiableBody()
    {
        var run = AssertReported("SG0053", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => Math.Sqrt(x);

                [DerivativeOf(nameof(F))]
                public static double [|StableSqrt|](double x, out double dX)
                {
                    double r = Math.Sqrt(x);
                    dX = x == 0 ? 0 : 0.5 / r;
                    return r;
                }
            }
            """, "methods that call 'C.F' use the rule");
        Assert.Equal(DiagnosticSeverity.Info, run.Diagnostics.Single(d => d.Id == "SG0053").Severity);
    }

    [Fact]
    public void SG0050_To_SG0053_ComeFromTheAnalyzerOnlyAndOnce()
    {
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                public static double Cube(double x) => x * x * x;

                [DerivativeOf(nameof(Cube))]
                public static double CubeRule(double x, out float dX) { dX = (float)(3 * x * x); return Cube(x); }

                public static double Square(double x) => x * x;

                [DerivativeOf(nameof(Square))]
                public static double SquareRule(double x, out double dX) { dX = 2 * x; return x * x; }

                [DerivativeOf(nameof(Square))]
                public static double OtherSquareRule(double x, out double dX) { dX = 2 * x; return x * x; }

                [DerivativeOf("Missing")]
                public static double MissingRule(double x, out double dX) { dX = 1; return x; }

                [Differentiable]
                public static double Root(double x) => Math.Sqrt(x);

                [DerivativeOf(nameof(Root))]
                public static double RootRule(double x, out double dX) { dX = 0.5 / Math.Sqrt(x); return Math.Sqrt(x); }

                [Differentiable]
                public static double G(double x) => Square(x) + Root(x);
            }
            """);
        Assert.Null(run.GeneratorException);
        string[] ids = ["SG0050", "SG0051", "SG0052", "SG0053"];
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => ids.Contains(d.Id));
        Assert.Equal(ids, run.AnalyzerDiagnostics.Select(d => d.Id).Order().ToArray());
        // The rules that fit are used; the output compiles.
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputErrors);
        Assert.Contains("SquareRule(", run.Source("Diag.C.G.g.cs"));
        Assert.Contains("RootRule(", run.Source("Diag.C.G.g.cs"));
    }

    [Fact]
    public void SG0054_HessianThroughAFirstOrderRuleNamesTheCall()
    {
        AssertReported("SG0054", Header + """
            public static partial class C
            {
                public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

                [DerivativeOf(nameof(Softplus))]
                public static double SoftplusRule(double x, out double dX) { dX = 1 / (1 + Math.Exp(-x)); return Softplus(x); }

                [Differentiable(Hessian = true)]
                public static double F(double x, double y) => [|Softplus(x * y)|] + x;
            }
            """, "it calls 'Softplus', whose derivative is the rule 'SoftplusRule'");
    }

    [Fact]
    public void SG0054_NotReportedForARuleCallOnConstants()
    {
        // A call whose differentiable operands do not vary needs no derivative: the Hessian is generated.
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

                [DerivativeOf(nameof(Softplus))]
                public static double SoftplusRule(double x, out double dX) { dX = 1 / (1 + Math.Exp(-x)); return Softplus(x); }

                [Differentiable(Hessian = true)]
                public static double F(double x, [NoDiff] double c) => Softplus(c) * x * x;
            }
            """);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        Assert.Contains("public static double FHessian(", string.Concat(run.GeneratedSources.Values));
    }

    [Fact]
    public void HessianOnAFunctionOfVectorsGeneratesTheHvpOnly()
    {
        // H·t, not an n×n Hessian: a Vec's n is its length, known at run time only.
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                [Differentiable(Jvp = true, Hessian = true)]
                public static float F(Vec x) => Ops.Sum(Ops.Square(x));
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        string sources = string.Concat(run.GeneratedSources.Values);
        Assert.Contains("public static float FHvp(global::SymbolicGrad.Vec x, global::SymbolicGrad.Vec tX, global::SymbolicGrad.Vec dX, global::SymbolicGrad.Vec hvX)", sources);
        Assert.Contains("public static float FJvp(", sources);
        Assert.DoesNotContain("FHessian", sources);
    }

    [Fact]
    public void HvpOfAFunctionLinearInItsParametersAddsNoZeroTerms()
    {
        // H·t is zero for W and b: the Hvp adds the gradient and writes nothing into hvW and hvB (no loops adding 0).
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                [Differentiable(Hessian = true)]
                public static float Affine(Mat W, Vec b, [NoDiff] Vec x) => Ops.Sum(W * x + b);
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        string hvp = run.GeneratedSources.Single(s => s.Key.EndsWith(".Derivatives.g.cs", StringComparison.Ordinal)).Value;
        Assert.Contains("public static float AffineHvp(", hvp);
        Assert.Contains("dWValues", hvp);
        Assert.DoesNotContain("hvWValues", hvp);
        Assert.DoesNotContain("hvBValues", hvp);
    }

    [Fact]
    public void SG0054_HessianOfAFunctionOfVectorsThroughAFirstOrderRuleNamesTheCall()
    {
        AssertReported("SG0054", Header + """
            public static partial class C
            {
                public static float Smooth(float v) => MathF.Log(1f + MathF.Exp(v));

                [DerivativeOf(nameof(Smooth))]
                public static float SmoothRule(float v, out float dV) { dV = 1f / (1f + MathF.Exp(-v)); return Smooth(v); }

                [Differentiable(Hessian = true)]
                public static float F(Vec x, Vec y) => [|Smooth(Ops.Dot(x, y))|] + Ops.Sum(x);
            }
            """, "'F' asks for second derivatives, but it calls 'Smooth', whose derivative is the rule 'SmoothRule'");
    }

    [Fact]
    public void SG0058_HessianOfAFunctionOfVectorsThroughACustomLayer()
    {
        AssertReported("SG0058", Header + """
            public static partial class C
            {
                public static Vec Swish(Vec x) { var y = new Vec(x.Length); Swish(x, y); return y; }

                public static void Swish(Vec x, Vec result) => x.Span.CopyTo(result.Span);

                [DerivativeOf(nameof(Swish))]
                public static void SwishPullback(Vec x, Vec dResult, Vec dX) { for (int i = 0; i < x.Length; i++) dX[i] += dResult[i]; }

                [Differentiable(Hessian = true)]
                public static float F(Vec x) => Ops.Sum([|Swish(x)|]);
            }
            """, "'F' asks for Hessian, but it calls 'Swish'");
    }

    [Fact]
    public void SG0056_RuleTheGeneratedCodeCannotCall()
    {
        AssertReported("SG0056", Header + """
            public static class Smooth
            {
                public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

                [DerivativeOf(nameof(Softplus))]
                private static double SoftplusRule(double x, out double dX) { dX = 1 / (1 + Math.Exp(-x)); return Softplus(x); }
            }

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => [|Smooth.Softplus(2 * x)|];
            }
            """, "the generated code in 'C' cannot call it; make 'SoftplusRule' and 'Softplus' internal or public");
    }

    [Fact]
    public void ScalarRuleCalledFromCodeOnVectorsIsUsed()
    {
        // Once an error (SG0056); a function of values with a rule is now called per sample in code on Vec and Mat.
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                public static float Clip(float x) => Math.Min(x, 1f);

                [DerivativeOf(nameof(Clip))]
                public static float ClipRule(float x, out float dX) { dX = 1f; return Clip(x); }

                [Differentiable]
                public static float F(Vec x) => Clip(Ops.Sum(x));
            }
            """);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        string generated = run.Source(FileOfF);
        Assert.Contains("global::Diag.C.Clip(", generated);
        Assert.Contains("global::Diag.C.ClipRule(", generated);
    }

    [Fact]
    public void SG0056_CustomLayerWithAFloatThatDependsOnTheParameters()
    {
        AssertReported("SG0056", Header + """
            public sealed partial class Net : Model
            {
                private readonly Vec b = new(3);

                public static Vec Scale(Vec x, float s) => x * s;

                public static void Scale(Vec x, float s, Vec result) { for (int i = 0; i < x.Length; i++) result[i] = s * x[i]; }

                [DerivativeOf(nameof(Scale))]
                public static void ScalePullback(Vec x, float s, Vec dResult, Vec dX) { for (int i = 0; i < x.Length; i++) dX[i] += s * dResult[i]; }

                [Differentiable]
                public float Loss([NoDiff] Vec x) => Ops.Sum([|Scale(x, Ops.Sum(b))|]);
            }
            """, "'Ops.Sum(b)' depends on the parameters, but the rule of a custom layer gives no derivative for its float parameter 's'");
    }

    [Fact]
    public void SG0057_CustomLayerWithoutItsBufferOverload()
    {
        AssertReported("SG0057", Header + """
            public sealed partial class Net : Model
            {
                private readonly Vec b = new(3);

                public static Vec Swish(Vec x) => x;

                [DerivativeOf(nameof(Swish))]
                public static void SwishPullback(Vec x, Vec dResult, Vec dX) { for (int i = 0; i < x.Length; i++) dX[i] += dResult[i]; }

                [Differentiable]
                public float Loss([NoDiff] Vec x) => Ops.Sum([|Swish(x + b)|]);
            }
            """, "declare 'static void Swish(Vec x, Vec result)' beside it, overwriting result (x.Length elements) with Swish(x)");
    }

    [Fact]
    public void SG0057_CustomLayerWhoseResultLengthIsNotSaid()
    {
        AssertReported("SG0057", Header + """
            public sealed partial class Net : Model
            {
                private readonly Mat W = new(3, 2);
                private readonly Vec b = new(3);

                public static Vec Dense(Mat W, Vec b, Vec x) => W * x + b;

                public static void Dense(Mat W, Vec b, Vec x, Vec result) => (W * x + b).Span.CopyTo(result.Span);

                [DerivativeOf(nameof(Dense))]
                public static void DensePullback(Mat W, Vec b, Vec x, Vec dResult, Mat dW, Vec dB, Vec dX) { }

                [Differentiable]
                public float Loss([NoDiff] Vec x) => Ops.Sum([|Dense(W, b, x)|]);
            }
            """, "the length of its result is not known ('Dense' has 2 Vec parameters): say which extent it is, e.g. [DerivativeOf(nameof(Dense), ResultLength = nameof(b))] on 'DensePullback'");
    }

    [Fact]
    public void SG0057_CustomLayerWhoseResultLengthNamesNoExtent()
    {
        AssertReported("SG0057", Header + """
            public sealed partial class Net : Model
            {
                private readonly Mat W = new(3, 2);
                private readonly Vec b = new(3);

                public static Vec Dense(Mat W, Vec b, Vec x) => W * x + b;

                public static void Dense(Mat W, Vec b, Vec x, Vec result) => (W * x + b).Span.CopyTo(result.Span);

                [DerivativeOf(nameof(Dense), ResultLength = "W.Depth")]
                public static void DensePullback(Mat W, Vec b, Vec x, Vec dResult, Mat dW, Vec dB, Vec dX) { }

                [Differentiable]
                public float Loss([NoDiff] Vec x) => Ops.Sum([|Dense(W, b, x)|]);
            }
            """, "ResultLength = \"W.Depth\" on 'DensePullback' is not the length of a Vec parameter of 'Dense'");
    }

    [Fact]
    public void SG0058_JvpOfAModelMethodThroughACustomLayerIsAnErrorAtTheCall()
    {
        // A pullback gives no tangent: the model method's Jvp is refused at the call, as a function's is.
        AssertReported("SG0058", Header + """
            public sealed partial class Net : Model
            {
                private readonly Vec b = new(3);

                public static Vec Swish(Vec x) => x;

                public static void Swish(Vec x, Vec result) => x.Span.CopyTo(result.Span);

                [DerivativeOf(nameof(Swish))]
                public static void SwishPullback(Vec x, Vec dResult, Vec dX) { for (int i = 0; i < x.Length; i++) dX[i] += dResult[i]; }

                [Differentiable(Jvp = true)]
                public float Loss([NoDiff] Vec x) => Ops.Sum([|Swish(x + b)|]);
            }
            """, "'Loss' asks for Jvp, but it calls 'Swish'");
    }

    [Theory]
    [InlineData("Image h = Ops.Relu(Ops.Conv2d(x.AsImage(1, 6, 6), conv)); return Ops.Sum(Ops.Flatten(Ops.MaxPool2d(h, 2)));")]
    [InlineData("Image h = Ops.Conv2d(Ops.Tanh(W * x + b).AsImage(1, 6, 6), conv); return Ops.Sum(Ops.Flatten(h));")]
    [InlineData("Image h = Ops.Conv2d(x.AsImage(1, 6, 6), conv); h = Ops.Conv2d(h, strided); return Ops.Sum(Ops.Flatten(Ops.MaxPool2d(h, 2, 1)));")]
    [InlineData("Vec h = Ops.Flatten(Ops.MaxPool2d((W * x + b).AsImage(1, 6, 6), 3, 2)); return Ops.Sum(Ops.Dropout(h, 0.5f));")]
    [InlineData("Image h = Ops.Conv2d(Ops.BatchNorm(x.AsImage(1, 6, 6), bn), conv); return Ops.Sum(Ops.Flatten(Ops.MaxPool2d(h, 2)));")]
    public void JvpOfAModelMethodWithConvolutionOrPoolingIsGenerated(string body)
    {
        // Formerly SG0055: convolution and max pooling have their tangents (Kernels.Conv2dTangent, Kernels.MaxPool2dTangent).
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class Net : Model
            {
                readonly Conv2d conv, strided;
                readonly BatchNorm bn;
                readonly Mat W;
                readonly Vec b;
                public Net()
                {
                    conv = Parameters.Conv2d(1, 2, 3, padding: 1);
                    strided = Parameters.Conv2d(2, 3, 3, stride: 2, padding: 1);
                    bn = Parameters.BatchNorm(1);
                    W = Parameters.Matrix(36, 36, Init.He(0));
                    b = Parameters.Vector(36);
                }

                [Differentiable(Jvp = true)]
                public float Loss([NoDiff] Vec x)
                {
                    BODY
                }
            }
            """.Replace("BODY", body));
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        string generated = string.Concat(run.GeneratedSources.Values);
        Assert.Contains("public float LossJvp(global::SymbolicGrad.Vec x, global::System.ReadOnlySpan<float> direction, out float tangent)", generated);
        Assert.Equal(body.Contains("Conv2d"), generated.Contains("Kernels.Conv2dTangent("));
        Assert.Equal(body.Contains("MaxPool2d"), generated.Contains("Kernels.MaxPool2dTangent("));
    }

    [Theory]
    [InlineData("for (int l = 0; l < W.Length; l++) h = l < W.Length - 1 ? Ops.Relu(W[l] * h + b[l]) : W[l] * h + b[l];")]
    [InlineData("for (int l = 0; l < W.Length; l++) h = Ops.Tanh(W[l] * h + b[l]); h = Ops.Dropout(h, 0.5f);")]
    [InlineData("h = Ops.BatchNorm(h, bn); for (int l = 0; l < W.Length; l++) h = Ops.Tanh(W[l] * h + b[l]);")]
    [InlineData("h = Ops.Dropout(h, 0.25f); for (int l = 0; l < W.Length; l++) h = Ops.Tanh(W[l] * h + b[l]); h = Ops.BatchNorm(h, bn);")]
    public void JvpOfAModelMethodThroughLayerLoopsDropoutOrBatchNormIsGenerated(string body)
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class Net : Model
            {
                readonly Mat[] W;
                readonly Vec[] b;
                readonly BatchNorm bn;
                public Net()
                {
                    W = new Mat[2];
                    b = new Vec[2];
                    for (int l = 0; l < W.Length; l++) { W[l] = Parameters.Matrix(4, 4, Init.He(l)); b[l] = Parameters.Vector(4); }
                    bn = Parameters.BatchNorm(4);
                }

                [Differentiable(Jvp = true)]
                public float Loss([NoDiff] Vec x)
                {
                    Vec h = x;
                    BODY
                    return Ops.Sum(h);
                }
            }
            """.Replace("BODY", body));
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        Assert.Contains("public float LossJvp(global::SymbolicGrad.Vec x, global::System.ReadOnlySpan<float> direction, out float tangent)", string.Concat(run.GeneratedSources.Values));
    }

    [Theory]
    [InlineData("h = Ops.Dropout(h, 0.5f);")]
    [InlineData("h = Ops.BatchNorm(h, bn);")]
    [InlineData("for (int l = 0; l < W.Length; l++) h = l < W.Length - 1 ? Ops.Relu(W[l] * h + b[l]) : W[l] * h + b[l];")]
    public void HessianOfAModelMethodWithDropoutBatchNormOrALayerLoopIsGenerated(string body)
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class Net : Model
            {
                readonly Mat[] W;
                readonly Vec[] b;
                readonly Vec c;
                readonly BatchNorm bn;
                public Net()
                {
                    W = new Mat[2];
                    b = new Vec[2];
                    for (int l = 0; l < W.Length; l++) { W[l] = Parameters.Matrix(4, 4, Init.He(l)); b[l] = Parameters.Vector(4); }
                    c = Parameters.Vector(4);
                    bn = Parameters.BatchNorm(4);
                }

                [Differentiable(Jvp = true, Hessian = true)]
                public float Loss([NoDiff] Vec x)
                {
                    Vec h = Ops.Tanh(x + c);
                    BODY
                    return Ops.Sum(h);
                }
            }
            """.Replace("BODY", body));
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        Assert.Contains("public float LossJvp(", string.Concat(run.GeneratedSources.Values));
        Assert.Contains("public float LossHvp(global::SymbolicGrad.Vec x, global::System.ReadOnlySpan<float> direction, global::System.Span<float> gradient, global::System.Span<float> hv)", string.Concat(run.GeneratedSources.Values));
    }

    [Fact]
    public void SG0055_HessianOfAModelMethodThroughACustomLayerOnTheData()
    {
        // The custom layer reads the data only, so the Jvp needs no tangent through it and is generated; the Hvp's
        // check is coarser (any op of the gradient without a pushforward), so it refuses rather than guess.
        var run = AssertReported("SG0055", Header + """
            public static class Layers
            {
                public static Vec Swish(Vec x) { var y = new Vec(x.Length); Swish(x, y); return y; }

                public static void Swish(Vec x, Vec result) => x.Span.CopyTo(result.Span);

                [DerivativeOf(nameof(Swish))]
                public static void SwishPullback(Vec x, Vec dResult, Vec dX) { for (int i = 0; i < x.Length; i++) dX[i] += dResult[i]; }
            }

            public sealed partial class Net : Model
            {
                private readonly Mat W;
                private readonly Vec b;

                public Net() { W = Parameters.Matrix(2, 3, Init.Xavier(0)); b = Parameters.Vector(2); }

                [Differentiable(Jvp = true, Hessian = true)]
                public float [|Loss|]([NoDiff] Vec x, [NoDiff] Vec y) => Ops.Mse(W * Layers.Swish(x) + b, y);
            }
            """, "'Loss' asks for Hessian, which SymbolicGrad generates for");
        Assert.EndsWith("which has no second derivative yet: remove 'Hessian = true'",
            Assert.Single(run.Diagnostics, d => d.Id == "SG0055").GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("public float LossJvp(", string.Concat(run.GeneratedSources.Values));
    }

    [Fact]
    public void HessianOfADenseModelMethodIsGenerated()
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class Net : Model
            {
                private readonly Mat W = new(3, 3);
                private readonly Vec b = new(3);

                [Differentiable(Hessian = true)]
                public float Loss([NoDiff] Vec x, [NoDiff] Vec y) => Ops.Mse(Ops.Sigmoid(W * Ops.LeakyRelu(x) + b), y);
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        Assert.Contains("public float LossHvp(global::SymbolicGrad.Vec x, global::SymbolicGrad.Vec y, global::System.ReadOnlySpan<float> direction, global::System.Span<float> gradient, global::System.Span<float> hv)",
            string.Concat(run.GeneratedSources.Values));
    }

    [Fact]
    public void HessianOfAModelMethodWithALoopOverLayersIsGenerated()
    {
        // Formerly SG0055. The loop's first vector moves with the direction (c is a weight), so every layer hands back
        // ∂L/∂(its input) and its tangent; the loss is linear in the loop's result, so the last layer's seed has no tangent.
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class Net : Model
            {
                readonly Mat[] W;
                readonly Vec[] b;
                readonly Vec c;
                public Net()
                {
                    W = new Mat[2];
                    b = new Vec[2];
                    for (int l = 0; l < W.Length; l++) { W[l] = Parameters.Matrix(4, 4, Init.He(l)); b[l] = Parameters.Vector(4); }
                    c = Parameters.Vector(4);
                }

                [Differentiable(Jvp = true, Hessian = true)]
                public float Loss([NoDiff] Vec x)
                {
                    Vec h = Ops.Tanh(x + c);
                    for (int l = 0; l < W.Length; l++) h = l < W.Length - 1 ? Ops.Relu(W[l] * h + b[l]) : W[l] * h + b[l];
                    return Ops.Sum(h);
                }
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        string generated = string.Concat(run.GeneratedSources.Values);
        Assert.Contains("public float LossHvp(global::SymbolicGrad.Vec x, global::System.ReadOnlySpan<float> direction, global::System.Span<float> gradient, global::System.Span<float> hv)", generated);
        Assert.Contains("private void LossLayerHvpBackward(", generated);
        Assert.DoesNotContain("HvpFromData", generated);
    }

    [Theory]
    [InlineData("for (int l = 0; l < W.Length; l++) h = h + Ops.Tanh(W[l] * h + b[l]);")] // residual layers
    [InlineData("for (int l = 0; l < W.Length; l++) h = Ops.Tanh(W[l] * h) * c;")] // a field every layer reads
    [InlineData("for (int l = 0; l < W.Length; l++) h = Ops.Relu(W[l] * h + b[l]); for (int k = 0; k < W.Length; k++) h = Ops.Sigmoid(W[k] * h);")] // two loops
    [InlineData("h = h * c; for (int l = 0; l < b.Length; l++) h = Ops.Tanh(h + b[l]); for (int k = 0; k < b.Length; k++) h = h + b[k];")] // layers that read no matrix
    public void HessianOfAModelMethodWithOtherLoopsOverLayersCompiles(string body)
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class Net : Model
            {
                readonly Mat[] W;
                readonly Vec[] b;
                readonly Vec c;
                public Net()
                {
                    W = new Mat[2];
                    b = new Vec[2];
                    for (int l = 0; l < W.Length; l++) { W[l] = Parameters.Matrix(4, 4, Init.He(l)); b[l] = Parameters.Vector(4); }
                    c = Parameters.Vector(4);
                }

                [Differentiable(Jvp = true, Hessian = true)]
                public float Loss([NoDiff] Vec x, [NoDiff] Vec y)
                {
                    Vec h = x;
                    BODY
                    return Ops.Mse(h, y);
                }
            }
            """.Replace("BODY", body));
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        Assert.Contains("public float LossHvp(", string.Concat(run.GeneratedSources.Values));
    }

    [Theory]
    [InlineData("direction")]
    [InlineData("gradient")]
    [InlineData("hv")]
    public void SG0017_ModelMethodParameterNamedLikeAParameterOfItsHvp(string name)
    {
        var marked = MarkedSource.Parse(Header + """
            public sealed partial class Net : Model
            {
                private readonly Vec b = new(3);

                [Differentiable(Hessian = true)]
                public float Loss([|[NoDiff] Vec NAME|]) => Ops.Sum(Ops.Square(NAME + b));
            }
            """.Replace("NAME", name));
        var run = GeneratorHarness.Run(marked.Text);
        Assert.Null(run.GeneratorException);
        var hit = Assert.Single(run.Diagnostics, d => d.Id == "SG0017");
        Assert.Equal(marked.Span, hit.Location.SourceSpan);
        Assert.Contains($"cannot generate 'a parameter of LossHvp ({name})'", hit.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(run.OutputErrors);
        Assert.DoesNotContain(run.GeneratedSources.Keys, k => k.EndsWith(".Derivatives.g.cs"));
    }

    [Fact]
    public void SG0017_ModelMethodParameterNamedDirection()
    {
        // Reported by the generator's check of the derived forms (the declaration analyzer knows nothing of Jvp).
        var marked = MarkedSource.Parse(Header + """
            public sealed partial class Net : Model
            {
                private readonly Vec b = new(3);

                [Differentiable(Jvp = true)]
                public float Loss([|[NoDiff] Vec direction|]) => Ops.Sum(Ops.Square(direction + b));
            }
            """);
        var run = GeneratorHarness.Run(marked.Text);
        Assert.Null(run.GeneratorException);
        var hit = Assert.Single(run.Diagnostics, d => d.Id == "SG0017");
        Assert.Equal(marked.Span, hit.Location.SourceSpan);
        Assert.Contains("cannot generate 'a parameter of LossJvp (direction)'", hit.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(run.OutputErrors);
        Assert.DoesNotContain(run.GeneratedSources.Keys, k => k.EndsWith(".Derivatives.g.cs"));
    }

    [Fact]
    public void SG0058_JvpThroughACustomLayerIsAnErrorAtTheCall()
    {
        AssertReported("SG0058", Header + """
            public static class Layers
            {
                public static Vec Swish(Vec x) => x;

                public static void Swish(Vec x, Vec result) => x.Span.CopyTo(result.Span);

                [DerivativeOf(nameof(Swish))]
                public static void SwishPullback(Vec x, Vec dResult, Vec dX) { for (int i = 0; i < x.Length; i++) dX[i] += dResult[i]; }
            }

            public static partial class C
            {
                [Differentiable(Jvp = true)]
                public static float F(Vec x, [NoDiff] Vec y) => Ops.Sum(Layers.Swish(y)) + Ops.Sum([|Layers.Swish(x * 2f)|]);
            }
            """, "'F' asks for Jvp, but it calls 'Swish', whose derivative is the pullback rule 'SwishPullback': a pullback rule gives no forward derivative");
    }

    [Fact]
    public void SG0056_CallThroughARuleWhoseSignatureDoesNotFit()
    {
        var run = AssertReported("SG0056", Header + """
            public static partial class C
            {
                public static double Cube(double x) => x * x * x;

                [DerivativeOf(nameof(Cube))]
                public static double CubeRule(double x, out float dX) { dX = (float)(3 * x * x); return Cube(x); }

                [Differentiable]
                public static double F(double x) => [|Cube(x)|] + x;
            }
            """, "'Cube(x)' cannot use the derivative rule 'CubeRule': its signature is not the one a rule of 'Cube' needs; declare it as 'static double CubeRule(double x, out double dX)' (SG0050)");
        Assert.Contains(run.AnalyzerDiagnostics, d => d.Id == "SG0050");
    }

    [Fact]
    public void SG0056_NotReportedWhenTheFunctionOfARuleThatDoesNotFitIsDifferentiable()
    {
        // The body is inlined as it would be without the rule; the rule itself is SG0050.
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                [Differentiable]
                public static double Cube(double x) => x * x * x;

                [DerivativeOf(nameof(Cube))]
                public static double CubeRule(double x, out float dX) { dX = (float)(3 * x * x); return Cube(x); }

                [Differentiable]
                public static double F(double x) => Cube(x) + x;
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal("SG0050", Assert.Single(run.AnalyzerDiagnostics).Id);
        Assert.Empty(run.OutputErrors);
        var f = run.Source(FileOfF);
        Assert.DoesNotContain("CubeRule", f);
        Assert.Contains("public static double FGradient(double x, out double dX)", f);
    }

    [Fact]
    public void SG0056_RuleInAnotherGenericTypeWhoseTypeArgumentsTheCallDoesNotGive()
    {
        // Before, the generated code called 'global::Diag.Rules<U>.CubeRule' and did not compile (CS0246).
        AssertReported("SG0056", Header + """
            public static class Maths
            {
                public static double Cube(double x) => x * x * x;
            }

            public static class Rules<U>
            {
                [DerivativeOf(typeof(Maths), nameof(Maths.Cube))]
                public static double CubeRule(double x, out double dX) { dX = 3 * x * x; return x * x * x; }
            }

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => [|Maths.Cube(x)|] + x;
            }
            """, "'CubeRule' is declared in the generic type 'Diag.Rules<U>', whose type arguments this call does not give; declare the rule in 'Maths' or in a type that is not generic");
    }

    // The opening of class C with SquaresTimes and its rule, which the tests close after their [Differentiable] method.
    private const string SquaresTimesWithItsRule = $$"""
        public static partial class C
        {
        {{RuleSources.SquaresTimesWithItsRule}}
        """;

    [Fact]
    public void SG0056_NotReportedForARuleWithAnArrayDerivativeCalledInsideALoop()
    {
        // Once SG0056 (its derivative with respect to an array was not used); now used, inside loops too, its buffer
        // declared once before the loops (values checked in ArrayRuleTests).
        var run = GeneratorHarness.Run(Header + SquaresTimesWithItsRule + """
                [Differentiable(Jvp = true)]
                public static double F(double[] xs, double a)
                {
                    double total = 0;
                    for (int k = 0; k < 3; k++) total += SquaresTimes(xs, a * k);
                    return total;
                }
            }
            """);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        string generated = string.Concat(run.GeneratedSources.Values);
        Assert.Contains("public static double FGradient(", generated);
        Assert.Contains("public static double FJvp(", generated);
        Assert.Contains("Kernels.RuleAddScaled(", generated);
        Assert.Contains("Kernels.RuleDot(", generated);
    }

    [Fact]
    public void SG0054_HvpThroughARuleWithAnArrayDerivativeNamesTheCall()
    {
        AssertReported("SG0054", Header + SquaresTimesWithItsRule + """
                [Differentiable(Hessian = true)]
                public static double F(double[] xs, double a) => [|SquaresTimes(xs, a)|] + a * a;
            }
            """, "it calls 'SquaresTimes', whose derivative is the rule 'SquaresTimesRule'");
    }
}
