using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Model methods with Jvp and Hessian whose fields or locals take a name the generated Jvp and Hvp use (their
/// parameters direction, tangent, gradient and hv): found by
/// <see cref="ModelDerivativePropertyTests"/>; each must compile clean.
/// </summary>
public sealed class ForwardNameTests
{
    private static string Model(string fields, string constructor, string attribute, string body) => $$"""
        using SymbolicGrad;
        using static SymbolicGrad.Ops;

        namespace Names;

        public sealed partial class Net : Model
        {
            {{fields}}

            public Net()
            {
                {{constructor}}
            }

            [Differentiable({{attribute}})]
            public float Loss([NoDiff] Vec x, int label)
            {
                {{body}}
            }
        }
        """;

    [Theory]
    [InlineData("tangent", "Jvp = true")]
    [InlineData("direction", "Jvp = true")]
    [InlineData("direction", "Hessian = true")]
    [InlineData("gradient", "Hessian = true")]
    [InlineData("hv", "Hessian = true")]
    public void A_field_named_like_a_parameter_of_the_Jvp_or_Hvp(string field, string attribute)
    {
        string source = Model($"readonly Mat W; readonly Vec {field};",
            $"W = Parameters.Matrix(3, 2, Init.Xavier(1)); {field} = Parameters.Vector(3, Init.Normal(0.5f, 2));",
            attribute, $"return SoftmaxCrossEntropy(Tanh(W * x + {field}), label);");
        GeneratorHarness.Run(source).AssertClean();
    }
}
