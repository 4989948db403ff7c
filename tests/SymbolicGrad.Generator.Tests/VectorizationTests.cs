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
        Assert.Contains("global::SymbolicGrad.CompilerServices.Lanes.StoreInRows(", generated);
        Assert.Contains("global::SymbolicGrad.CompilerServices.Lanes.CheckRows(", generated);
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
    [Theory]
    [InlineData("return Mse(Relu(W * x + b), target);")]
    [InlineData("Vec h = LeakyRelu(W * x + b, 0.1f) * 2f - b * 3f; return Mse(h, target);")]
    [InlineData("Vec z = W * x + b; Vec h = Relu(z); return Mse(h, target) + Sum(z);")]
    public void A_row_loop_checks_each_buffer_it_loads_unchecked_once_before_its_loops(string body)
    {
        // LoadInRows and StoreInRows skip the check per vector: each buffer they touch must be checked (rows of the
        // loop's length, or a vector every row reads) before the loop over the rows starts.
        string generated = Generate(Model(body));
        var structs = generated.Split("private struct ").Skip(1).ToList();
        Assert.NotEmpty(structs);
        int skipped = 0;
        foreach (string loop in structs)
        {
            string head = loop.Substring(0, loop.IndexOf("for (int r", StringComparison.Ordinal));
            foreach (System.Text.RegularExpressions.Match use in System.Text.RegularExpressions.Regex.Matches(loop, @"Lanes\.(Load|Store)InRows\((\w+), ([^,()]+)[,)]"))
            {
                string buffer = use.Groups[2].Value, position = use.Groups[3].Value;
                skipped++;
                if (position == "i")
                {
                    Assert.Matches($@"Lanes\.Check(Length\({buffer}, wRows\)|Rows\({buffer}, first, end, wRows\));", head);
                }
                else
                {
                    Assert.Equal("r * wRows + i", position);
                    Assert.Contains($"Lanes.CheckRows({buffer}, first, end, wRows);", head);
                }
            }
            // A load keeps its own check only where the buffer's rows are of another length (the [NoDiff] target's).
            foreach (System.Text.RegularExpressions.Match load in System.Text.RegularExpressions.Regex.Matches(loop, @"Lanes\.Load\((\w+), ([^,()]+)\)"))
            {
                Assert.Equal("targetValues", load.Groups[1].Value);
                Assert.Equal("r * targetCols + i", load.Groups[2].Value);
            }
        }
        Assert.True(skipped > 0);
    }
}
