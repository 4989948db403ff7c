using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// The emitted text of loop methods (Baselines/&lt;TestName&gt;.g.cs): a loop that keeps nothing, one that keeps a
/// carried value per iteration, nested loops, exits. Each output must compile, and its gradient is checked against
/// exact values at dyadic points through a wrapper that takes arrays (reflection cannot pass spans).
/// </summary>
public sealed class LoopBaselineTests
{
    [Fact]
    public void DotProductKeepsNothing()
    {
        using var assembly = Baseline.VerifyAndLoad("""
            using System;
            using SymbolicGrad;

            namespace Loops;

            public static partial class Vectors
            {
                [Differentiable]
                public static double Dot(double[] a, double[] b)
                {
                    double s = 0;
                    for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
                    return s;
                }

                public static double Check(double[] a, double[] b, double[] dA, double[] dB) => DotGradient(a, b, dA, dB);
            }
            """, "Loops.Vectors.Dot.g.cs");
        double[] a = [1.5, -2.0, 0.25], b = [4.0, 0.5, -8.0], dA = new double[3], dB = new double[3];
        Assert.Equal(3.0, Call(assembly, "Loops.Vectors", "Check", a, b, dA, dB));
        Assert.Equal(b, dA);
        Assert.Equal(a, dB);
    }

    [Fact]
    public void HornerKeepsTheCarriedValue()
    {
        using var assembly = Baseline.VerifyAndLoad("""
            using System;
            using SymbolicGrad;

            namespace Loops;

            public static partial class Polynomials
            {
                [Differentiable]
                public static double Horner(double[] c, double x)
                {
                    double p = 0;
                    for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
                    return p;
                }

                public static double Check(double[] c, double x, double[] dC, double[] dX)
                {
                    double value = HornerGradient(c, x, dC, out double d);
                    dX[0] = d;
                    return value;
                }
            }
            """, "Loops.Polynomials.Horner.g.cs");
        // p(x) = 1 − 2x + 0.5x² + 3x³ at x = 0.5: value 0.5, p'(x) = −2 + x + 9x² = 0.75, ∂p/∂c = (1, x, x², x³).
        double[] c = [1.0, -2.0, 0.5, 3.0], dC = new double[4], dX = new double[1];
        Assert.Equal(0.5, Call(assembly, "Loops.Polynomials", "Check", c, 0.5, dC, dX));
        Assert.Equal([1.0, 0.5, 0.25, 0.125], dC);
        Assert.Equal(0.75, dX[0]);
    }

    [Fact]
    public void NestedLoopsKeepTheInnerTripCounts()
    {
        using var assembly = Baseline.VerifyAndLoad("""
            using System;
            using SymbolicGrad;

            namespace Loops;

            public static partial class Nested
            {
                [Differentiable]
                public static double Triangle(double[] a, double x)
                {
                    double s = 0;
                    for (int i = 0; i < a.Length; i++)
                    {
                        double t = a[i];
                        for (int j = 0; j < i; j++) t = t * x;
                        s += t;
                    }
                    return s;
                }

                public static double Check(double[] a, double x, double[] dA, double[] dX)
                {
                    double value = TriangleGradient(a, x, dA, out double d);
                    dX[0] = d;
                    return value;
                }
            }
            """, "Loops.Nested.Triangle.g.cs");
        // Σ a_i·x^i at x = 2: 1 + 3·2 + 0.5·4 = 9; ∂/∂a = (1, 2, 4); ∂/∂x = 3 + 2·0.5·2 = 5.
        double[] a = [1.0, 3.0, 0.5], dA = new double[3], dX = new double[1];
        Assert.Equal(9.0, Call(assembly, "Loops.Nested", "Check", a, 2.0, dA, dX));
        Assert.Equal([1.0, 2.0, 4.0], dA);
        Assert.Equal(5.0, dX[0]);
    }

    [Fact]
    public void BreakAndReturnInsideTheLoop()
    {
        using var assembly = Baseline.VerifyAndLoad("""
            using System;
            using SymbolicGrad;

            namespace Loops;

            public static partial class Search
            {
                [Differentiable]
                public static double FirstLarge(double[] v, double w)
                {
                    double sum = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        if (v[i] < 0) break;
                        if (v[i] * w > 4.0) return v[i] * w * w;
                        sum += v[i] * w;
                    }
                    return sum;
                }

                public static double Check(double[] v, double w, double[] dV, double[] dW)
                {
                    double value = FirstLarge(v, w);
                    double generated = FirstLargeGradient(v, w, dV, out double d);
                    dW[0] = d;
                    return value == generated ? value : double.NaN;
                }
            }
            """, "Loops.Search.FirstLarge.g.cs");
        // Returns at i = 2 (3·2 > 4): 3·2² = 12, ∂/∂v2 = 4, ∂/∂w = 2·3·2 = 12; earlier elements do not count.
        double[] v = [1.0, 0.5, 3.0, 8.0], dV = new double[4], dW = new double[1];
        Assert.Equal(12.0, Call(assembly, "Loops.Search", "Check", v, 2.0, dV, dW));
        Assert.Equal([0.0, 0.0, 4.0, 0.0], dV);
        Assert.Equal(12.0, dW[0]);
        // Breaks at the negative element: the sum of the ones before it.
        double[] v2 = [1.0, 0.5, -3.0, 8.0], dV2 = new double[4];
        Assert.Equal(3.0, Call(assembly, "Loops.Search", "Check", v2, 2.0, dV2, dW));
        Assert.Equal([2.0, 2.0, 0.0, 0.0], dV2);
        Assert.Equal(1.5, dW[0]);
    }

