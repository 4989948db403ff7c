using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>The diagnostics of loops over a model's layers, SG0070–SG0074. (A part of <see cref="DiagnosticTests"/>.)</summary>
public sealed partial class DiagnosticTests
{
    // ---- SG0070–SG0074: loops over a model's layers ----

    private const string LayerModel = """
        public sealed partial class Net : Model
        {
            readonly Mat[] W;
            readonly Vec[] b;
            readonly Mat Head;

            public Net() { W = new Mat[0]; b = new Vec[0]; Head = Parameters.Matrix(3, 4, Init.He(0)); }

        """;

    [Fact]
    public void SG0070_ALoopInAModelThatIsNotOverLayers()
    {
        var run = AssertReported("SG0070", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    [|for|] (int l = W.Length - 1; l >= 0; l--) h = Ops.Relu(W[l] * h + b[l]);
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """, "for (int l = 0; l < W.Length; l++)");
        Assert.Contains("readonly Mat[] or Vec[] field", Message(run, "SG0070"));
    }

    [Fact]
    public void SG0070_ALoopInsideAnIf()
    {
        AssertReported("SG0070", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    if (label > 0)
                    {
                        [|for|] (int l = 0; l < W.Length; l++) h = Ops.Relu(W[l] * h + b[l]);
                    }
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """, "outside any if");
    }

    [Fact]
    public void SG0071_ABreakInALayerLoop()
    {
        AssertReported("SG0071", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    for (int l = 0; l < W.Length; l++)
                    {
                        h = Ops.Relu(W[l] * h + b[l]);
                        if (l == 2) [|break;|]
                    }
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """, "it breaks out of the loop");
    }

    [Fact]
    public void SG0071_TwoCarriedVectors()
    {
        AssertReported("SG0071", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x, previous = x;
                    [|for|] (int l = 0; l < W.Length; l++)
                    {
                        previous = h;
                        h = Ops.Relu(W[l] * h + b[l]);
                    }
                    return Ops.SoftmaxCrossEntropy(h + previous, label);
                }
            }
            """, "it carries previous, h from one layer to the next, not exactly one Vec");
    }

    [Fact]
    public void SG0072_ALayerReadOutsideItsLoopKeepsTheAdviceThatKeepsItsGradient()
    {
        var run = AssertReported("SG0072", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy([|W[0]|] * x, label);
            }
            """, "outside a loop over layers");
        Assert.DoesNotContain("[NoDiff]", Message(run, "SG0072"));
    }

    [Fact]
    public void SG0072_ALayerReadAtAnotherIndex()
    {
        AssertReported("SG0072", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    for (int l = 0; l < W.Length; l++) h = Ops.Relu(W[l] * h + [|b[l + 1]|]);
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """, "at another index than the counter 'l'");
    }

    [Fact]
    public void SG0073_ALayerReadsAValueFromBeforeTheLoop()
    {
        var run = AssertReported("SG0073", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    for (int l = 0; l < W.Length; l++) h = Ops.Relu(W[l] * h + b[l]) + [|x|];
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """, "'x' is read inside the loop over layers but comes from before it");
        Assert.Contains("carry it along with 'h'", Message(run, "SG0073"));
    }

    [Fact]
    public void SG0074_ALayerArrayThatIsNotReadonly()
    {
        var run = AssertReported("SG0074", Header + """
            public sealed partial class Net : Model
            {
                Mat[] W = new Mat[0];

                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    for (int l = 0; l < [|W|].Length; l++) h = Ops.Relu(W[l] * h);
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """, "Layer array 'W' is not a readonly field");
        Assert.Contains("readonly Mat[] W", Message(run, "SG0074"));
        Assert.Contains("Parameters.Matrix", Message(run, "SG0074"));
    }
}
