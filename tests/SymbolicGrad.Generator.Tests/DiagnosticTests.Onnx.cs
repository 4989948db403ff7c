using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>The diagnostics of ONNX export (SG0080, SG0081), and when a model gets its prediction graph.</summary>
public sealed partial class DiagnosticTests
{
    private const string OnnxInterface = "global::SymbolicGrad.CompilerServices.IOnnxExportable";

    // ---- SG0080: prediction cannot be exported ----

    [Fact]
    public void SG0080_PredictionReadingAFloatParameter()
    {
        var run = AssertReported("SG0080", Header + """
            public sealed partial class C : Model
            {
                readonly Mat W;

                public C() => W = Parameters.Matrix(3, 4, Init.Xavier(1));

                [Differentiable]
                public float [|F|]([NoDiff] Vec x, int label, [NoDiff] float temperature) => Ops.SoftmaxCrossEntropy((W * x) * temperature, label);
            }
            """, "it reads the parameter 'temperature', and only Vec parameters become inputs of the graph");
        Assert.Equal(DiagnosticSeverity.Info, run.GeneratorDiagnostics.Single(d => d.Id == "SG0080").Severity);
        // The interface is still implemented, so that Onnx.Export says the same at run time.
        string source = run.Source(FileOfF);
        Assert.Contains(OnnxInterface, source);
        Assert.Contains("throw new global::System.NotSupportedException(\"F: the prediction cannot be exported to ONNX: it reads the parameter 'temperature'", source);
    }

    [Fact]
    public void SG0080_PredictionReadingAnElementAtARunTimeIndex()
    {
        AssertReported("SG0080", Header + """
            public sealed partial class C : Model
            {
                readonly Mat W;
                readonly Vec b;

                public C()
                {
                    W = Parameters.Matrix(3, 4, Init.Xavier(1));
                    b = Parameters.Vector(3);
                }

                [Differentiable]
                public float [|F|]([NoDiff] Vec x, [NoDiff] Vec target) => Ops.Mse(W * x + b * x[(int)target[0]], target);
            }
            """, "it reads");
    }

    [Fact]
    public void SG0080_PredictionReadingALengthOnlyASampleTells()
    {
        var run = AssertReported("SG0080", Header + """
            public sealed partial class C : Model
            {
                readonly Vec w;

                public C() => w = Parameters.Vector(3);

                [Differentiable]
                public float [|F|]([NoDiff] Vec x, [NoDiff] Vec target) => Ops.Mse(x * (float)x.Length, target) + Ops.Sum(w);
            }
            """, "it reads the length of 'x', which only a sample tells");
        Assert.Contains("throw new global::System.NotSupportedException(\"F: the prediction cannot be exported to ONNX: it reads the length of 'x'", run.Source(FileOfF));
    }

