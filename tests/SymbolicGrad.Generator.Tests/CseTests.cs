using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>Equal subexpressions are one DAG node: computed once, reused by the backward pass.</summary>
public sealed class CseTests
{
    [Fact]
    public void RepeatedSinIsComputedOnce()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicGrad;

            namespace Cse;

            public static partial class Repeated
            {
                [Differentiable]
                public static double Square(double x) => Math.Sin(x) * Math.Sin(x);
            }
            """).AssertClean();
        var code = WithoutComments(run.Source("Cse.Repeated.Square.g.cs"));
        Assert.Equal(1, GeneratedText.Count(code, "Math.Sin("));

        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        foreach (var x in new[] { -2.3, -0.4, 0.0, 0.9, 1.7, 3.1 })
        {
            var gradient = assembly.InvokeGradient("Cse.Repeated", "Square", x);
            // d/dx sin²x = 2·sin x·cos x.
            Assert.Equal(2 * Math.Sin(x) * Math.Cos(x), gradient["dX"], 1e-14);
            Assert.Equal(Math.Sin(x) * Math.Sin(x), gradient.Value, 1e-15);
        }
    }

    [Fact]
    public void SharedSubexpressionAcrossLocalsIsComputedOnce()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicGrad;

            namespace Cse;

            public static partial class Shared
            {
                [Differentiable]
                public static double Wave(double a, double b)
                {
                    double u = Math.Exp(a * b) + 1.0;
                    double v = Math.Exp(a * b) * a;
                    return u * v + Math.Exp(b * a);
                }
            }
            """).AssertClean();
        var code = WithoutComments(run.Source("Cse.Shared.Wave.g.cs"));
        // Exp(a·b) is one node; Exp(b·a) is a different expression to the compiler (no commutativity assumed).
        Assert.InRange(GeneratedText.Count(code, "Math.Exp("), 1, 2);

        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        GeneratedGradientCheck.AssertMatches(assembly, "Cse.Shared", "Wave", 0.6, -0.8);
    }

    /// <summary>Drops // comments: the math comments may mention sin(x) any number of times.</summary>
    private static string WithoutComments(string code) =>
        string.Join("\n", code.Split('\n').Select(line => line.Contains("//", StringComparison.Ordinal) ? line[..line.IndexOf("//", StringComparison.Ordinal)] : line));
}
