using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Model methods with Jvp and Hessian whose fields or locals take a name the generated Jvp and Hvp use (their
/// parameters direction, tangent, gradient and hv; the private layer Jvp methods): found by
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

    [Theory]
    [InlineData("LossLayerJvp")]
    [InlineData("LossLayerJvpFromData")]
    [InlineData("LossLayerForwardBatch")]
    public void A_local_of_a_layer_loop_named_like_the_layer_Jvp(string local)
    {
        string source = Model("readonly Mat[] W; readonly Vec[] b;",
            "W = new Mat[2]; b = new Vec[2]; W[0] = Parameters.Matrix(3, 2, Init.Xavier(1)); b[0] = Parameters.Vector(3); W[1] = Parameters.Matrix(4, 3, Init.Xavier(2)); b[1] = Parameters.Vector(4);",
            "Jvp = true",
            $"Vec {local} = x; for (int l = 0; l < W.Length; l++) {local} = Tanh(W[l] * {local} + b[l]); return SoftmaxCrossEntropy({local}, label);");
        GeneratorHarness.Run(source).AssertClean();
    }

    [Theory]
    [InlineData("LossJvpOfOneRow", "Jvp = true")]
    [InlineData("LossHvpOfOneRow", "Hessian = true")]
    public void A_parameter_named_like_the_one_row_body(string parameter, string attribute)
    {
        string source = Model("readonly Mat W; readonly Vec b;", "W = Parameters.Matrix(3, 2, Init.Xavier(1)); b = Parameters.Vector(3, Init.Normal(0.5f, 2));",
            attribute, "return SoftmaxCrossEntropy(Tanh(W * x + b), label);").Replace("int label", "int " + parameter).Replace(", label)", $", {parameter})");
        GeneratorHarness.Run(source).AssertClean();
    }

    [Theory]
    [InlineData("W", "h")]
    [InlineData("l", "W")]
    [InlineData("b", "h")]
    public void A_layer_loops_counter_or_vector_named_like_a_layer_array(string counter, string carried)
    {
        string source = Model("readonly Mat[] W; readonly Vec[] b;",
            "W = new Mat[2]; b = new Vec[2]; W[0] = Parameters.Matrix(3, 2, Init.Xavier(1)); b[0] = Parameters.Vector(3); W[1] = Parameters.Matrix(4, 3, Init.Xavier(2)); b[1] = Parameters.Vector(4);",
            "Jvp = true, Hessian = true",
            $"Vec {carried} = x; for (int {counter} = 0; {counter} < this.W.Length; {counter}++) {carried} = Tanh(this.W[{counter}] * {carried} + this.b[{counter}]); return SoftmaxCrossEntropy({carried}, label);");
        GeneratorHarness.Run(source).AssertClean();
    }

    [Theory]
    [InlineData("Jvp = true")]
    [InlineData("Hessian = true")]
    public void Locals_named_like_the_fields(string attribute)
    {
        string source = Model("readonly Mat W; readonly Vec b;", "W = Parameters.Matrix(3, 2, Init.Xavier(1)); b = Parameters.Vector(3, Init.Normal(0.5f, 2));",
            attribute, "Vec W = this.W * x; Vec b = Tanh(W + this.b); return SoftmaxCrossEntropy(b, label);");
        GeneratorHarness.Run(source).AssertClean();
    }

    [Theory]
    [InlineData("Lanes")]
    [InlineData("MathF")]
    [InlineData("Math")]
    [InlineData("System")]
    public void A_local_named_like_a_type_the_generated_code_uses(string local)
    {
        string source = Model("readonly Mat W; readonly Vec b;", "W = Parameters.Matrix(3, 2, Init.Xavier(1)); b = Parameters.Vector(3, Init.Normal(0.5f, 2));",
            "Jvp = true, Hessian = true", $"Vec {local} = Relu(W * x + b); return SoftmaxCrossEntropy(LeakyRelu({local}), label);");
        GeneratorHarness.Run(source).AssertClean();
    }

    [Theory]
    [InlineData("Lanes")]
    [InlineData("MathF")]
    public void A_layer_loops_counter_named_like_a_type_the_generated_code_uses(string counter)
    {
        string source = Model("readonly Mat[] W; readonly Vec[] b;",
            "W = new Mat[2]; b = new Vec[2]; W[0] = Parameters.Matrix(3, 2, Init.Xavier(1)); b[0] = Parameters.Vector(3); W[1] = Parameters.Matrix(4, 3, Init.Xavier(2)); b[1] = Parameters.Vector(4);",
            "Jvp = true, Hessian = true",
            $"Vec h = x; for (int {counter} = 0; {counter} < W.Length; {counter}++) h = Relu(W[{counter}] * h + b[{counter}]); return SoftmaxCrossEntropy(h, label);");
        GeneratorHarness.Run(source).AssertClean();
    }

    [Theory]
    [InlineData("l", "hv")]
    [InlineData("l", "gradient")]
    [InlineData("l", "direction")]
    [InlineData("hv", "gradient")]
    [InlineData("gradient", "h")]
    public void A_layer_loops_counter_or_vector_named_like_a_buffer_of_the_Hvp(string counter, string carried)
    {
        // The layers' Hvp methods take the gradient and hv buffers beside the carried vector and the counter.
        string source = Model("readonly Mat[] W; readonly Vec[] b;",
            "W = new Mat[2]; b = new Vec[2]; W[0] = Parameters.Matrix(3, 2, Init.Xavier(1)); b[0] = Parameters.Vector(3); W[1] = Parameters.Matrix(4, 3, Init.Xavier(2)); b[1] = Parameters.Vector(4);",
            "Jvp = true, Hessian = true",
            $"Vec {carried} = x; for (int {counter} = 0; {counter} < W.Length; {counter}++) {carried} = Tanh(W[{counter}] * {carried} + b[{counter}]); return SoftmaxCrossEntropy({carried}, label);");
        GeneratorHarness.Run(source).AssertClean();
    }
}
