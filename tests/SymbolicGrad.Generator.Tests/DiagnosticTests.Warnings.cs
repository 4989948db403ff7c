using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>The warnings and information SG0100–SG0103: the method is still generated. (A part of <see cref="DiagnosticTests"/>.)</summary>
public sealed partial class DiagnosticTests
{
    // ---- SG0100–SG0103: warnings and information (the method is still generated) ----

    [Theory]
    [InlineData("Math.Floor(x)")]
    [InlineData("Math.Ceiling(x)")]
    [InlineData("Math.Round(x)")]
    [InlineData("Math.Truncate(x)")]
    [InlineData("Math.Sign(x)")]
    [InlineData("(int)x")]
    public void SG0100_ZeroDerivativeOnActiveValue(string operation)
    {
        var run = AssertReported("SG0100", Header + $$"""
            public static partial class C
            {
                [Differentiable]
                public static double F(double x, double y) => [|{{operation}}|] * y + x;
            }
            """, operation.StartsWith("Math.", StringComparison.Ordinal) ? operation[..operation.IndexOf('(')] : "");
        // Zero derivative through the operation: dF/dx = 1 away from its jumps, dF/dy = the operation's value.
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        GeneratedGradientCheck.AssertMatches(assembly, "Diag.C", "F", 1.3, 0.7);
        GeneratedGradientCheck.AssertMatches(assembly, "Diag.C", "F", -2.6, -1.1);
    }

