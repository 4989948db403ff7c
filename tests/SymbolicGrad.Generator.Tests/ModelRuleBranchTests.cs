using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// A function with a [DerivativeOf] rule called by model code only where a condition holds: the generated gradient must
/// run the function and its rule only there, as the user's method does (a rule that throws outside its domain would
/// otherwise throw where the method does not, or its NaN would reach the gradient through a zero).
/// </summary>
public sealed class ModelRuleBranchTests
{
    private const string Source = """
        using System;
        using SymbolicGrad;
        using static SymbolicGrad.Ops;

        namespace Guarded;

        public static class Domain
        {
            public static float Root(float x) => x > 0f ? MathF.Sqrt(x) : throw new ArgumentOutOfRangeException(nameof(x), x, "Root of a value that is not positive");

            [DerivativeOf(nameof(Root))]
            public static float RootRule(float x, out float dX)
            {
                if (!(x > 0f)) throw new ArgumentOutOfRangeException(nameof(x), x, "RootRule of a value that is not positive");
                float s = MathF.Sqrt(x);
                dX = 0.5f / s;
                return s;
            }

            /// <summary>log(x), NaN (not an exception) where x is not positive, as its rule's derivative is.</summary>
            public static float Log(float x) => x > 0f ? MathF.Log(x) : float.NaN;

            [DerivativeOf(nameof(Log))]
            public static float LogRule(float x, out float dX)
            {
                dX = x > 0f ? 1f / x : float.NaN;
                return Log(x);
            }
        }

        public sealed partial class RootNet : Model
        {
            public readonly Vec v;

            public RootNet() => v = Parameters.Vector(3, Init.Normal(1f, 0));

            [Differentiable(Jvp = true)]
            public float Score([NoDiff] Vec x)
            {
                float p = Dot(v, x);
                return p > 0f ? Domain.Root(p) : 3f * p;
            }

            /// <summary>A call on a value shared by the batch (Σv) under a condition per sample: the call is made per sample.</summary>
            [Differentiable]
            public float SharedRoot([NoDiff] Vec x) => Dot(v, x) > 0f ? Domain.Root(Sum(v)) : 0f;

            /// <summary>y = log p where p &gt; 0, else 0; y² + p: the call's adjoint is 2y under the condition, 0 elsewhere.</summary>
            [Differentiable(Jvp = true)]
            public float LogSquare([NoDiff] Vec x)
            {
                float p = Dot(v, x);
                float y = 0f;
                if (p > 0f) y = Domain.Log(p);
                return y * y + p;
            }
        }
        """;

    private static readonly float[] Weights = [1f, 2f, 0.5f];

    /// <summary>Rows of x: p = v·x is 0.75, −0.75, 2.25, −3 (the condition holds in rows 0 and 2 only).</summary>
    private static readonly float[][] Rows = [[0.25f, 0.5f, -1f], [-0.25f, -0.5f, 1f], [1f, 0.5f, 0.5f], [-1f, -1f, 0f]];

    private static double P(float[] input) => Weights.Zip(input, (w, x) => (double)w * x).Sum();

    private static (LoadedAssembly Assembly, Type Type, Model Model, Vec V) Load()
    {
        var assembly = LoadedAssembly.Emit(GeneratorHarness.Run(Source).AssertClean().OutputCompilation);
        var type = assembly.Type("Guarded.RootNet");
        var model = (Model)Activator.CreateInstance(type)!;
        var v = (Vec)type.GetField("v")!.GetValue(model)!;
        Weights.CopyTo(model.Parameters.Values.Slice(v.Offset, 3));
        model.Parameters.ZeroGradients();
        return (assembly, type, model, v);
    }

    private static Mat Batch(float[][] rows) => new(rows.SelectMany(r => r).ToArray(), rows.Length, 3);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_rule_call_under_a_condition_runs_only_where_the_condition_holds(int row)
    {
        var (assembly, type, model, v) = Load();
        using var _ = assembly;
        float[] input = Rows[row];
        float loss = (float)type.GetMethod("ScoreGradient")!.Invoke(model, [new Vec(input)])!;

        double p = P(input);
        Assert.Equal(p > 0 ? Math.Sqrt(p) : 3 * p, loss, 1e-5);
        double slope = p > 0 ? 0.5 / Math.Sqrt(p) : 3;
        for (int i = 0; i < 3; i++) Assert.Equal(slope * input[i], model.Parameters.Gradients[v.Offset + i], 1e-5);
    }

