using System.Reflection;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Unusual but valid uses of layers (a layer applied twice, layers in helpers, an image held in a local, Image.AsVec)
/// compile cleanly and differentiate correctly; shapes that do not fit are refused at run time naming the sizes.
/// (The refused uses are <see cref="DiagnosticTests"/>' SG0060–SG0063 cases.)
/// </summary>
public sealed class LayerMisuseTests
{
    private const string Header = """
        using System;
        using SymbolicGrad;
        using static SymbolicGrad.Ops;

        namespace Odd;

        public sealed partial class Net : Model
        {
            readonly Conv2d conv;
            readonly BatchNorm bn;
            readonly Mat W;
            public Net()
            {
                conv = Parameters.Conv2d(2, 2, 3, padding: 1, init: Init.He(3));
                bn = Parameters.BatchNorm(2);
                W = Parameters.Matrix(3, 8, Init.He(4));
            }

        """;

    private static readonly Vec Input = new(Enumerable.Range(0, 32).Select(i => MathF.Sin(1.7f * i) + 0.1f * i).ToArray());

    [Fact]
    public void A_convolution_applied_twice_sums_both_gradients()
    {
        var run = GeneratorHarness.Run(Header + """
                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(W * Flatten(MaxPool2d(Relu(Conv2d(Relu(Conv2d(x.AsImage(2, 4, 4), conv)), conv)), 2)));
            }
            """).AssertClean();
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        Assert.True(ModelGradientCheck.AssertMatches(assembly, "Odd.Net", [], "F", Input) > 0);
    }

    [Fact]
    public void Image_AsVec_is_Flatten()
    {
        var run = GeneratorHarness.Run(Header + """
                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(W * MaxPool2d(Relu(Conv2d(x.AsImage(2, 4, 4), conv)), 2).AsVec());

                [Differentiable]
                public float G([NoDiff] Vec x) => Sum(W * Flatten(MaxPool2d(Relu(Conv2d(x.AsImage(2, 4, 4), conv)), 2)));
            }
            """).AssertClean();
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        Assert.True(ModelGradientCheck.AssertMatches(assembly, "Odd.Net", [], "F", Input) > 0);
        Assert.True(ModelGradientCheck.AssertMatches(assembly, "Odd.Net", [], "G", Input) > 0);
    }

    [Fact]
    public void An_image_held_in_a_local_and_reassigned()
    {
        var run = GeneratorHarness.Run(Header + """
                [Differentiable]
                public float F([NoDiff] Vec x)
                {
                    Image image = x.AsImage(2, 4, 4);
                    image = Relu(Conv2d(image, conv));
                    image = MaxPool2d(image, 2);
                    return Sum(W * Flatten(image));
                }
            }
            """).AssertClean();
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        Assert.True(ModelGradientCheck.AssertMatches(assembly, "Odd.Net", [], "F", Input) > 0);
    }

    [Fact]
    public void Layers_in_static_and_instance_helpers()
    {
        var run = GeneratorHarness.Run(Header + """
                [Differentiable]
                static Vec Pool(Vec x) => Flatten(MaxPool2d(x.AsImage(2, 4, 4), 2));

                [Differentiable]
                Vec Features(Vec x) => Pool(Relu(Flatten(Conv2d(x.AsImage(2, 4, 4), conv))));

                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(W * Features(x));
            }
            """).AssertClean();
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        Assert.True(ModelGradientCheck.AssertMatches(assembly, "Odd.Net", [], "F", Input) > 0);
    }

    [Fact]
    public void Batch_norm_and_dropout_twice_on_one_layer_compile()
    {
        var run = GeneratorHarness.Run(Header + """
                [Differentiable]
                public float F([NoDiff] Vec x)
                {
                    Image a = BatchNorm(x.AsImage(2, 4, 4), bn);
                    Image b = BatchNorm(Relu(a), bn);
                    return Sum(W * Dropout(Dropout(Flatten(MaxPool2d(b, 2)), 0.25f), 0.25f));
                }
            }
            """).AssertClean();
        var text = run.Source("Odd.Net.F.g.cs");
        // Two dropouts, two masks: never merged.
        Assert.Contains(", 0);", text, StringComparison.Ordinal);
        Assert.Contains(", 1);", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_image_view_that_does_not_divide_the_vector_is_an_argument_exception_naming_the_sizes()
    {
        var error = RunToError("""
                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(W * Flatten(MaxPool2d(x.AsImage(2, 5, 3), 2)));
            }
            """);
        Assert.Contains("AsImage(2, 5, 3) needs 30 elements per sample, but the vector has 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pooling_window_larger_than_the_image_is_an_argument_exception()
    {
        var error = RunToError("""
                [Differentiable]
                public float F([NoDiff] Vec x) => Sum(W * Flatten(MaxPool2d(x.AsImage(2, 4, 4), 5)));
            }
            """);
        Assert.Contains("5", error.Message, StringComparison.Ordinal);
        Assert.Contains("4", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The ArgumentException the generated gradient throws on <see cref="Input"/>.</summary>
    private static ArgumentException RunToError(string members)
    {
        var run = GeneratorHarness.Run(Header + members).AssertClean();
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        var type = assembly.Type("Odd.Net");
        var model = Activator.CreateInstance(type)!;
        var gradient = type.GetMethod("FGradient", BindingFlags.Public | BindingFlags.Instance)!;
        var thrown = Assert.Throws<TargetInvocationException>(() => gradient.Invoke(model, [Input]));
        return Assert.IsAssignableFrom<ArgumentException>(thrown.InnerException);
    }
}