    [Fact]
    public void WhileOnADifferentiableCondition()
    {
        using var assembly = Baseline.VerifyAndLoad("""
            using System;
            using SymbolicGrad;

            namespace Loops;

            public static partial class Halving
            {
                [Differentiable]
                public static double Halve(double x)
                {
                    double y = x;
                    while (y > 1.0) y *= 0.5;
                    return y * x;
                }
            }
            """, "Loops.Halving.Halve.g.cs");
        // x = 6: 6 → 3 → 1.5 → 0.75, y = x/8, f = x²/8 = 4.5, f' = x/4 = 1.5 (the iterations taken).
        var gradient = assembly.InvokeGradient("Loops.Halving", "Halve", 6.0);
        Assert.Equal(4.5, gradient.Value);
        Assert.Equal([1.5], gradient.Values);
    }

    [Fact]
    public void WhileTestReadsAnEarlierLoopsResult()
    {
        // Found by the random loop programs: the second loop's test reads s0, the first loop's result, which nothing
        // else reads, so the first loop was dropped and its result printed as 'LoopResult' (SG9999).
        using var assembly = Baseline.VerifyAndLoad("""
            using System;
            using SymbolicGrad;

            namespace Loops;

            public static partial class Gate
            {
                [Differentiable]
                public static double F(double[] xs, double a)
                {
                    double s0 = xs[0];
                    for (int i = 0; i < xs.Length; i++) s0 += xs[i] * a;
                    double s1 = a;
                    int g = 0;
                    while (s0 < 1.68 && g < 3) { g++; s1 += Math.Sin(s1); }
                    return s1;
                }

                public static double Check(double[] xs, double a, double[] dXs, double[] dA)
                {
                    double value = F(xs, a);
                    double generated = FGradient(xs, a, dXs, out double d);
                    dA[0] = d;
                    return value == generated ? value : double.NaN;
                }
            }
            """, "Loops.Gate.F.g.cs");
        // s0 = 0.25 + 0.75·a: below 1.68 at a = 1, so s1 takes three steps s ← s + sin s, each multiplying the
        // derivative by 1 + cos s; xs only decide the trip count, so their gradient is 0.
        double[] xs = [0.25, 0.5], dXs = new double[2], dA = new double[1];
        double s = 1.0, ds = 1.0;
        for (int k = 0; k < 3; k++) { ds *= 1 + Math.Cos(s); s += Math.Sin(s); }
        Assert.Equal(s, Call(assembly, "Loops.Gate", "Check", xs, 1.0, dXs, dA));
        Assert.Equal(ds, dA[0], 1e-15);
        Assert.Equal([0.0, 0.0], dXs);
        // At a = 2, s0 = 1.75: no step; f = a.
        Assert.Equal(2.0, Call(assembly, "Loops.Gate", "Check", xs, 2.0, dXs, dA));
        Assert.Equal(1.0, dA[0]);
    }

    [Fact]
    public void RotationWhoseAdjointIsABareSwap()
    {
        // Found by the random loop programs: (u, v) = (v, 0.75·u) runs backwards as dU ← 0.75·dV, dV ← dU, a cycle in
        // which one next value is the other variable's old adjoint itself; it was assigned after that variable had
        // already taken its new value, so the gradient through the rotation was lost.
        using var assembly = Baseline.VerifyAndLoad("""
            using System;
            using SymbolicGrad;

            namespace Loops;

            public static partial class Rotation
            {
                [Differentiable]
                public static double Rotate(double x, int n)
                {
                    double u = Math.Sin(x);
                    double v = 0.2;
                    for (int i = 0; i < n; i++) (u, v) = (v, 0.75 * u);
                    return u;
                }
            }
            """, "Loops.Rotation.Rotate.g.cs");
        var gradient = assembly.Type("Loops.Rotation").GetMethod("RotateGradient")!;
        // Two iterations scale u by 0.75: after 4, u = 0.5625·sin x; after 3, u = 0.15 whatever x; after 2, 0.75·sin x.
        foreach (var (n, value, derivative) in new[] { (4, 0.0, 0.5625), (3, 0.15, 0.0), (2, 0.0, 0.75) })
        {
            object[] args = [0.0, n, 0.0];
            Assert.Equal(value, (double)gradient.Invoke(null, args)!, 1e-15);
            Assert.Equal(derivative, (double)args[2]);
        }
    }

