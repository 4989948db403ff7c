using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Which element-wise loops of network code are vectorized (operations whose vector form rounds as the scalar one),
/// which stay scalar, and which values overwrite a dead operand's buffer. The numbers are checked in the network tests.
/// </summary>
public sealed class VectorizationTests
{
    private static string Model(string body, string extra = "") => $$"""
        using SymbolicGrad;
        using static SymbolicGrad.Ops;

        namespace Shapes;

        {{extra}}

        public sealed partial class Net : Model
        {
            readonly Mat W; readonly Vec b;

            public Net() { W = Parameters.Matrix(4, 3, Init.He(1)); b = Parameters.Vector(4); }

            [Differentiable]
            public float Loss([NoDiff] Vec x, [NoDiff] Vec target)
            {
                {{body}}
            }
        }
        """;

    private static string Generate(string source)
    {
        var run = GeneratorHarness.Run(source).AssertClean();
        return run.Source("Shapes.Net.Loss.g.cs");
    }

    [Fact]
    public void Exact_operations_get_a_vector_loop_with_a_scalar_tail()
    {
        string generated = Generate(Model("Vec h = LeakyRelu(W * x + b, 0.1f) * 2f - b * 3f; return Mse(h, target);"));
        Assert.Contains("using Lanes = global::SymbolicGrad.CompilerServices.Lanes;", generated);
        Assert.Contains("for (; i <= wRows - Lanes.Width; i += Lanes.Width)", generated);
        Assert.Contains("for (; i < wRows; i++)", generated);
        // LeakyRelu is a select on a comparison: a lane mask, no branch.
        Assert.Contains("Lanes.Select(Lanes.Greater(", generated);
        Assert.Contains("Lanes.Splat(2f)", generated);
    }

    [Fact]
    public void Exp_tanh_and_sigmoid_keep_scalar_loops_so_the_forward_pass_keeps_MathF_bits()
    {
        string generated = Generate(Model("Vec h = Tanh(W * x + b) + Exp(b) + Sigmoid(b); return Mse(h, target);"));
        Assert.Contains("MathF.Tanh(", generated);
        Assert.Contains("MathF.Exp(", generated);
        var lines = generated.Split('\n');
        Assert.DoesNotContain(lines, l => l.Contains("Lanes.") && (l.Contains("Tanh(") || l.Contains("Exp(")));
    }

    [Fact]
    public void A_user_type_named_Lanes_makes_the_code_name_the_runtime_class_in_full()
    {
        string generated = Generate(Model("return Mse(Relu(W * x + b), target);", "public static class Lanes { public static int Width => 1; }"));
        Assert.DoesNotContain("using Lanes =", generated);
        Assert.Contains("global::SymbolicGrad.CompilerServices.Lanes.Store(", generated);
        Assert.Contains("global::SymbolicGrad.CompilerServices.Lanes.Max(", generated);
    }

    [Fact]
    public void A_value_read_again_later_keeps_its_own_buffer()
    {
        // z is read by the loss after h is computed, so h cannot overwrite it.
        string generated = Generate(Model("Vec z = W * x + b; Vec h = Relu(z); return Mse(h, target) + Sum(z);"));
        Assert.Contains("float[] z = t1; // t1 is not read again: z overwrites it in place", generated);
        Assert.Contains("float[] h = workspace.h = ", generated);
        Assert.DoesNotContain("float[] h = z;", generated);
    }

    [Fact]
    public void The_backward_pass_never_overwrites_a_forward_value()
    {
        string generated = Generate(Model("Vec h = Relu(W * x + b); return Mse(h, target);"));
        string backward = generated.Substring(generated.IndexOf("public void LossBackwardBatch", StringComparison.Ordinal));
        foreach (var line in backward.Split('\n').Where(l => l.Contains("overwrites it in place")))
        {
            Assert.StartsWith("float[] d", line.Trim());
        }
    }
}