    [Fact]
    public void SG0080_NotReportedForALoopOverLayersOrACnn()
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class C : Model
            {
                readonly Mat[] W;
                readonly Vec[] b;

                public C()
                {
                    W = new[] { Parameters.Matrix(8, 4, Init.He(1)), Parameters.Matrix(3, 8, Init.He(2)) };
                    b = new[] { Parameters.Vector(8), Parameters.Vector(3) };
                }

                [Differentiable]
                public float F([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    for (int l = 0; l < W.Length; l++) h = l < W.Length - 1 ? Ops.Relu(W[l] * h + b[l]) : W[l] * h + b[l];
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }

            public sealed partial class D : Model
            {
                readonly Conv2d conv;
                readonly BatchNorm bn;
                readonly Mat W;

                public D()
                {
                    conv = Parameters.Conv2d(1, 2, kernel: 3, padding: 1);
                    bn = Parameters.BatchNorm(2);
                    W = Parameters.Matrix(3, 32, Init.He(1));
                }

                [Differentiable]
                public float F([NoDiff] Vec x, int label) =>
                    Ops.SoftmaxCrossEntropy(W * Ops.Dropout(Ops.Flatten(Ops.MaxPool2d(Ops.Relu(Ops.BatchNorm(Ops.Conv2d(x.AsImage(1, 8, 8), conv), bn)), 2)), 0.5f), label);
            }
            """).AssertClean();
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "SG0080");
        string loop = run.Source(FileOfF);
        Assert.Contains("for (int l = 0; l < W.Length; l++)", loop);
        Assert.Contains("graph.Weight(\"W\", l, W_l)", loop);
        Assert.Contains("graph.Input(\"x\", global::SymbolicGrad.CompilerServices.OnnxType.Float, W[0].Cols);", loop);
        string cnn = run.Source("Diag.D.F.g.cs");
        foreach (string op in new[] { "\"Conv\"", "\"BatchNormalization\"", "\"MaxPool\"" }) Assert.Contains(op, cnn);
        Assert.DoesNotContain("\"Dropout\"", cnn);
        Assert.Contains("graph.Input(\"x\", global::SymbolicGrad.CompilerServices.OnnxType.Float, 64);", cnn);
    }

    [Fact]
    public void SG0080_NotReportedForAnExportablePrediction()
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class C : Model
            {
                readonly Mat W1, W2;
                readonly Vec b1, b2;

                public C()
                {
                    W1 = Parameters.Matrix(8, 4, Init.He(1));
                    b1 = Parameters.Vector(8);
                    W2 = Parameters.Matrix(3, 8, Init.Xavier(2));
                    b2 = Parameters.Vector(3);
                }

                [Differentiable]
                public float F([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(W2 * Ops.Tanh(W1 * x + b1) + b2, label);
            }
            """).AssertClean();
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "SG0080");
        string source = run.Source(FileOfF);
        Assert.Contains("graph.Output(\"logits\", ", source);
        Assert.Contains("graph.Input(\"x\", global::SymbolicGrad.CompilerServices.OnnxType.Float, W1.Cols);", source);
    }

    // ---- SG0081: ambiguous prediction ----

    [Fact]
    public void SG0081_PredictionHelperCalledWithTwoInputs()
    {
        var run = AssertReported("SG0081", Header + """
            public sealed partial class C : Model
            {
                readonly Mat W;

                public C() => W = Parameters.Matrix(3, 4, Init.Xavier(1));

                [Differentiable, Prediction]
                public Vec P(Vec x) => Ops.Tanh(W * x);

                [Differentiable]
                public float [|F|]([NoDiff] Vec x, [NoDiff] Vec y) => Ops.Dot(P(x), P(y));
            }
            """, "'F' calls its [Prediction] helper P with different arguments (2 different values)");
        Assert.DoesNotContain(OnnxInterface, run.Source(FileOfF));
    }

    [Fact]
    public void SG0081_NotReportedForAHelperCalledTwiceWithTheSameInput()
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class C : Model
            {
                readonly Mat W;

                public C() => W = Parameters.Matrix(3, 4, Init.Xavier(1));

                [Differentiable, Prediction]
                public Vec P(Vec x) => Ops.Tanh(W * x);

                [Differentiable]
                public float F([NoDiff] Vec x, [NoDiff] Vec target) => Ops.Mse(P(x), target) + 0.1f * Ops.Sum(P(x));
            }
            """).AssertClean();
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "SG0081");
        Assert.Contains("graph.Output(\"P\", ", run.Source(FileOfF));
    }

    [Fact]
    public void NoPredictionGraphForAModelWithTwoMethodsOrOneDescribingItself()
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class C : Model
            {
                readonly Vec w;

                public C() => w = Parameters.Vector(3);

                [Differentiable]
                public float F([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(w * Ops.Sum(x), label);

                [Differentiable]
                public float G([NoDiff] Vec x, [NoDiff] Vec target) => Ops.Mse(w * Ops.Sum(x), target);
            }

            public sealed partial class D : Model, SymbolicGrad.CompilerServices.IOnnxExportable
            {
                readonly Vec w;

                public D() => w = Parameters.Vector(3);

                [Differentiable]
                public float F([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(w * Ops.Sum(x), label);

                void SymbolicGrad.CompilerServices.IOnnxExportable.DescribePrediction(SymbolicGrad.CompilerServices.OnnxGraph graph) { }
            }
            """);
        Assert.Empty(run.OutputErrors);
        Assert.DoesNotContain(OnnxInterface, run.Source(FileOfF));
        Assert.DoesNotContain(OnnxInterface, run.Source("Diag.C.G.g.cs"));
        Assert.DoesNotContain(OnnxInterface, run.Source("Diag.D.F.g.cs"));
    }
}
