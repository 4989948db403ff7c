using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>The diagnostics of a method's declaration and body, SG0001–SG0021: its type, signature, statements, expressions, calls, writes, recursion and generated names. (A part of <see cref="DiagnosticTests"/>.)</summary>
public sealed partial class DiagnosticTests
{
    // ---- SG0001: containing type not partial ----

    [Fact]
    public void SG0001_TypeNotPartial()
    {
        var run = AssertReported("SG0001", Header + """
            public static class [|C|]
            {
                [Differentiable]
                public static double F(double x) => x * x;
            }
            """, "'C'");
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void SG0001_OuterTypeNotPartial()
    {
        var run = AssertReported("SG0001", Header + """
            public static class [|Outer|]
            {
                public static partial class C
                {
                    [Differentiable]
                    public static double F(double x) => x * x;
                }
            }
            """, "'Outer'");
        Assert.Empty(run.GeneratedSources);
    }

    // ---- SG0002 / SG0003 / SG0004: signature ----

    [Fact]
    public void SG0002_UnsupportedReturnType()
    {
        AssertReported("SG0002", Header + """
            public static partial class C
            {
                [Differentiable]
                public static [|decimal|] F(double x) => (decimal)x;
            }
            """, "decimal");
    }

    [Fact]
    public void SG0002_ModelMethodReturnsFloat()
    {
        var run = AssertReported("SG0002", Header + """
            public sealed partial class C : Model
            {
                readonly Vec w;

                public C() => w = Parameters.Vector(3);

                [Differentiable]
                public [|double|] F([NoDiff] Vec x) => Ops.Dot(w, x);
            }
            """, "a [Differentiable] method of a Model returns float");
        Assert.DoesNotContain("double or float", Message(run, "SG0002"));
    }

    [Fact]
    public void SG0002_FunctionOfVectorsReturnsFloat()
    {
        AssertReported("SG0002", Header + """
            public static partial class C
            {
                [Differentiable]
                public static [|double|] F(Vec w, [NoDiff] Vec x) => Ops.Dot(w, x);
            }
            """, "with Vec or Mat parameters returns float");
    }

    [Fact]
    public void SG0003_UnsupportedParameterType()
    {
        AssertReported("SG0003", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x, [|string|] label) => x * x;
            }
            """, "'label'");
    }

    [Fact]
    public void SG0003_ModelMethodTakesOneSample()
    {
        AssertReported("SG0003", Header + """
            public sealed partial class C : Model
            {
                readonly Vec w;

                public C() => w = Parameters.Vector(3);

                [Differentiable]
                public float F([|Mat|] x, int label) => Ops.SoftmaxCrossEntropy(w, label);
            }
            """, "takes one sample (Vec, float, int or bool; the batched forms are generated)");
    }

    [Theory]
    [InlineData("ref")]
    [InlineData("in")]
    public void SG0004_ByRefParameter(string modifier)
    {
        AssertReported("SG0004", Header + $$"""
            public static partial class C
            {
                [Differentiable]
                public static double F(double y, [|{{modifier}}|] double x) => x * y;
            }
            """, $"'{modifier}'");
    }

    [Fact]
    public void SG0004_RefReadonlyParameterIsNamedWhole()
    {
        AssertReported("SG0004", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double y, [|ref|] readonly double x) => x * y;
            }
            """, "Parameter 'x' is declared 'ref readonly': a [Differentiable] method takes its parameters by value; remove the 'ref readonly' modifier");
    }

    [Fact]
    public void SG0004_OutParameter()
    {
        AssertReported("SG0004", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double y, [|out|] double x)
                {
                    x = 1.0;
                    return y * y;
                }
            }
            """, "'out'");
    }

    // ---- SG0005: statements ----

    [Fact]
    public void SG0005_TryCatch()
    {
        AssertReported("SG0005", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    double y = x;
                    [|try|]
                    {
                        y = x * x;
                    }
                    catch (Exception)
                    {
                        y = 0.0;
                    }
                    return y;
                }
            }
            """, "try");
    }

    [Fact]
    public void SG0005_Goto()
    {
        AssertReported("SG0005", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    double y = x;
                    if (x > 0.0)
                        [|goto|] done;
                    y = x * x;
                done:
                    return y;
                }
            }
            """, "goto");
    }

    // ---- SG0006: expressions ----

    [Fact]
    public void SG0006_CallOnAValue()
    {
        AssertReported("SG0006", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => [|x.CompareTo(2.0)|] * x;
            }
            """, "Double.CompareTo");
    }

    [Theory]
    [InlineData("readonly Vec w; Vec W => w;", "W", "property access")]
    [InlineData("readonly Vec w; float scale = 2f;", "scale", "instance field access")]
    public void SG0006_WeightReadInAModelKeepsItsGradient(string fields, string read, string what)
    {
        // Sending a weight through a [NoDiff] parameter would drop its gradient: the advice is a readonly Vec/Mat field.
        var run = AssertReported("SG0006", Header + $$"""
            public sealed partial class C : Model
            {
                {{fields}}

                [Differentiable]
                public float F([NoDiff] Vec x) => Ops.Dot([|{{read}}|] * 1f, x);
            }
            """.Replace("Ops.Dot([|scale|] * 1f, x)", "[|scale|] * Ops.Dot(w, x)"), what);
        string message = Message(run, "SG0006");
        Assert.Contains("readonly Vec or Mat field from Parameters.Matrix or Parameters.Vector", message);
        Assert.Contains("a hyper-parameter in a const or static readonly field", message);
        Assert.DoesNotContain("through a [NoDiff] parameter", message);
    }

    [Fact]
    public void SG0006_StaticPropertyInAScalarFunctionKeepsItsGradient()
    {
        var run = AssertReported("SG0006", Header + """
            public static partial class C
            {
                public static double Scale { get; set; } = 2.0;

                [Differentiable]
                public static double F(double x) => [|Scale|] * x;
            }
            """, "property access");
        Assert.Contains("pass it in as a parameter (without [NoDiff] to get its derivative", Message(run, "SG0006"));
    }

    [Fact]
    public void SG0006_StaticArrayFieldInAScalarFunction()
    {
        // Arrays are read in scalar functions, but only those they take as parameters (which can have a gradient).
        var run = AssertReported("SG0006", Header + """
            public static partial class C
            {
                static readonly double[] Weights = { 1.0, 2.0 };

                [Differentiable]
                public static double F(double x) => [|Weights|][0] * x;
            }
            """, "static field access");
        string message = Message(run, "SG0006");
        Assert.Contains("take the array as a double[], float[] or ReadOnlySpan parameter", message);
        Assert.DoesNotContain("make it a const or static readonly field", message);
    }

    [Fact]
    public void SG0006_StaticVecFieldInAFunctionOfVectors()
    {
        // Not a weight of a model, not a parameter: its gradient would have nowhere to go.
        var run = AssertReported("SG0006", Header + """
            public static partial class C
            {
                static readonly Vec Bias = new(new float[3]);

                [Differentiable]
                public static float F(Vec w, [NoDiff] Vec x) => Ops.Dot(w + [|Bias|], x);
            }
            """, "static Vec or Mat field");
        Assert.Contains("pass a learned value in as a Vec or Mat parameter (it gets a gradient buffer)", Message(run, "SG0006"));
    }

    // ---- SG0007 / SG0008 / SG0009: lambdas, LINQ, dynamic ----

    [Fact]
    public void SG0007_Lambda()
    {
        AssertReported("SG0007", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    Func<double, double> square = [|t => t * t|];
                    return square(x);
                }
            }
            """);
    }

    [Fact]
    public void SG0008_LinqQuery()
    {
        AssertReported("SG0008", Header + """
            using System.Linq;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x, double y) => ([|from t in new[] { x, y } select t * t|]).Sum();
            }
            """);
    }

    [Fact]
    public void SG0008_LinqQueryInLocal()
    {
        AssertReported("SG0008", Header + """
            using System.Linq;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x, double y)
                {
                    var squares = [|from t in new[] { x, y } select t * t|];
                    return x * y;
                }
            }
            """);
    }

    [Fact]
    public void SG0008_LinqMethod()
    {
        AssertReported("SG0008", Header + """
            using System.Linq;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x, double y) => [|new[] { x, y }.Sum()|];
            }
            """);
    }

    [Fact]
    public void SG0009_Dynamic()
    {
        AssertReported("SG0009", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    double y = [|((dynamic)x) * 2.0|];
                    return y * x;
                }
            }
            """, "is dynamic");
    }

    // ---- SG0010: calls ----

    [Fact]
    public void SG0010_CallToNonDifferentiableHelper()
    {
        AssertReported("SG0010", Header + """
            public static partial class C
            {
                static double Helper(double t) => t * 3.0;

                [Differentiable]
                public static double F(double x) => [|Helper(x)|] + x;
            }
            """, "mark 'Helper' [Differentiable] so that it is inlined");
    }

    // ---- SG0011 / SG0012: writes and side effects ----

    [Fact]
    public void SG0011_WriteToStaticField()
    {
        AssertReported("SG0011", Header + """
            public static partial class C
            {
                static double s_last;

                [Differentiable]
                public static double F(double x)
                {
                    [|s_last|] = x;
                    return x * x;
                }
            }
            """, "s_last");
    }

    [Fact]
    public void SG0011_CompoundWriteToStaticPropertyOfAnotherType()
    {
        AssertReported("SG0011", Header + """
            public static class Counter
            {
                public static double Total { get; set; }
            }

            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    [|Counter.Total|] += x;
                    return x * x;
                }
            }
            """, "Total");
    }

    [Fact]
    public void SG0012_ConsoleWriteLine()
    {
        AssertReported("SG0012", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    [|Console.WriteLine(x)|];
                    return x * x;
                }
            }
            """, "Console.WriteLine");
    }

    // ---- SG0013: recursion ----

    [Fact]
    public void SG0013_DirectRecursion()
    {
        AssertReported("SG0013", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => x < 0.0 ? x : [|F(x - 1.0)|];
            }
            """, "'F'");
    }

    [Fact]
    public void SG0013_MutualRecursion()
    {
        var run = AssertReported("SG0013", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => x < 0.0 ? x : [|G(x - 1.0)|];

                [Differentiable]
                public static double G(double x) => F(x * 0.5) + 1.0;
            }
            """, "'F'");
        Assert.DoesNotContain("Diag.C.G.g.cs", run.GeneratedSources.Keys);
    }

    // ---- SG0014 … SG0018: method shape, names, value types ----

    [Fact]
    public void SG0014_NotStatic()
    {
        AssertReported("SG0014", Header + """
            public partial class C
            {
                [Differentiable]
                public double [|F|](double x) => x * x;
            }
            """, "'F'");
    }

    [Fact]
    public void SG0015_GenericMethod()
    {
        AssertReported("SG0015", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double [|F|]<T>(double x) => x * x;
            }
            """, "'F'");
    }

    [Fact]
    public void SG0016_NoBody()
    {
        AssertReported("SG0016", Header + """
            public static partial class C
            {
                [Differentiable]
                public static extern double [|F|](double x);
            }
            """, "'F'");
    }

    [Fact]
    public void SG0016_OnThePartialDeclarationSaysToMarkTheImplementation()
    {
        // A new user marks the first part of a partial method; the body is in the second.
        var run = AssertReportedByAnalyzer("SG0016", Header + """
            public static partial class C
            {
                [Differentiable]
                public static partial double [|F|](double x);

                public static partial double F(double x) => x * x;
            }
            """, "[Differentiable] method 'F' has no body to differentiate: this is the declaration of a partial method; put [Differentiable] on its implementation, the part with the body");
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void SG0017_GradientMethodAlreadyExists()
    {
        AssertReported("SG0017", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => x * x;

                public static double [|FGradient|](double x, out double dX)
                {
                    dX = 2.0 * x;
                    return x * x;
                }
            }
            """, "FGradient");
    }

    [Fact]
    public void SG0017_OutNameCollidesWithParameter()
    {
        // The gradient of x would be named dX, which is already the name of the second parameter.
        AssertReported("SG0017", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F([|double x|], double dX) => x * dX;
            }
            """, "dX");
    }

    [Theory]
    [InlineData("double[]", "cannot generate 'Span<double> dC'")]
    [InlineData("ReadOnlySpan<float>", "cannot generate 'Span<float> dC'")]
    public void SG0017_ArrayGradientNameCollidesWithParameterSaysSpan(string type, string generated)
    {
        // An array's gradient is a Span added into, not an out: the message names it as the signature will declare it.
        AssertReported("SG0017", Header + $$"""
            public static partial class C
            {
                [Differentiable]
                public static double F([|{{type}} c|], double dC) => c[0] * dC;
            }
            """, generated);
    }

    [Theory]
    [InlineData("readonly Vec [|FWorkspace|];")]
    [InlineData("public float [|FGradientBatch|](Mat x) => 0f;")]
    public void SG0017_ModelMemberTakesAGeneratedPublicName(string member)
    {
        AssertReported("SG0017", Header + $$"""
            public sealed partial class C : Model
            {
                readonly Vec w;
                {{member}}

                public C() => w = Parameters.Vector(3);

                [Differentiable]
                public float F([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(w * Ops.Sum(x), label);
            }
            """, "rename it");
    }

    [Fact]
    public void SG0017_DifferentiableOverloadsOfAModelMethod()
    {
        // Both would generate FWorkspace and FBatch: the first keeps them.
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class C : Model
            {
                readonly Vec w;

                public C() => w = Parameters.Vector(3);

                [Differentiable]
                public float F([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(w * Ops.Sum(x), label);

                [Differentiable]
                public float F([NoDiff] Vec x, [NoDiff] Vec target) => Ops.Mse(w * Ops.Sum(x), target);
            }
            """);
        var conflict = Assert.Single(run.Diagnostics, d => d.Id == "SG0017");
        Assert.Equal(run.InputCompilation.SyntaxTrees.Single().GetText().ToString().LastIndexOf("F(", StringComparison.Ordinal), conflict.Location.SourceSpan.Start);
        Assert.Contains("the workspace of the [Differentiable] overload", conflict.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void SG0018_UnsupportedLocalType()
    {
        AssertReported("SG0018", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    decimal scale = [|3m|];
                    return x * (double)scale;
                }
            }
            """, "decimal");
    }

    [Fact]
    public void SG0019_CallToDifferentiableMethodWithErrors()
    {
        var run = AssertReported("SG0019", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double Broken(double x)
                {
                    try { return x * x; }
                    catch (Exception) { return 0.0; }
                }

                [Differentiable]
                public static double F(double x) => [|Broken(x)|] * x;
            }
            """, "Broken");
        Assert.Contains(run.Diagnostics, d => d.Id == "SG0005");
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void SG0020_FileLocalType()
    {
        AssertReported("SG0020", Header + """
            file static partial class [|Local|]
            {
                [Differentiable]
                public static double F(double x) => x * x;
            }
            """, "remove the 'file' modifier");
    }

    [Fact]
    public void SG0021_LocalFunction()
    {
        var run = AssertReported("SG0021", Header + """
            public static partial class C
            {
                public static double Outer(double x)
                {
                    [Differentiable]
                    static double [|Square|](double v) => v * v;
                    return Square(x);
                }
            }
            """, "make it a static method of a partial type");
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void SG0019_CalleeFromReferencedAssemblyNamesTheReason()
    {
        var run = AssertReported("SG0019", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => [|Helper(x)|];

                // Bodiless here: stands for a [Differentiable] method whose source is not in the compilation.
                [Differentiable]
                public static extern double Helper(double x);
            }
            """);
        Assert.Contains(run.Diagnostics, d => d.Id == "SG0016");
    }
}
