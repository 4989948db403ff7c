using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Layers misused as a user would misuse them: non-constant shapes feeding pooling and convolution, wrong argument
/// kinds, layers in scalar functions, loops and helpers. Each case is one diagnostic at its exact span, never SG9999 and
/// never generated code that does not compile. (A part of <see cref="DiagnosticTests"/>.)
/// </summary>
public sealed partial class DiagnosticTests
{
    private const string ConvModel = """
        public sealed partial class C : Model
        {
            readonly Conv2d conv;
            readonly BatchNorm bn;
            readonly Mat W;
            readonly int side = 6;
            public C()
            {
                conv = Parameters.Conv2d(1, 2, 3);
                bn = Parameters.BatchNorm(2);
                W = Parameters.Matrix(2, 8, Init.He(0));
            }

        """;

    [Fact]
    public void SG0062_NonConstantImageFromAFieldIntoMaxPool()
    {
        AssertSoleLayerError("SG0062", LayerHeader + ConvModel + """
                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(W * Flatten(MaxPool2d(x.AsImage(1, [|side|], 4), 2)));
            }
            """, "an image's channels, height and width");
    }

    [Fact]
    public void SG0062_NonConstantImageFromAParameterIntoConv()
    {
        AssertSoleLayerError("SG0062", LayerHeader + ConvModel + """
                [Differentiable]
                public float F([NoDiff] Vec x, int c) => Sum(Flatten(Conv2d(x.AsImage([|c|], 6, 6), conv)));
            }
            """, "an image's channels, height and width");
    }

    [Fact]
    public void SG0062_NonConstantImageIntoConvThenPoolThenBatchNorm()
    {
        AssertSoleLayerError("SG0062", LayerHeader + ConvModel + """
                [Differentiable]
                public float F([NoDiff] Vec x, int w) =>
                    Sum(W * Flatten(BatchNorm(MaxPool2d(Relu(Conv2d(x.AsImage(1, 6, [|w|]), conv)), 2), bn)));
            }
            """, "an image's channels, height and width");
    }

    [Fact]
    public void SG0062_NonConstantImageIntoBatchNorm()
    {
        AssertSoleLayerError("SG0062", LayerHeader + ConvModel + """
                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(Flatten(BatchNorm(x.AsImage(2, [|side|], 2), bn)));
            }
            """, "an image's channels, height and width");
    }

    [Fact]
    public void SG0062_StaticReadonlyShapeIsNotConstant()
    {
        AssertSoleLayerError("SG0062", LayerHeader + """
            public sealed partial class C : Model
            {
                static readonly int Side = 4;
                readonly Conv2d conv;
                public C() => conv = Parameters.Conv2d(1, 2, 3);

                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(Flatten(Conv2d(x.AsImage(1, [|Side|], 4), conv)));
            }
            """, "an image's channels, height and width");
    }

    [Fact]
    public void SG0062_ZeroChannels()
    {
        AssertSoleLayerError("SG0062", LayerHeader + ConvModel + """
                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(Flatten(Conv2d(x.AsImage([|0|], 6, 6), conv)));
            }
            """, "an image's channels, height and width");
    }

    [Fact]
    public void SG0062_NegativePoolingWindow()
    {
        AssertSoleLayerError("SG0062", LayerHeader + ConvModel + """
                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(Flatten(MaxPool2d(x.AsImage(1, 6, 6), [|-2|])));
            }
            """, "a pooling window and stride");
    }

    [Fact]
    public void SG0062_PoolingStrideFromAParameter()
    {
        AssertSoleLayerError("SG0062", LayerHeader + ConvModel + """
                [Differentiable]
                public float F([NoDiff] Vec x, int s) => Sum(Flatten(MaxPool2d(x.AsImage(1, 6, 6), 2, [|s|])));
            }
            """, "a pooling window and stride");
    }

