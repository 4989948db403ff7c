using SymbolicGrad.Network.Tests.Checking;
using SymbolicGrad.Network.Tests.Models.Forward;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// <c>NameJvp</c> of static functions of Vec and Mat values: the tangent against central differences of the function
/// along a random direction, against the generated gradient's dot product with the direction, the value bit for bit
/// against the function, shapes checked, no allocation once warm, and one per-thread workspace per thread.
/// </summary>
public sealed class TensorJvpTests
{
    private const int In = 5, Hidden = 4, Classes = 3;

    /// <summary>One function under test: its differentiable parameters' arrays, and calls over them.</summary>
    private sealed record Case(
        string Name,
        float[][] Parameters,
        Func<float> Function,
        Func<float[][], (float Value, float Tangent)> Jvp,
        Func<float[][], float> Gradient);

    public static TheoryData<string> Names => new(Cases(1).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Jvp_matches_central_differences_along_a_random_direction(string name)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var c = Cases(seed).Single(x => x.Name == name);
            var direction = RandomLike(c.Parameters, seed + 100);
            var (value, tangent) = c.Jvp(direction);
            // The runtime's Ops may sum in another order than generated code; the gradient's value is compared bit for bit below.
            Assert.True(Math.Abs(c.Function() - value) <= 1e-6f * (1 + Math.Abs(value)), $"{name}: value {value}, function {c.Function()}");
            double estimate = CentralDifference(c, direction, 1e-3f);
            Assert.True(Math.Abs(tangent - estimate) <= 5e-3 * (1 + Math.Abs(estimate)),
                $"{name} (seed {seed}): Jvp {tangent}, central differences {estimate}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Jvp_equals_the_gradient_dotted_with_the_direction(string name)
    {
        var c = Cases(7).Single(x => x.Name == name);
        var direction = RandomLike(c.Parameters, 77);
        var gradient = c.Parameters.Select(p => new float[p.Length]).ToArray();
        float value = c.Gradient(gradient);
        var (jvpValue, tangent) = c.Jvp(direction);
        Assert.Equal(value, jvpValue);
        double dot = 0, scale = 0;
        for (int k = 0; k < gradient.Length; k++)
        {
            for (int i = 0; i < gradient[k].Length; i++)
            {
                dot += (double)gradient[k][i] * direction[k][i];
                scale += Math.Abs((double)gradient[k][i] * direction[k][i]);
            }
        }
        Assert.True(scale > 0, name + ": a zero gradient tests nothing");
        Assert.True(Math.Abs(tangent - dot) <= 1e-5 * scale + 1e-7, $"{name}: Jvp {tangent}, ∇f·t {dot} (scale {scale})");
    }

    [Fact]
    public void Exact_at_a_dyadic_point()
    {
        // f(A, x) = xᵀ·A·x; ∇f·t = xᵀ·tA·x + tᵀ·(A + Aᵀ)·x, all dyadic: exact in float.
        var a = new Mat([1f, 2f, -0.5f, 0.25f], 2, 2);
        var x = new Vec([0.5f, -2f]);
        var tA = new Mat([0.5f, 0f, 1f, -1f], 2, 2);
        var tX = new Vec([2f, 0.25f]);
        float value = TensorJvpFunctions.QuadraticJvp(a, x, tA, tX, out float tangent);
        // x·(A·x) = (0.5, −2)·(−3.5, −0.75) = −0.25; xᵀ·tA·x = (0.5, −2)·(0.25, 2.5) = −4.875;
        // (A + Aᵀ)·x = [[2, 1.5], [1.5, 0.5]]·x = (−2, −0.25); tᵀ·that = −4.0625.
        Assert.Equal(-0.25f, value);
        Assert.Equal(-8.9375f, tangent);
    }

    [Fact]
    public void A_tangent_of_the_wrong_shape_is_an_ArgumentException_naming_it()
    {
        var a = new Mat(2, 2);
        var x = new Vec(2);
        var wrongMatrix = Assert.Throws<ArgumentException>(() => TensorJvpFunctions.QuadraticJvp(a, x, new Mat(2, 3), new Vec(2), out _));
        Assert.Equal("tA", wrongMatrix.ParamName);
        Assert.Contains("QuadraticJvp: tA must have the shape of A", wrongMatrix.Message);
        var wrongVector = Assert.Throws<ArgumentException>(() => TensorJvpFunctions.QuadraticJvp(a, x, new Mat(2, 2), new Vec(3), out _));
        Assert.Equal("tX", wrongVector.ParamName);
        var transposed = Assert.Throws<ArgumentException>(() => TensorJvpFunctions.MlpJvp(new Mat(Hidden, In), new Vec(Hidden), new Mat(Classes, Hidden), new Vec(Classes),
            new Vec(In), 0, new Mat(In, Hidden), new Vec(Hidden), new Mat(Classes, Hidden), new Vec(Classes), out _));
        Assert.Equal("tW1", transposed.ParamName);
    }

    [Fact]
    public void Jvp_allocates_nothing_after_warm_up()
    {
        foreach (var c in Cases(3))
        {
            var direction = RandomLike(c.Parameters, 5);
            c.Jvp(direction);
            c.Jvp(direction);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 100; k++) c.Jvp(direction);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before == 0, c.Name + "Jvp allocates");
        }
    }

