using System.Reflection;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Unusual but legal user code: names, containing types, constants and namespaces that generated code must cope with.
/// Each must generate without exception or error, compile, and give gradients that match finite differences.
/// </summary>
public sealed class EdgeCaseTests
{
    [Fact]
    public void ParameterAndLocalNamesThatLookGenerated()
    {
        using var assembly = Generate("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public static partial class Names
            {
                [Differentiable]
                public static double F(double f, double t1, double exp)
                {
                    double t2 = Math.Exp(f) * t1;
                    double dF = t2 + exp * f;
                    double c1 = Math.Sin(dF);
                    return c1 * t1 + dF;
                }
            }
            """);
        GeneratedGradientCheck.AssertMatches(assembly, "Edge.Names", "F", 0.3, -1.1, 0.7);
    }

    [Fact]
    public void VerbatimAndUnicodeParameterNames()
    {
        using var assembly = Generate("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public static partial class Identifiers
            {
                [Differentiable]
                public static double F(double @in, double φ0, double @double) => Math.Sin(@in * φ0) + @double * φ0;
            }
            """);
        var result = GeneratedGradientCheck.AssertMatches(assembly, "Edge.Identifiers", "F", 0.4, 1.3, -0.6);
        var outs = assembly.Type("Edge.Identifiers").GetMethod("FGradient")!.GetParameters().Where(p => p.IsOut).Select(p => p.Name);
        Assert.Equal(["dIn", "dΦ0", "dDouble"], outs);
        Assert.Equal(3, result.Partials.Count);
    }

    [Fact]
    public void GeneratedMethodKeepsTheUserAccessibility()
    {
        using var assembly = Generate("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            internal static partial class Access
            {
                [Differentiable]
                private static double Hidden(double x) => x * x;

                [Differentiable]
                internal static double Inside(double x) => x * x * x;

                [Differentiable]
                public static double Open(double x) => Math.Exp(x);
            }
            """);
        var type = assembly.Type("Edge.Access");
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
        Assert.True(type.GetMethod("HiddenGradient", all)!.IsPrivate);
        Assert.True(type.GetMethod("InsideGradient", all)!.IsAssembly);
        Assert.True(type.GetMethod("OpenGradient", all)!.IsPublic);
        GeneratedGradientCheck.AssertMatches(assembly, "Edge.Access", "Hidden", 1.5);
    }

    [Fact]
    public void RecordAndReadonlyStructContainers()
    {
        using var assembly = Generate("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public partial record Settings(double Rate)
            {
                [Differentiable]
                public static double Decay(double x) => Math.Exp(-x * x);
            }

            public readonly partial record struct Pair(double A, double B)
            {
                [Differentiable]
                public static double Norm(double a, double b) => Math.Sqrt(a * a + b * b);
            }

            public readonly partial struct Frozen
            {
                [Differentiable]
                public static double Cube(double x) => x * x * x;
            }
            """);
        GeneratedGradientCheck.AssertMatches(assembly, "Edge.Settings", "Decay", 0.7);
        GeneratedGradientCheck.AssertMatches(assembly, "Edge.Pair", "Norm", 0.7, -1.9);
        GeneratedGradientCheck.AssertMatches(assembly, "Edge.Frozen", "Cube", -1.2);
    }