    [Fact]
    public void SG0062_PoolingWindowFromAField()
    {
        AssertSoleLayerError("SG0062", LayerHeader + ConvModel + """
                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(Flatten(MaxPool2d(Conv2d(x.AsImage(1, 6, 6), conv), [|side|])));
            }
            """, "a pooling window and stride");
    }

    [Fact]
    public void SG0062_NamedArgumentsOutOfOrder()
    {
        AssertSoleLayerError("SG0062", LayerHeader + ConvModel + """
                [Differentiable]
                public float F([NoDiff] Vec x, int h) => Sum(Flatten(MaxPool2d(stride: 2, size: 2, x: x.AsImage(width: 6, height: [|h|], channels: 1))));
            }
            """, "an image's channels, height and width");
    }

    [Fact]
    public void SG0018_LayerCopiedToALocal()
    {
        AssertLayerReported("SG0018", LayerHeader + ConvModel + """
                [Differentiable]
                public float F([NoDiff] Vec x)
                {
                    var layer = [|conv|];
                    return Sum(Flatten(Conv2d(x.AsImage(1, 6, 6), layer)));
                }
            }
            """, "'conv' has type 'SymbolicGrad.Conv2d'");
    }

    [Fact]
    public void SG0061_BatchNormFromAnArrayElement()
    {
        AssertSoleLayerError("SG0061", LayerHeader + """
            public sealed partial class C : Model
            {
                readonly BatchNorm[] norms;
                public C() => norms = new[] { Parameters.BatchNorm(4) };

                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(BatchNorm(x, [|norms[0]|]));
            }
            """, "Parameters.BatchNorm(…)");
    }

    [Fact]
    public void SG0061_ConvLayerFromAStaticField()
    {
        AssertSoleLayerError("SG0061", LayerHeader + """
            public sealed partial class C : Model
            {
                static readonly Conv2d Shared = new Holder().Parameters.Conv2d(1, 1, 3);
            sealed class Holder : Model { }

                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(Flatten(Conv2d(x.AsImage(1, 6, 6), [|Shared|])));
            }
            """, "Parameters.Conv2d(…)");
    }

    [Fact]
    public void SG0003_LayerAsAParameter()
    {
        AssertSoleLayerError("SG0003", LayerHeader + ConvModel + """
                [Differentiable]
                public float F([NoDiff] Vec x, [NoDiff] [|Conv2d|] other) => Sum(Flatten(Conv2d(x.AsImage(1, 6, 6), other)));
            }
            """, "a [Differentiable] method of a Model takes one sample");
    }

    [Fact]
    public void SG0061_ConvLayerFromAConditional()
    {
        AssertSoleLayerError("SG0061", LayerHeader + """
            public sealed partial class C : Model
            {
                readonly Conv2d a, b;
                public C() { a = Parameters.Conv2d(1, 1, 3); b = Parameters.Conv2d(1, 1, 3); }

                [Differentiable]
                public float F([NoDiff] Vec x, bool first) => Sum(Flatten(Conv2d(x.AsImage(1, 6, 6), [|first ? a : b|])));
            }
            """, "Parameters.Conv2d(…)");
    }

    [Fact]
    public void SG0060_ConvInAStaticFunction()
    {
        AssertSoleLayerError("SG0060", LayerHeader + """
            public static partial class C
            {
                [Differentiable]
                public static float F(Vec w) => Sum([|w.AsImage(1, 2, 2).AsVec()|]);
            }
            """, "instance [Differentiable] method of a Model");
    }

    [Fact]
    public void SG0060_BatchNormInAStaticHelperOfAStaticFunction()
    {
        AssertLayerReported("SG0060", LayerHeader + """
            public static partial class C
            {
                static readonly BatchNorm Norm = new Holder().Parameters.BatchNorm(4);
            sealed class Holder : Model { }

                [Differentiable]
                static Vec Normalize(Vec v) => [|BatchNorm(v, Norm)|];

                [Differentiable]
                public static float F(Vec w) => Sum(Normalize(w));
            }
            """, "its parameter store");
    }