    [Fact]
    public void In_a_batch_the_function_and_its_rule_run_only_for_the_rows_where_the_condition_holds()
    {
        var (assembly, type, model, v) = Load();
        using var _ = assembly;
        float loss = (float)type.GetMethod("ScoreGradientBatch")!.Invoke(model, [Batch(Rows)])!;

        // The mean loss and the gradient of the mean: Σ_r (p_r > 0 ? √p_r : 3 p_r) / 4, Σ_r slope_r · x_r / 4.
        double expectedLoss = Rows.Average(r => P(r) > 0 ? Math.Sqrt(P(r)) : 3 * P(r));
        Assert.Equal(expectedLoss, loss, 1e-5);
        for (int i = 0; i < 3; i++)
        {
            double expected = Rows.Average(r => (P(r) > 0 ? 0.5 / Math.Sqrt(P(r)) : 3) * r[i]);
            Assert.Equal(expected, model.Parameters.Gradients[v.Offset + i], 1e-5);
        }
        Assert.Equal(expectedLoss, (float)type.GetMethod("ScoreBatch")!.Invoke(model, [Batch(Rows)])!, 1e-5);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void The_jvp_runs_the_rule_only_where_the_condition_holds(int row)
    {
        var (assembly, type, model, v) = Load();
        using var _ = assembly;
        float[] input = Rows[row];
        var direction = new float[model.Parameters.Values.Length];
        float[] t = [1f, -0.5f, 2f];
        t.CopyTo(direction, v.Offset);
        // ReadOnlySpan cannot be boxed: call through a delegate.
        var call = (JvpCall)type.GetMethod("ScoreJvp")!.CreateDelegate(typeof(JvpCall), model);
        float value = call(new Vec(input), direction, out float tangent);

        double p = P(input);
        Assert.Equal(p > 0 ? Math.Sqrt(p) : 3 * p, value, 1e-5);
        double slope = p > 0 ? 0.5 / Math.Sqrt(p) : 3;
        Assert.Equal(slope * Enumerable.Range(0, 3).Sum(i => (double)input[i] * t[i]), tangent, 1e-5);
    }

    [Fact]
    public void A_call_on_a_shared_value_under_a_condition_per_sample_runs_for_the_rows_where_it_holds()
    {
        var (assembly, type, model, v) = Load();
        using var _ = assembly;
        float loss = (float)type.GetMethod("SharedRootGradientBatch")!.Invoke(model, [Batch(Rows)])!;

        // Rows 0 and 2 of 4 take √Σv (Σv = 3.5): mean loss √3.5 / 2, ∂/∂vᵢ = (0.5 / √3.5) / 2.
        Assert.Equal(Math.Sqrt(3.5) / 2, loss, 1e-5);
        for (int i = 0; i < 3; i++) Assert.Equal(0.25 / Math.Sqrt(3.5), model.Parameters.Gradients[v.Offset + i], 1e-5);
    }

    private delegate float JvpCall(Vec x, ReadOnlySpan<float> direction, out float tangent);

    [Fact]
    public void A_rules_NaN_outside_its_domain_does_not_reach_the_gradient_through_the_branch_not_taken()
    {
        var (assembly, type, model, v) = Load();
        using var _ = assembly;
        float loss = (float)type.GetMethod("LogSquareGradientBatch")!.Invoke(model, [Batch(Rows)])!;

        // y² + p, y = log p where p > 0 else 0: ∂/∂v = (p > 0 ? 2 log p / p : 0) · x + x, averaged over the rows.
        Assert.Equal(Rows.Average(r => (P(r) > 0 ? Math.Pow(Math.Log(P(r)), 2) : 0) + P(r)), loss, 1e-5);
        for (int i = 0; i < 3; i++)
        {
            double expected = Rows.Average(r => ((P(r) > 0 ? 2 * Math.Log(P(r)) / P(r) : 0) + 1) * r[i]);
            Assert.Equal(expected, model.Parameters.Gradients[v.Offset + i], 1e-5);
        }

        // And the tangent, per row, along t: (p > 0 ? 2 log p / p : 0) · (x·t) + x·t.
        float[] t = [1f, -0.5f, 2f];
        var direction = new float[model.Parameters.Values.Length];
        t.CopyTo(direction, v.Offset);
        var call = (JvpCall)type.GetMethod("LogSquareJvp")!.CreateDelegate(typeof(JvpCall), model);
        foreach (var r in Rows)
        {
            call(new Vec(r), direction, out float tangent);
            double xt = Enumerable.Range(0, 3).Sum(i => (double)r[i] * t[i]);
            Assert.Equal(((P(r) > 0 ? 2 * Math.Log(P(r)) / P(r) : 0) + 1) * xt, tangent, 1e-5);
        }
    }
}
