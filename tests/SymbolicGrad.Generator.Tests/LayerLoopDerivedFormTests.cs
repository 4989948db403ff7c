using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// A layer loop's Jvp and Hvp run the layer's forms per value of a condition on the counter exactly where its gradient
/// does: with the forms, each derived method's layer dispatches on the condition once and no per-element select is left;
/// where the gradient keeps the layer's one form (here a member already named as a form would be, or a condition that
/// reads a weight, not only the counter), so do the Jvp and the Hvp, with the select per element.
/// </summary>
public sealed class LayerLoopDerivedFormTests
{
    private static string Source(string layer, string member) => $$"""
        using SymbolicGrad;

        namespace Nets;

        public sealed partial class Layered : Model
        {
            private readonly Mat[] W;
            private readonly Vec[] b;

            public Layered()
            {
                W = new[] { Parameters.Matrix(4, 3, Init.Zeros), Parameters.Matrix(2, 4, Init.Zeros) };
                b = new[] { Parameters.Vector(4), Parameters.Vector(2) };
            }

            [Differentiable(Jvp = true, Hessian = true)]
            public float Loss([NoDiff] Vec x, int label)
            {
                Vec h = x;
                for (int l = 0; l < W.Length; l++) h = {{layer}};
                return Ops.SoftmaxCrossEntropy(h, label);
            }
            {{member}}
        }
        """;

    private const string Relu = "l < W.Length - 1 ? Ops.Relu(W[l] * h + b[l]) : W[l] * h + b[l]";

    private static (string Gradient, string Derived) Generate(string source)
    {
        var run = GeneratorHarness.Run(source).AssertClean();
        string gradient = run.GeneratedSources.Single(s => s.Key.EndsWith(".Loss.g.cs", StringComparison.Ordinal)).Value;
        string derived = run.GeneratedSources.Single(s => s.Key.EndsWith(".Loss.Derivatives.g.cs", StringComparison.Ordinal)).Value;
        return (gradient, derived);
    }

    [Fact]
    public void With_the_gradients_forms_the_Jvp_and_Hvp_dispatch_once_per_layer_and_select_no_element()
    {
        var (gradient, derived) = Generate(Source(Relu, ""));
        Assert.Contains("LossLayerThenForwardBatch(", gradient);
        foreach (string form in new[] { "LossLayerThenJvp(", "LossLayerElseJvp(", "LossLayerThenJvpFromData(", "LossLayerElseJvpFromData(",
            "LossLayerThenHvpForward(", "LossLayerElseHvpBackward(", "LossLayerThenHvpFromDataBackward(", "LossLayerElseHvpFromDataForward(" })
        {
            Assert.Contains(form, derived);
        }
        Assert.Contains("if (l < W.Length - 1) LossLayerThenJvp(", derived);
        Assert.DoesNotContain("Lanes.Mask(", derived);
        Assert.DoesNotContain("c1[0] ?", derived);
    }

    [Theory]
    [InlineData(Relu, "private void LossLayerThen() { }")]
    [InlineData("b[l][0] > 0f ? Ops.Relu(W[l] * h + b[l]) : W[l] * h + b[l]", "")]
    public void Where_the_gradient_keeps_the_layers_one_form_so_do_the_Jvp_and_Hvp(string layer, string member)
    {
        var (gradient, derived) = Generate(Source(layer, member));
        Assert.DoesNotContain("LossLayerThen", gradient);
        Assert.DoesNotContain("ThenJvp", derived);
        Assert.DoesNotContain("ThenHvp", derived);
        // The one form: the condition is a value of the layer, and each element selects.
        Assert.Contains("Lanes.Select(Lanes.Mask(", derived);
    }
}
