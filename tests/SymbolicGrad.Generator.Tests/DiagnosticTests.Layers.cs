using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// The diagnostics of layers (SG0060–SG0063), each at its exact span (marked <c>[|…|]</c>): no generator exception,
/// output that compiles, and no file for the method. (A part of <see cref="DiagnosticTests"/>, which checks that every
/// catalogue diagnostic has a test.)
/// </summary>
public sealed partial class DiagnosticTests
{
    private const string LayerHeader = """
        using System;
        using SymbolicGrad;
        using static SymbolicGrad.Ops;

        namespace Diag;

        """;

    [Fact]
    public void SG0060_DropoutInAStaticFunction()
    {
        AssertLayerReported("SG0060", LayerHeader + """
            public static partial class C
            {
                [Differentiable]
                public static float F(Vec w) => Sum([|Dropout(w, 0.5f)|]);
            }
            """, "'Dropout(w, 0.5f)' needs the model's mode (Model.Training) and its random stream");
    }

    [Fact]
    public void SG0060_ImageViewInAStaticFunction()
    {
        AssertLayerReported("SG0060", LayerHeader + """
            public static partial class C
            {
                [Differentiable]
                public static float F(Vec w) => Sum([|Flatten(MaxPool2d(w.AsImage(1, 4, 4), 2))|]);
            }
            """, "instance [Differentiable] method of a Model");
    }

    [Fact]
    public void SG0061_LayerFromAProperty()
    {
        AssertLayerReported("SG0061", LayerHeader + """
            public sealed partial class C : Model
            {
                readonly Conv2d conv;
                public C() => conv = Parameters.Conv2d(1, 2, 3);
                Conv2d Layer => conv;

                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(Flatten(Conv2d(x.AsImage(1, 5, 5), [|Layer|])));
            }
            """, "'Layer' is not a field of the model: pass the layer itself, a readonly field initialized from Parameters.Conv2d(…)");
    }

    [Fact]
    public void SG0062_ImageShapeFromAParameter()
    {
        AssertLayerReported("SG0062", LayerHeader + """
            public sealed partial class C : Model
            {
                readonly Mat W;
                public C() => W = Parameters.Matrix(2, 16, Init.He(0));

                [Differentiable]
                public float F([NoDiff] Vec x, int side) => Sum(W * Flatten(x.AsImage(1, [|side|], 4)));
            }
            """, "an image's channels, height and width must be a positive constant int");
    }

    [Fact]
    public void SG0062_PoolingWindowNotPositive()
    {
        AssertLayerReported("SG0062", LayerHeader + """
            public sealed partial class C : Model
            {
                readonly Mat W;
                public C() => W = Parameters.Matrix(2, 16, Init.He(0));

                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(W * Flatten(MaxPool2d(x.AsImage(1, 8, 8), [|0|])));
            }
            """, "a pooling window and stride");
    }

    [Fact]
    public void SG0063_DropoutInALoop()
    {
        AssertLayerReported("SG0063", LayerHeader + """
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
                    for (int l = 0; l < W.Length; l++) h = [|Dropout(Relu(W[l] * h), 0.5f)|];
                    return Sum(h);
                }
            }
            """, "is inside a loop");
    }

    private static void AssertLayerReported(string id, string markedSource, string messageContains)
    {
        var marked = MarkedSource.Parse(markedSource);
        var run = GeneratorHarness.Run(marked.Text);
        if (run.GeneratorException is not null) throw new Xunit.Sdk.XunitException("Generator threw: " + run.GeneratorException);
        var hit = run.GeneratorDiagnostics.FirstOrDefault(d => d.Id == id && d.Location.SourceSpan == marked.Span && d.Location.GetLineSpan().Path == "Source0.cs");
        if (hit is null)
        {
            throw new Xunit.Sdk.XunitException($"Expected {id} at {marked.Span} '{marked.MarkedText}'. Reported:{Environment.NewLine}" +
                string.Join(Environment.NewLine, run.GeneratorDiagnostics.Select(d => $"{d.Id} {d.Location.SourceSpan} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")));
        }
        Assert.Contains(messageContains, hit.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(run.OutputErrors);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "SG9999");
        Assert.DoesNotContain("Diag.C.F.g.cs", run.GeneratedSources.Keys);
    }
}