    [Fact]
    public void GenericContainingType()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public static partial class Box<T>
            {
                [Differentiable]
                public static double Scale(double x) => Math.Tanh(x) * 2.0;
            }
            """).AssertClean();
        Assert.Single(run.GeneratedSources);
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        var closed = assembly.Type("Edge.Box`1").MakeGenericType(typeof(int));
        var args = new object?[] { 0.3, null };
        var value = (double)closed.GetMethod("ScaleGradient")!.Invoke(null, args)!;
        Assert.Equal(Math.Tanh(0.3) * 2.0, value, 1e-15);
        Assert.Equal(2.0 * (1 - Math.Tanh(0.3) * Math.Tanh(0.3)), (double)args[1]!, 1e-14);
    }

    [Fact]
    public void BlockScopedNestedNamespaces()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicGrad;

            namespace Outer.Middle
            {
                namespace Inner
                {
                    public static partial class Deep
                    {
                        [Differentiable]
                        public static double F(double x) => Math.Cos(x) * x;
                    }
                }
            }
            """).AssertClean();
        run.Source("Outer.Middle.Inner.Deep.F.g.cs");
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        GeneratedGradientCheck.AssertMatches(assembly, "Outer.Middle.Inner.Deep", "F", 0.8);
    }

    [Fact]
    public void UserNamespaceContainingSystem()
    {
        // Inside namespace Acme.System.Models, an unqualified "System" means Acme.System.
        using var assembly = Generate("""
            using SymbolicGrad;

            namespace Acme.System.Models
            {
                public static partial class Physics
                {
                    [Differentiable]
                    public static double Energy(double v) => 0.5 * global::System.Math.Exp(v) * v;
                }
            }
            """);
        GeneratedGradientCheck.AssertMatches(assembly, "Acme.System.Models.Physics", "Energy", 0.4);
    }

    [Fact]
    public void UserSubNamespaceNamedMath()
    {
        // MyLib.Math is a namespace: inside namespace MyLib, an unqualified "Math" means it, not System.Math.
        using var assembly = Generate("""
            using System;
            using SymbolicGrad;

            namespace MyLib.Math
            {
                public static class Vectors { }
            }

            namespace MyLib
            {
                public static partial class Model
                {
                    [Differentiable]
                    public static double Predict(double w) => System.Math.Tanh(w) * w;
                }
            }
            """);
        GeneratedGradientCheck.AssertMatches(assembly, "MyLib.Model", "Predict", 0.4);
    }

    [Fact]
    public void UserTypeNamedMath()
    {
        // A user type called Math in the same namespace hides System.Math for unqualified names.
        using var assembly = Generate("""
            using SymbolicGrad;

            namespace Geometry;

            public static class Math
            {
                public const double Tau = 6.283185307179586;
            }

            public static partial class Waves
            {
                [Differentiable]
                public static double Wave(double x) => System.Math.Sin(Math.Tau * x) * System.Math.Exp(-x);
            }
            """);
        GeneratedGradientCheck.AssertMatches(assembly, "Geometry.Waves", "Wave", 0.3);
    }

    [Fact]
    public void UsingStaticMathAndAttributeAlias()
    {
        using var assembly = Generate("""
            using static System.Math;
            using Diff = SymbolicGrad.DifferentiableAttribute;

            namespace Edge;

            public static partial class Short
            {
                [Diff]
                public static double F(double x, double y) => Sin(x) * Cos(y) + Pow(x, 2) + PI * y + E;
            }
            """);
        GeneratedGradientCheck.AssertMatches(assembly, "Edge.Short", "F", 0.6, -0.4);
    }

    [Fact]
    public void ConstantsAreReproducedExactly()
    {
        using var assembly = Generate("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public static class Tuning
            {
                public const double Third = 1.0 / 3.0;
            }

            public static partial class Constants
            {
                private const float Tenth = 0.1f;
                private static readonly double Scale = Math.Sqrt(2.0);

                [Differentiable]
                public static double F(double x) => Tuning.Third * x * x + (0.1 + 0.2) * x + Scale * x + double.MaxValue / 1e308 * x;

                [Differentiable]
                public static float G(float x) => Tenth * x * x + 1e-7f * x + float.MaxValue / 1e38f * x;

                [Differentiable]
                public static double Clamp(double x) => Math.Max(x, double.NegativeInfinity) + Math.Min(x * x, double.PositiveInfinity);
            }
            """);
        // ValueMatches inside AssertMatches compares the generated value with the user method's.
        var f = GeneratedGradientCheck.AssertMatches(assembly, "Edge.Constants", "F", 1.7);
        Assert.Equal(f.ExpectedValue, f.Value);
        var g = GeneratedGradientCheck.AssertMatches(assembly, "Edge.Constants", "G", 1.7f);
        Assert.Equal(g.ExpectedValue, g.Value);
        GeneratedGradientCheck.AssertMatches(assembly, "Edge.Constants", "Clamp", -0.9);
    }

    [Fact]
    public void IntegerArithmeticKeepsIntegerSemantics()
    {
        using var assembly = Generate("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public static partial class Integers
            {
                [Differentiable]
                public static double F(double x, int n)
                {
                    int m = 3;
                    int half = m / 2;
                    double scale = n / 2;
                    return x * half + x * scale + x * (7 % 4);
                }
            }
            """);
        // half = 1, scale = n / 2 in integer division, 7 % 4 = 3.
        var result = GeneratedGradientCheck.AssertMatches(assembly, "Edge.Integers", "F", 0.5, 5);
        Assert.Equal(1.0 + 2.0 + 3.0, result.Partials[0].Check.Analytic, 1e-12);
    }

    [Fact]
    public void IncrementAndDecrementOfLocals()
    {
        using var assembly = Generate("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public static partial class Steps
            {
                [Differentiable]
                public static double F(double x)
                {
                    double a = x * x;
                    a++;
                    double b = a-- * 2.0;
                    ++a;
                    return a * b + --x;
                }
            }
            """);
        GeneratedGradientCheck.AssertMatches(assembly, "Edge.Steps", "F", 0.9);
        GeneratedGradientCheck.AssertMatches(assembly, "Edge.Steps", "F", -1.6);
    }

    [Fact]
    public void OnlyNonDifferentiableParameters()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public static partial class Data
            {
                [Differentiable]
                public static double F([NoDiff] double x, int n) => x * n;
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void ConstantResult()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public static partial class Flat
            {
                [Differentiable]
                public static double F(double x) => 3.0;
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.Empty(run.OutputErrors);
        Assert.Contains(run.Diagnostics, d => d.Id == "SG0101");
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        var gradient = assembly.InvokeGradient("Edge.Flat", "F", 2.0);
        Assert.Equal(3.0, gradient.Value);
        Assert.Equal([0.0], gradient.Values);
    }

    [Fact]
    public void OverloadsDoNotCrashTheGenerator()
    {
        // Two methods of the same name: their files need distinct hint names (or a diagnostic), never an exception.
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public static partial class Overloads
            {
                [Differentiable]
                public static double F(double x) => x * x;

                [Differentiable]
                public static float F(float x) => x * x * x;
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.Empty(run.OutputErrors);
        Assert.Equal(2, run.GeneratedSources.Count + run.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void TwoParametersWithTheSameGradientName()
    {
        // x and X both want the out parameter dX.
        var run = GeneratorHarness.Run("""
            using SymbolicGrad;

            namespace Edge;

            public static partial class Clash
            {
                [Differentiable]
                public static double F(double x, double X) => x * X;
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.Empty(run.OutputErrors);
        Assert.Contains(run.Diagnostics, d => d.Id == "SG0017");
    }

    [Fact]
    public void LocalFunctionIsReportedNotThrown()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public static partial class Local
            {
                [Differentiable]
                public static double F(double x)
                {
                    static double Square(double t) => t * t;
                    return Square(x);
                }
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.Empty(run.OutputErrors);
        Assert.Contains(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void LongChainOfReassignments()
    {
        // About 600 operations in one method: no stack overflow, no exception, correct gradient.
        var body = string.Join("\n", Enumerable.Range(0, 200).Select(i => $"        x = Math.Sin(x) * 0.9 + {i % 7 + 1}.0 * 0.01 * y;"));
        using var assembly = Generate($$"""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public static partial class Chain
            {
                [Differentiable]
                public static double F(double x, double y)
                {
            {{body}}
                    return x;
                }
            }
            """);
        GeneratedGradientCheck.AssertMatches(assembly, "Edge.Chain", "F", 0.7, 0.2);
    }

    [Fact]
    public void UntakenBranchesWithNaNDoNotLeakIntoTheGradient()
    {
        using var assembly = Generate("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public static partial class Guards
            {
                [Differentiable]
                public static double Sinc(double x) => x != 0.0 ? Math.Sin(x) / x : 1.0;

                [Differentiable]
                public static double Domain(double x, double y)
                {
                    if (x > 0.0)
                        return Math.Sqrt(x) * y;
                    return Math.Log(1.0 - x) * y;
                }
            }
            """);
        // At 0 the untaken branch is 0/0; sinc'(0) = 0.
        var sinc = assembly.InvokeGradient("Edge.Guards", "Sinc", 0.0);
        Assert.Equal(1.0, sinc.Value);
        Assert.Equal([0.0], sinc.Values);
        GeneratedGradientCheck.AssertMatches(assembly, "Edge.Guards", "Sinc", 0.7);
        // log(1 − x) is NaN for x > 1 and sqrt(x) is NaN for x < 0: neither may reach the other side.
        GeneratedGradientCheck.AssertMatches(assembly, "Edge.Guards", "Domain", 2.0, 1.5);
        GeneratedGradientCheck.AssertMatches(assembly, "Edge.Guards", "Domain", -2.0, 1.5);
        Assert.All(assembly.InvokeGradient("Edge.Guards", "Domain", 2.0, 1.5).Values, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void InlinedCallsWithNoDiffDefaultNamedAndFloatParameters()
    {
        using var assembly = Generate("""
            using System;
            using SymbolicGrad;

            namespace Edge;

            public static partial class Calls
            {
                [Differentiable]
                public static double Scale([NoDiff] double k, double x) => k * x;

                [Differentiable]
                public static double Defaults(double x, double scale = 2.0) => x * scale;

                [Differentiable]
                public static float Half(float x) => x * 0.5f;

                // [NoDiff] on the callee's parameter only means the callee's own gradient has no dK: the caller's
                // derivative still flows through every argument, so Square(a) = a·a has derivative 2a.
                [Differentiable]
                public static double Square(double a) => Scale(a, a);

                [Differentiable]
                public static double Named(double a) => Defaults(a) + Defaults(scale: a, x: 3.0);

                [Differentiable]
                public static double Mixed(double a) => Half((float)a) * a;
            }
            """);
        var square = GeneratedGradientCheck.AssertMatches(assembly, "Edge.Calls", "Square", 1.5);
        Assert.Equal(3.0, square.Partials[0].Check.Analytic);
        var named = GeneratedGradientCheck.AssertMatches(assembly, "Edge.Calls", "Named", 1.5);
        Assert.Equal(5.0, named.Partials[0].Check.Analytic);
        // Half rounds to float, so finite differences are noisy: check the closed form 2·(float)(a·0.5) instead.
        var mixed = assembly.InvokeGradient("Edge.Calls", "Mixed", 1.5);
        Assert.Equal(1.5, mixed["dA"], 1e-6);
    }

    [Fact]
    public void CallIntoAReferencedAssemblyIsReportedAtTheCall()
    {
        // The callee's body is not in this compilation, so it cannot be inlined: an error at the call, no exception.
        var library = GeneratorHarness.CreateCompilation("""
            using System;
            using SymbolicGrad;

            namespace Lib;

            public static partial class Activations
            {
                [Differentiable]
                public static double Softplus(double z) => Math.Log(1.0 + Math.Exp(z));
            }
            """);
        using var image = new MemoryStream();
        Assert.True(library.Emit(image).Success);
        var marked = MarkedSource.Parse("""
            using SymbolicGrad;

            namespace App;

            public static partial class Model
            {
                [Differentiable]
                public static double F(double w) => [|Lib.Activations.Softplus(w)|] * w;
            }
            """);
        var app = GeneratorHarness.CreateCompilation(marked.Text).AddReferences(MetadataReference.CreateFromImage(image.ToArray()));
        var run = GeneratorHarness.Run(app);
        Assert.Null(run.GeneratorException);
        Assert.Empty(run.OutputErrors);
        Assert.Empty(run.GeneratedSources);
        Assert.Contains(run.GeneratorErrors, d => d.Location.SourceSpan == marked.Span);
    }

    [Fact]
    public void SequentialGuardedBlocksGrowLinearly()
    {
        // Blocks holding an early return inside an if/else: the rest of the method must not be duplicated per
        // path, or the generated code (and generator time) doubles with each block.
        static int GeneratedLength(int blocks)
        {
            var body = string.Join("\n", Enumerable.Range(0, blocks).Select(i =>
                $"        if (x > {i}.0) {{ if (y > {i}.0) return s * {i + 1}.0; s += x * {i}.0; }} else {{ s -= y; }}"));
            var run = GeneratorHarness.Run($$"""
                using SymbolicGrad;

                namespace Edge;

                public static partial class Guarded
                {
                    [Differentiable]
                    public static double F(double x, double y)
                    {
                        double s = x * y;
                {{body}}
                        return s;
                    }
                }
                """).AssertClean();
            return run.Source("Edge.Guarded.F.g.cs").Length;
        }

        var three = GeneratedLength(3);
        var six = GeneratedLength(6);
        Assert.True(six < 3 * three, $"3 blocks: {three} characters; 6 blocks: {six} characters");
    }

    [Fact]
    public void FileLocalTypeGetsItsGradientOrADiagnostic()
    {
        // A file-local type cannot be extended from another file: a partial "C" in the generated file is a
        // different type, so the gradient must be emitted where the method can reach it, or reported.
        var run = GeneratorHarness.Run("""
            using SymbolicGrad;

            namespace Edge;

            file static partial class Local
            {
                [Differentiable]
                public static double F(double x) => x * x;

                public static double Slope(double x)
                {
                    FGradient(x, out var dX);
                    return dX;
                }
            }
            """);
        Assert.Null(run.GeneratorException);
        if (!run.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            Assert.True(!run.OutputErrors.Any(), "No diagnostic, yet FGradient is not reachable from the file-local type: " + run.Describe());
    }

    [Fact]
    public void GradientNameInheritedFromBaseTypeIsNotHiddenSilently()
    {
        // Hiding B.FGradient draws CS0108 in the generated file, which breaks builds with warnings as errors.
        var run = GeneratorHarness.Run("""
            using SymbolicGrad;

            namespace Edge;

            public class Base
            {
                public static double FGradient(double x, out double dX)
                {
                    dX = 1.0;
                    return x;
                }
            }

            public partial class Derived : Base
            {
                [Differentiable]
                public static double F(double x) => x * x;
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.Empty(run.OutputErrors);
        Assert.True(run.Diagnostics.Any(d => d.Id == "SG0017") || !run.GeneratedWarnings.Any(),
            "Generated code warns: " + string.Join("; ", run.GeneratedWarnings));
    }

    /// <summary>Runs the generator, asserts a clean run, and loads the output.</summary>
    [Fact]
    public void LoopMethodsWhoseNamesDifferOnlyInCase()
    {
        // Each keeps its loop's values on a per-thread tape: PolyTape and _PolyTape, polyTape and _polyTape.
        using var assembly = Generate("""
            using SymbolicGrad;

            namespace Edge;

            public static partial class Loops
            {
                [Differentiable]
                public static double Poly([NoDiff] double[] c, double x)
                {
                    double p = 0;
                    for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
                    return p;
                }

                [Differentiable]
                public static double poly([NoDiff] double[] c, double x)
                {
                    double p = 0;
                    for (int i = c.Length - 1; i >= 0; i--) p = p * x + 2 * c[i];
                    return p;
                }
            }
            """);
        // p = 1 + 2x + 3x², p' = 2 + 6x: exact at x = 0.5.
        double[] c = { 1, 2, 3 };
        var upper = assembly.InvokeGradient("Edge.Loops", "Poly", c, 0.5);
        var lower = assembly.InvokeGradient("Edge.Loops", "poly", c, 0.5);
        Assert.Equal((2.75, 5.0), (upper.Value, upper["dX"]));
        Assert.Equal((5.5, 10.0), (lower.Value, lower["dX"]));
    }

    [Fact]
    public void OverloadsThatDifferInTheirArrays()
    {
        // Each overload gets a file of its own (Sum_DoubleArray, Sum_SingleArray) and a gradient of its own.
        var run = GeneratorHarness.Run("""
            using SymbolicGrad;

            namespace Edge;

            public static partial class Overloads
            {
                [Differentiable]
                public static double Sum(double[] a) { double s = 0; foreach (double v in a) s += v * v; return s; }

                [Differentiable]
                public static float Sum(float[] a) { float s = 0; foreach (float v in a) s += v * v; return s; }

                public static double[] Check(double[] a) { var d = new double[a.Length]; SumGradient(a, d); return d; }

                public static float[] Check(float[] a) { var d = new float[a.Length]; SumGradient(a, d); return d; }
            }
            """).AssertClean();
        Assert.Contains("Edge.Overloads.Sum_DoubleArray.g.cs", run.GeneratedSources.Keys);
        Assert.Contains("Edge.Overloads.Sum_SingleArray.g.cs", run.GeneratedSources.Keys);
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        var type = assembly.Type("Edge.Overloads");
        Assert.Equal([1.0, -3.0], (double[])type.GetMethod("Check", [typeof(double[])])!.Invoke(null, [new[] { 0.5, -1.5 }])!);
        Assert.Equal([1f, -3f], (float[])type.GetMethod("Check", [typeof(float[])])!.Invoke(null, [new[] { 0.5f, -1.5f }])!);
    }

    private static LoadedAssembly Generate(string source) =>
        LoadedAssembly.Emit(GeneratorHarness.Run(source).AssertClean().OutputCompilation);
}