    [Fact]
    public void SG0100_CopySignOfOnlyTheSign()
    {
        var run = AssertReported("SG0100", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x, double y) => [|Math.CopySign(2.0, x)|] * y;
            }
            """, "CopySign");
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        var gradient = assembly.InvokeGradient("Diag.C", "F", -1.5, 3.0);
        Assert.Equal([0.0, -2.0], gradient.Values);
    }

    [Fact]
    public void SG0100_NotReportedOnInactiveValue()
    {
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x, [NoDiff] double n) => Math.Floor(n) * x + (int)n;
            }
            """).AssertClean();
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "SG0100");
        run.Source(FileOfF);
    }

    [Fact]
    public void SG0101_UnusedParameter()
    {
        var run = AssertReported("SG0101", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x, [|double y|]) => x * x;
            }
            """, "'y'");
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        var gradient = assembly.InvokeGradient("Diag.C", "F", 1.5, 2.0);
        Assert.Equal([3.0, 0.0], gradient.Values);
    }

    [Fact]
    public void SG0101_ParameterOnlyFeedsDeadLocal()
    {
        AssertReported("SG0101", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x, [|double y|])
                {
                    double unused = y * 2.0;
                    return Math.Sin(x);
                }
            }
            """, "'y'");
    }

    [Fact]
    public void SG0105_FloatParameterOfAFunctionOfVectors()
    {
        // Its gradient has buffers for Vec and Mat parameters only: alpha used to get no gradient without a word.
        var run = AssertReported("SG0105", Header + """
            public static partial class C
            {
                [Differentiable]
                public static float F(Vec w, [NoDiff] Vec x, [|float alpha|]) => alpha * Ops.Dot(w, x);
            }
            """, "'alpha' is a float parameter of 'F'");
        Assert.Contains("'dAlpha'", Message(run, "SG0105"));
    }

    [Fact]
    public void SG0105_NotForNoDiffFloatsScalarFunctionsOrLayerHelpers()
    {
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                [Differentiable]
                public static float F(Vec w, [NoDiff] Vec x, [NoDiff] float alpha, int n) => alpha * n * Ops.Dot(w, x);

                [Differentiable]
                public static float G(float a, float b) => a * b;

                // A helper returning Vec is inlined where it is called: its float is differentiated there.
                [Differentiable]
                public static Vec Scale(Vec v, float a) => v * a;

                [Differentiable]
                public static float H(Vec w, [NoDiff] Vec x) => Ops.Dot(Scale(w, Ops.Sum(w)), x);
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "SG0105");
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void SG0102_NothingToDifferentiateInAScalarFunction()
    {
        var run = AssertReported("SG0102", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double [|F|](int n) => n * 2.0;
            }
            """, "no parameter is double or float without [NoDiff]");
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "SG0101");
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        Assert.Equal(6.0, assembly.InvokeGradient("Diag.C", "F", 3).Value);
    }

    [Fact]
    public void SG0102_NothingToDifferentiateInAFunctionOfVectors()
    {
        AssertReported("SG0102", Header + """
            public static partial class C
            {
                [Differentiable]
                public static float [|F|]([NoDiff] Vec w, [NoDiff] Vec x) => Ops.Dot(w, x);
            }
            """, "no Vec or Mat parameter is without [NoDiff]");
    }

    [Fact]
    public void SG0102_ModelMethodReadsNoWeight()
    {
        AssertReported("SG0102", Header + """
            public sealed partial class C : Model
            {
                [Differentiable]
                public float [|F|]([NoDiff] Vec x, [NoDiff] Vec target) => Ops.Mse(x, target);
            }
            """, "it reads no Vec or Mat field of the model");
    }

    [Fact]
    public void SG0102_NotReportedWhenSomethingIsDifferentiable()
    {
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x, int n) => n * x;
            }
            """).AssertClean();
        Assert.Empty(run.Diagnostics);
    }

    [Theory]
    [InlineData("([NoDiff] Vec x)", "'F' takes 1 parameter (Vec)")]
    [InlineData("([NoDiff] Vec x, int label, float scale)", "'F' takes 3 parameters (Vec, int, float)")]
    [InlineData("(int label, [NoDiff] Vec x)", "its first parameter is 'int', not the input Vec")]
    [InlineData("([NoDiff] Vec x, float target)", "its second parameter is 'float', not an int label or a Vec target")]
    public void SG0103_ModelMethodOfAnotherShapeIsNotTrainable(string parameters, string reason)
    {
        string body = parameters.Contains("label") ? "Ops.Sum(w * x) * (label + 1)" : "Ops.Sum(w * x)";
        body = parameters.Contains("scale") ? body + " * scale" : parameters.Contains("float target") ? body + " - target" : body;
        var run = AssertReported("SG0103", Header + $$"""
            public sealed partial class C : Model
            {
                readonly Vec w;

                public C() => w = Parameters.Vector(3);

                [Differentiable]
                public float [|F|]{{parameters}} => {{body}};
            }
            """, reason);
        Assert.Equal(DiagnosticSeverity.Info, run.Diagnostics.Single(d => d.Id == "SG0103").Severity);
        Assert.Contains("'float F(Vec x, int label)' (a classifier) or 'float F(Vec x, Vec target)'", Message(run, "SG0103"));
        Assert.DoesNotContain("ITrainable", run.Source(FileOfF).Split('\n').First(l => l.Contains("partial class C")));
    }

    [Fact]
    public void SG0103_ModelWithTwoDifferentiableMethods()
    {
        var run = AssertReported("SG0103", Header + """
            public sealed partial class C : Model
            {
                readonly Vec w;

                public C() => w = Parameters.Vector(3);

                [Differentiable]
                public float [|F|]([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(w * Ops.Sum(x), label);

                [Differentiable]
                public float G([NoDiff] Vec x, [NoDiff] Vec target) => Ops.Mse(w * Ops.Sum(x), target);
            }
            """, "'C' has 2 [Differentiable] methods (F, G), and Trainer trains one");
        Assert.Equal(2, run.Diagnostics.Count(d => d.Id == "SG0103"));
    }

    [Fact]
    public void SG0103_NotReportedForATrainableModelOrOneImplementingITrainable()
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class C : Model
            {
                readonly Vec w;

                public C() => w = Parameters.Vector(3);

                [Differentiable]
                public float F([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(w * Ops.Sum(x), label);
            }

            public sealed partial class D : Model, ITrainable
            {
                readonly Vec w;

                public D() => w = Parameters.Vector(3);

                [Differentiable]
                public float F([NoDiff] Vec x) => Ops.Sum(w * x);

                public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient) => 0f;

                public int CountCorrect(Mat inputs, in BatchTargets targets) => -1;
            }
            """).AssertClean();
        Assert.Empty(run.Diagnostics);
        Assert.Contains(": global::SymbolicGrad.ITrainable", run.Source("Diag.C.F.g.cs"));
    }
}