    [Fact]
    public void AdjointOfAValueTimesZeroIsNotDeclared()
    {
        // Found by the random loop programs: s1's only use in the loop is multiplied by c·0.25 = 0, so its adjoint gets
        // no contribution and reaches nothing (s1 starts from a constant); the reverse loop still declared it,
        // 'double dS1 = 1.0;', a local never read (warning CS0219, an error under TreatWarningsAsErrors).
        using var assembly = Baseline.VerifyAndLoad("""
            using System;
            using SymbolicGrad;

            namespace Loops;

            public static partial class TimesZero
            {
                [Differentiable]
                public static double F(double[] xs, double a)
                {
                    double s = a;
                    double s1 = 0.5;
                    int c = 0;
                    for (int i = 0; i < xs.Length; i++)
                    {
                        s1 += Math.Sin(s) * (c * 0.25);
                        s = s * 0.5 + xs[i];
                    }
                    return s1 + s;
                }

                public static double Check(double[] xs, double a, double[] dXs, double[] dA)
                {
                    double generated = FGradient(xs, a, dXs, out double d);
                    dA[0] = d;
                    return generated;
                }
            }
            """, "Loops.TimesZero.F.g.cs");
        // f = 0.5 + a·0.5ⁿ + Σ xs[i]·0.5ⁿ⁻¹⁻ⁱ: ∂f/∂a = 0.5ⁿ, ∂f/∂xs[i] = 0.5ⁿ⁻¹⁻ⁱ (exact at these dyadic points).
        double[] xs = [0.25, -1.5, 3.0], dXs = new double[3], dA = new double[1];
        Assert.Equal(0.5 + 0.75 * 0.125 + 0.25 * 0.25 - 1.5 * 0.5 + 3.0, Call(assembly, "Loops.TimesZero", "Check", xs, 0.75, dXs, dA));
        Assert.Equal([0.25, 0.5, 1.0], dXs);
        Assert.Equal(0.125, dA[0]);
        // The forward pass is the user's: sin(∞)·0 is NaN, so an infinite element makes the value NaN (not folded to 0).
        Assert.True(double.IsNaN(Call(assembly, "Loops.TimesZero", "Check", new[] { double.PositiveInfinity, 1.0 }, 0.75, new double[2], dA)));
    }

    [Fact]
    public void CounterOfALoopThatAlwaysLeavesAtOnceIsNotDeclared()
    {
        // Found by the random loop programs (M1707): s > 0.3 is constant, so the loop breaks at the top of its first
        // iteration and the folded test no longer reads w; the forward loop still declared it, 'int w = 0;', a local
        // never read (warning CS0219, an error under TreatWarningsAsErrors).
        using var assembly = Baseline.VerifyAndLoad("""
            using System;
            using SymbolicGrad;

            namespace Loops;

            public static partial class LeavesAtOnce
            {
                [Differentiable]
                public static double F(double[] xs, double a)
                {
                    double s = 2.0;
                    double t = a;
                    int w = 0;
                    while (true)
                    {
                        if (w >= xs.Length || s > 0.3) break;
                        w++;
                        t = Math.Sqrt(1.0 + t * t) * 0.5 + xs[w - 1];
                    }
                    return t + s;
                }

                public static double Check(double[] xs, double a, double[] dXs, double[] dA)
                {
                    double generated = FGradient(xs, a, dXs, out double d);
                    dA[0] = d;
                    return generated;
                }
            }
            """, "Loops.LeavesAtOnce.F.g.cs");
        // No iteration completes: f = a + 2, ∂f/∂a = 1, and no element is read (the gradient buffer keeps its 0.5s).
        double[] dXs = [0.5, 0.5], dA = new double[1];
        Assert.Equal(2.75, Call(assembly, "Loops.LeavesAtOnce", "Check", new[] { 0.25, -1.5 }, 0.75, dXs, dA));
        Assert.Equal(1.0, dA[0]);
        Assert.Equal([0.5, 0.5], dXs);
        Assert.Equal(2.0 - 3.5, Call(assembly, "Loops.LeavesAtOnce", "Check", new[] { double.NaN }, -3.5, new double[1], dA));
    }

    private static double Call(LoadedAssembly assembly, string type, string method, params object[] args) =>
        (double)assembly.Type(type).GetMethod(method)!.Invoke(null, args)!;
}