    [Fact]
    public void SG0063_ConvInALoopOverLayers()
    {
        AssertSoleLayerError("SG0063", LayerHeader + """
            public sealed partial class C : Model
            {
                readonly Mat[] W;
                readonly Conv2d conv;
                public C()
                {
                    conv = Parameters.Conv2d(1, 1, 1);
                    W = new Mat[2];
                    for (int l = 0; l < W.Length; l++) W[l] = Parameters.Matrix(4, 4, Init.He(l));
                }

                [Differentiable]
                public float F([NoDiff] Vec x)
                {
                    Vec h = x;
                    for (int l = 0; l < W.Length; l++) h = W[l] * [|Conv2d(h.AsImage(1, 2, 2), conv).AsVec()|];
                    return Sum(h);
                }
            }
            """, "is inside a loop");
    }

    [Fact]
    public void SG0063_PoolInALoopOverLayers()
    {
        AssertSoleLayerError("SG0063", LayerHeader + """
            public sealed partial class C : Model
            {
                readonly Mat[] W;
                public C()
                {
                    W = new Mat[2];
                    for (int l = 0; l < W.Length; l++) W[l] = Parameters.Matrix(4, 4, Init.He(l));
                }

                [Differentiable]
                public float F([NoDiff] Vec x)
                {
                    Vec h = x;
                    for (int l = 0; l < W.Length; l++) h = W[l] * [|Flatten(h.AsImage(1, 2, 2))|];
                    return Sum(h);
                }
            }
            """, "is inside a loop");
    }

    [Fact]
    public void SG0062_EveryNonConstantExtentIsReported()
    {
        var marked = MarkedSource.Parse(LayerHeader + ConvModel + """
                [Differentiable]
                public float F([NoDiff] Vec x, int c, int h) => Sum(W * Flatten(MaxPool2d(x.AsImage([|c|], h, 4), 2)));
            }
            """);
        var run = GeneratorHarness.Run(marked.Text);
        Assert.Null(run.GeneratorException);
        var reported = run.GeneratorErrors.Select(d => (d.Id, Text: marked.Text.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length))).ToList();
        Assert.Equal([("SG0062", "c"), ("SG0062", "h")], reported);
        Assert.Empty(run.OutputErrors);
    }

    /// <summary>Reported at its span, and the only error: a reported layer leaves a placeholder nothing after it trips on.</summary>
    private static void AssertSoleLayerError(string id, string markedSource, string messageContains)
    {
        AssertLayerReported(id, markedSource, messageContains);
        var run = GeneratorHarness.Run(MarkedSource.Parse(markedSource).Text);
        var errors = run.GeneratorErrors.Select(d => d.ToString()).ToList();
        Assert.True(errors.Count == 1, "Expected one error, got:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void SG0019_ImageHelperIsNotInlined()
    {
        // A helper of images is refused on its own declaration; the call is SG0019, and nothing after the call is reported.
        var marked = MarkedSource.Parse(LayerHeader + ConvModel + """
                [Differentiable]
                static Image Pool(Image x) => MaxPool2d(x, 2);

                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(W * Flatten([|Pool(Relu(Conv2d(x.AsImage(1, 6, 6), conv)))|]));
            }
            """);
        var run = GeneratorHarness.Run(marked.Text);
        Assert.Null(run.GeneratorException);
        var inF = run.GeneratorErrors.Where(d => d.Location.GetLineSpan().StartLinePosition.Line == 21).ToList();
        var atCall = Assert.Single(inF);
        Assert.Equal("SG0019", atCall.Id);
        Assert.Equal(marked.Span, atCall.Location.SourceSpan);
        Assert.All(run.GeneratorErrors.Except([atCall]), d => Assert.Contains(d.Id, new[] { "SG0002", "SG0003" }));
        Assert.Empty(run.OutputErrors);
    }
}
