using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Layers factored into [Differentiable] helpers returning Vec or Mat are inlined into model methods and tensor
/// functions: the code is that of the method written out by hand; the helper itself gets no file, and its errors are
/// reported on it.
/// </summary>
public sealed class LayerHelperTests
{
    private const string Header = """
        using System;
        using SymbolicGrad;
        using static SymbolicGrad.Ops;

        namespace Layers;

        """;

    private const string Constructor = """
            readonly Mat W1, W2; readonly Vec b1, b2;

            public NAME(int seed = 0)
            {
                W1 = Parameters.Matrix(7, 5, Init.He(seed));
                b1 = Parameters.Vector(7);
                W2 = Parameters.Matrix(3, 7, Init.Xavier(seed + 1));
                b2 = Parameters.Vector(3);
            }
        """;

    [Fact]
    public void Inlined_helpers_give_the_code_of_the_method_written_out()
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class Factored : Model
            {
            """ + Constructor.Replace("NAME", "Factored") + """

                [Differentiable]
                static Vec Dense(Mat W, Vec b, Vec x) => Relu(W * x + b);

                [Differentiable]
                Vec Logits(Vec x)
                {
                    Vec h = Dense(W1, b1, x);
                    return W2 * h + b2;
                }

                [Differentiable]
                public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(Logits(x), label);
            }

            public sealed partial class Unrolled : Model
            {
            """ + Constructor.Replace("NAME", "Unrolled") + """

                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = Relu(W1 * x + b1);
                    return SoftmaxCrossEntropy(W2 * h + b2, label);
                }
            }
            """).AssertClean();
        // Nothing is generated for the helpers: a vector-valued function has no gradient method.
        Assert.Equal(["Layers.Factored.Loss.g.cs", "Layers.Unrolled.Loss.g.cs"], run.GeneratedSources.Keys.Order());
        string factored = run.Source("Layers.Factored.Loss.g.cs").Replace("Factored", "Unrolled");
        Assert.Equal(run.Source("Layers.Unrolled.Loss.g.cs"), factored);
    }

    [Fact]
    public void A_tensor_function_is_generated_and_also_inlined()
    {
        var run = GeneratorHarness.Run(Header + """
            public static partial class Losses
            {
                [Differentiable]
                public static float Squared(Vec a, Vec b) => Dot(a - b, a - b);
            }

            public sealed partial class Net : Model
            {
                readonly Vec w;

                public Net() => w = Parameters.Vector(4);

                [Differentiable]
                public float Loss([NoDiff] Vec x, [NoDiff] Vec target) => Losses.Squared(w * x, target);
            }
            """).AssertClean();
        Assert.Contains("public static float SquaredGradient(global::SymbolicGrad.Vec a, global::SymbolicGrad.Vec b, global::SymbolicGrad.Vec dA, global::SymbolicGrad.Vec dB)",
            run.Source("Layers.Losses.Squared.g.cs"));
        Assert.Contains("Parameters.AddColumnSums(w, ", run.Source("Layers.Net.Loss.g.cs"));
    }

    [Fact]
    public void A_helpers_own_error_is_reported_on_it_and_its_callers_point_to_it()
    {
        var marked = MarkedSource.Parse(Header + """
            public sealed partial class Net : Model
            {
                readonly Mat W; readonly Vec b;

                public Net() { W = Parameters.Matrix(3, 4, Init.He(0)); b = Parameters.Vector(3); }

                [Differentiable]
                static Vec Dense(Mat W, Vec b, Vec x)
                {
                    [|Console.WriteLine(x)|];
                    return Relu(W * x + b);
                }

                [Differentiable]
                public float Loss([NoDiff] Vec x, [NoDiff] Vec target) => Mse(Dense(W, b, x), target);
            }
            """);
        var run = GeneratorHarness.Run(marked.Text);
        Assert.Null(run.GeneratorException);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SG0012" && d.Location.SourceSpan == marked.Span);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SG0019" && d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("'Dense' has errors"));
        Assert.Empty(run.GeneratedSources);
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void An_instance_helper_called_on_another_model_is_refused()
    {
        var marked = MarkedSource.Parse(Header + """
            public sealed partial class Net : Model
            {
                readonly Mat W; readonly Vec b;

                public Net() { W = Parameters.Matrix(3, 4, Init.He(0)); b = Parameters.Vector(3); }

                static readonly Net Other = new();

                [Differentiable]
                Vec Dense(Vec x) => Relu(W * x + b);

                [Differentiable]
                public float Loss([NoDiff] Vec x, [NoDiff] Vec target) => Mse([|Other.Dense(x)|], target);
            }
            """);
        var run = GeneratorHarness.Run(marked.Text);
        var refusal = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "SG0019");
        Assert.Equal(marked.Span, refusal.Location.SourceSpan);
        Assert.Contains("call it on this model", refusal.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void An_index_out_of_range_names_the_read_and_a_helper_has_no_name_conflict()
    {
        var run = GeneratorHarness.Run(Header + """
            public static partial class Picks
            {
                [Differentiable]
                static Vec Step(Vec x, Vec dX) => x - dX;

                [Differentiable]
                public static float Element(Vec z, Vec w, int k) => Step(z, w)[k + 1] * z[0];
            }
            """).AssertClean();
        string generated = run.Source("Layers.Picks.Element.g.cs");
        // k + 1 is checked where the forward pass reads the element (int arithmetic on parameters is written where it is used).
        Assert.Contains("IndexCheck.Within(k + 1, zLength, \"Element: Step(z, w)[k + 1]\")", generated);
        Assert.Contains("IndexCheck.Within(0, zLength, \"Element: z[0]\")", generated);
    }
}