    [Fact]
    public void Threads_calling_one_Jvp_at_once_get_the_sequential_results()
    {
        const int Threads = 4, Calls = 200;
        var random = new Random(11);
        var w1 = RandomMat(random, Hidden, In); var b1 = RandomVec(random, Hidden);
        var w2 = RandomMat(random, Classes, Hidden); var b2 = RandomVec(random, Classes);
        var inputs = Enumerable.Range(0, 16).Select(_ => RandomVec(random, In)).ToArray();
        var tW1 = RandomMat(random, Hidden, In); var tB1 = RandomVec(random, Hidden);
        var tW2 = RandomMat(random, Classes, Hidden); var tB2 = RandomVec(random, Classes);
        float Call(int t, int j) => TensorJvpFunctions.MlpJvp(w1, b1, w2, b2, inputs[(t * 5 + j) % inputs.Length], (t + j) % Classes, tW1, tB1, tW2, tB2, out float tangent) + 1000f * tangent;
        Concurrently.AssertSameAsSequential(Threads, Calls, Call);
    }

    // ---- The cases ------------------------------------------------------------------------------

    private static IEnumerable<Case> Cases(int seed)
    {
        var random = new Random(seed);
        float[] Values(int n, float scale = 1f) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
        float[] Positive(int n) => Enumerable.Range(0, n).Select(_ => (float)(0.1 + 0.8 * random.NextDouble())).ToArray();

        {
            float[] w1 = Values(Hidden * In), b1 = Values(Hidden), w2 = Values(Classes * Hidden), b2 = Values(Classes);
            var x = new Vec(Values(In));
            var p = new[] { w1, b1, w2, b2 };
            yield return new Case("Mlp", p,
                () => TensorJvpFunctions.Mlp(new Mat(w1, Hidden, In), new Vec(b1), new Mat(w2, Classes, Hidden), new Vec(b2), x, 1),
                t => (TensorJvpFunctions.MlpJvp(new Mat(w1, Hidden, In), new Vec(b1), new Mat(w2, Classes, Hidden), new Vec(b2), x, 1,
                    new Mat(t[0], Hidden, In), new Vec(t[1]), new Mat(t[2], Classes, Hidden), new Vec(t[3]), out float d), d),
                g => TensorJvpFunctions.MlpGradient(new Mat(w1, Hidden, In), new Vec(b1), new Mat(w2, Classes, Hidden), new Vec(b2), x, 1,
                    new Mat(g[0], Hidden, In), new Vec(g[1]), new Mat(g[2], Classes, Hidden), new Vec(g[3])));
        }
        {
            float[] w = Values(Classes * In), b = Values(Classes);
            var x = new Vec(Values(In));
            var target = new Vec(Positive(Classes));
            yield return new Case("Logistic", new[] { w, b },
                () => TensorJvpFunctions.Logistic(new Mat(w, Classes, In), new Vec(b), x, target),
                t => (TensorJvpFunctions.LogisticJvp(new Mat(w, Classes, In), new Vec(b), x, target, new Mat(t[0], Classes, In), new Vec(t[1]), out float d), d),
                g => TensorJvpFunctions.LogisticGradient(new Mat(w, Classes, In), new Vec(b), x, target, new Mat(g[0], Classes, In), new Vec(g[1])));
        }
        {
            float[] w = Values(Classes * In);
            var x = new Vec(Values(In));
            var y = new Vec(Values(Classes));
            yield return new Case("TanhRegression", new[] { w },
                () => TensorJvpFunctions.TanhRegression(new Mat(w, Classes, In), x, y),
                t => (TensorJvpFunctions.TanhRegressionJvp(new Mat(w, Classes, In), x, y, new Mat(t[0], Classes, In), out float d), d),
                g => TensorJvpFunctions.TanhRegressionGradient(new Mat(w, Classes, In), x, y, new Mat(g[0], Classes, In)));
        }
        {
            float[] z = Values(In, 3f);
            var target = new Vec(Positive(In));
            yield return new Case("SoftTargets", new[] { z },
                () => TensorJvpFunctions.SoftTargets(new Vec(z), target),
                t => (TensorJvpFunctions.SoftTargetsJvp(new Vec(z), target, new Vec(t[0]), out float d), d),
                g => TensorJvpFunctions.SoftTargetsGradient(new Vec(z), target, new Vec(g[0])));
        }
        {
            float[] z = Values(In, 3f), w = Values(In);
            yield return new Case("Expectation", new[] { z, w },
                () => TensorJvpFunctions.Expectation(new Vec(z), new Vec(w)),
                t => (TensorJvpFunctions.ExpectationJvp(new Vec(z), new Vec(w), new Vec(t[0]), new Vec(t[1]), out float d), d),
                g => TensorJvpFunctions.ExpectationGradient(new Vec(z), new Vec(w), new Vec(g[0]), new Vec(g[1])));
        }
        {
            float[] x = Values(In), y = Values(In);
            yield return new Case("Elementwise", new[] { x, y },
                () => TensorJvpFunctions.Elementwise(new Vec(x), new Vec(y)),
                t => (TensorJvpFunctions.ElementwiseJvp(new Vec(x), new Vec(y), new Vec(t[0]), new Vec(t[1]), out float d), d),
                g => TensorJvpFunctions.ElementwiseGradient(new Vec(x), new Vec(y), new Vec(g[0]), new Vec(g[1])));
        }
        {
            float[] x = Values(In);
            var target = new Vec(Values(In));
            yield return new Case("Robust", new[] { x },
                () => TensorJvpFunctions.Robust(new Vec(x), target),
                t => (TensorJvpFunctions.RobustJvp(new Vec(x), target, new Vec(t[0]), out float d), d),
                g => TensorJvpFunctions.RobustGradient(new Vec(x), target, new Vec(g[0])));
        }
        {
            float[] a = Values(In), b = Values(Hidden);
            yield return new Case("Joined", new[] { a, b },
                () => TensorJvpFunctions.Joined(new Vec(a), new Vec(b), 2),
                t => (TensorJvpFunctions.JoinedJvp(new Vec(a), new Vec(b), 2, new Vec(t[0]), new Vec(t[1]), out float d), d),
                g => TensorJvpFunctions.JoinedGradient(new Vec(a), new Vec(b), 2, new Vec(g[0]), new Vec(g[1])));
        }
        {
            float[] x = Values(In), y = Values(In);
            yield return new Case("SmoothDot", new[] { x, y },
                () => TensorJvpFunctions.SmoothDot(new Vec(x), new Vec(y)),
                t => (TensorJvpFunctions.SmoothDotJvp(new Vec(x), new Vec(y), new Vec(t[0]), new Vec(t[1]), out float d), d),
                g => TensorJvpFunctions.SmoothDotGradient(new Vec(x), new Vec(y), new Vec(g[0]), new Vec(g[1])));
        }
        {
            float[] a = Values(In * In), x = Values(In);
            yield return new Case("Quadratic", new[] { a, x },
                () => TensorJvpFunctions.Quadratic(new Mat(a, In, In), new Vec(x)),
                t => (TensorJvpFunctions.QuadraticJvp(new Mat(a, In, In), new Vec(x), new Mat(t[0], In, In), new Vec(t[1]), out float d), d),
                g => TensorJvpFunctions.QuadraticGradient(new Mat(a, In, In), new Vec(x), new Mat(g[0], In, In), new Vec(g[1])));
        }
    }

    /// <summary>(f(p + h·t) − f(p − h·t)) / 2h, the parameters moved in place and restored.</summary>
    private static double CentralDifference(Case c, float[][] direction, float h)
    {
        var saved = c.Parameters.Select(p => (float[])p.Clone()).ToArray();
        void Move(float step)
        {
            for (int k = 0; k < c.Parameters.Length; k++)
            {
                for (int i = 0; i < c.Parameters[k].Length; i++) c.Parameters[k][i] = saved[k][i] + step * direction[k][i];
            }
        }
        Move(h);
        double plus = c.Function();
        Move(-h);
        double minus = c.Function();
        Move(0);
        return (plus - minus) / (2 * h);
    }

    private static float[][] RandomLike(float[][] parameters, int seed)
    {
        var random = new Random(seed);
        return parameters.Select(p => p.Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    private static Vec RandomVec(Random random, int n) => new(Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());

    private static Mat RandomMat(Random random, int rows, int cols) =>
        new(Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), rows, cols);
}
