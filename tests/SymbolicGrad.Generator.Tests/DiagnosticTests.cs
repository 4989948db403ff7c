using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// One test per diagnostic of the catalogue: the id and the exact span (marked <c>[|…|]</c> in the source). Every
/// run must also be free of generator exceptions and its output must compile; a method with an error gets no file.
/// </summary>
public sealed partial class DiagnosticTests
{
    private const string Header = """
        using System;
        using SymbolicGrad;

        namespace Diag;

        """;

    /// <summary>The generated file of method Diag.C.F, the method under test in most sources.</summary>
    private const string FileOfF = "Diag.C.F.g.cs";

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

    // ---- SG0030 / SG0031 / SG0032 / SG0033: switch expressions, patterns, tuples, matrix elements ----

    [Fact]
    public void SG0030_SwitchNotExhaustive()
    {
        // C# throws SwitchExpressionException for NaN, which no arm covers.
        AssertReported("SG0030", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => x [|switch|] { < 0.0 => -x, >= 0.0 => x };
            }
            """, "NaN too");
    }

    [Fact]
    public void SG0030_SwitchArmThrows()
    {
        AssertReported("SG0030", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => x switch { > 0.0 => x, _ => [|throw new ArgumentOutOfRangeException(nameof(x))|] };
            }
            """, "throws in this arm");
    }

    [Fact]
    public void SG0031_PropertyPattern()
    {
        AssertReported("SG0031", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => x is [|{ }|] ? x : 0.0;
            }
            """, "property or positional");
    }

    [Fact]
    public void SG0032_DeconstructionOfACall()
    {
        AssertReported("SG0032", Header + """
            public static partial class C
            {
                static (double, double) Pair(double x) => (x, 2.0 * x);

                [Differentiable]
                public static double F(double x)
                {
                    var (a, b) = [|Pair(x)|];
                    return a * b;
                }
            }
            """, "'Pair(x)'");
    }

    [Fact]
    public void SG0033_MatrixElement()
    {
        AssertReported("SG0033", Header + """
            public static partial class C
            {
                [Differentiable]
                public static float F(Mat W, Vec x) => [|W[0, 1]|] * Ops.Sum(x);
            }
            """, "W * x");
    }

    [Theory]
    [InlineData("Math.Round(x, 2)", "Math.Round with 2 arguments")]
    [InlineData("Math.MaxMagnitude(x, 2.0)", "Math.MaxMagnitude with 2 arguments")]
    [InlineData("Math.BitIncrement(x)", "Math.BitIncrement with 1 argument")]
    public void SG0034_UnsupportedMathMember(string call, string named)
    {
        AssertReported("SG0034", Header + $$"""
            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => [|{{call}}|] * x;
            }
            """, named);
    }

    // ---- SG0040–SG0043: arrays and loops ----

    [Fact]
    public void SG0040_WriteIntoAnArrayParameter()
    {
        AssertReported("SG0040", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double[] a, double x)
                {
                    [|a[0]|] = x;
                    return a[0] * x;
                }
            }
            """, "'a'");
    }

    [Fact]
    public void SG0041_LocalArray()
    {
        AssertReported("SG0041", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    double[] values = [|new double[3]|];
                    return x;
                }
            }
            """, "local arrays");
    }

    [Fact]
    public void SG0042_LongIndex()
    {
        AssertReported("SG0042", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double[] a, int n) => a[[|(long)n|]];
            }
            """, "long");
    }

    [Fact]
    public void SG0043_ForeachOverSomethingElse()
    {
        AssertReported("SG0043", Header + """
            using System.Collections.Generic;

            public static partial class C
            {
                static readonly List<double> Weights = new() { 1.0, 2.0 };

                [Differentiable]
                public static double F(double x)
                {
                    double s = 0;
                    [|foreach|] (double w in Weights) s += w * x;
                    return s;
                }
            }
            """, "array or span parameter");
    }

    // ---- SG0070–SG0074: loops over a model's layers ----

    private const string LayerModel = """
        public sealed partial class Net : Model
        {
            readonly Mat[] W;
            readonly Vec[] b;
            readonly Mat Head;

            public Net() { W = new Mat[0]; b = new Vec[0]; Head = Parameters.Matrix(3, 4, Init.He(0)); }

        """;

    [Fact]
    public void SG0070_ALoopInAModelThatIsNotOverLayers()
    {
        var run = AssertReported("SG0070", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    [|for|] (int l = W.Length - 1; l >= 0; l--) h = Ops.Relu(W[l] * h + b[l]);
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """, "for (int l = 0; l < W.Length; l++)");
        Assert.Contains("readonly Mat[] or Vec[] field", Message(run, "SG0070"));
    }

    [Fact]
    public void SG0070_ALoopInsideAnIf()
    {
        AssertReported("SG0070", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    if (label > 0)
                    {
                        [|for|] (int l = 0; l < W.Length; l++) h = Ops.Relu(W[l] * h + b[l]);
                    }
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """, "outside any if");
    }

    [Fact]
    public void SG0071_ABreakInALayerLoop()
    {
        AssertReported("SG0071", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    for (int l = 0; l < W.Length; l++)
                    {
                        h = Ops.Relu(W[l] * h + b[l]);
                        if (l == 2) [|break;|]
                    }
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """, "it breaks out of the loop");
    }

    [Fact]
    public void SG0071_TwoCarriedVectors()
    {
        AssertReported("SG0071", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x, previous = x;
                    [|for|] (int l = 0; l < W.Length; l++)
                    {
                        previous = h;
                        h = Ops.Relu(W[l] * h + b[l]);
                    }
                    return Ops.SoftmaxCrossEntropy(h + previous, label);
                }
            }
            """, "it carries previous, h from one layer to the next, not exactly one Vec");
    }

    [Fact]
    public void SG0072_ALayerReadOutsideItsLoopKeepsTheAdviceThatKeepsItsGradient()
    {
        var run = AssertReported("SG0072", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy([|W[0]|] * x, label);
            }
            """, "outside a loop over layers");
        Assert.DoesNotContain("[NoDiff]", Message(run, "SG0072"));
    }

    [Fact]
    public void SG0072_ALayerReadAtAnotherIndex()
    {
        AssertReported("SG0072", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    for (int l = 0; l < W.Length; l++) h = Ops.Relu(W[l] * h + [|b[l + 1]|]);
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """, "at another index than the counter 'l'");
    }

    [Fact]
    public void SG0073_ALayerReadsAValueFromBeforeTheLoop()
    {
        var run = AssertReported("SG0073", Header + LayerModel + """
                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    for (int l = 0; l < W.Length; l++) h = Ops.Relu(W[l] * h + b[l]) + [|x|];
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """, "'x' is read inside the loop over layers but comes from before it");
        Assert.Contains("carry it along with 'h'", Message(run, "SG0073"));
    }

    [Fact]
    public void SG0074_ALayerArrayThatIsNotReadonly()
    {
        var run = AssertReported("SG0074", Header + """
            public sealed partial class Net : Model
            {
                Mat[] W = new Mat[0];

                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    for (int l = 0; l < [|W|].Length; l++) h = Ops.Relu(W[l] * h);
                    return Ops.SoftmaxCrossEntropy(h, label);
                }
            }
            """, "Layer array 'W' is not a readonly field");
        Assert.Contains("readonly Mat[] W", Message(run, "SG0074"));
        Assert.Contains("Parameters.Matrix", Message(run, "SG0074"));
    }

    [Fact]
    public void SG0104_ALoopSaysWhatItKeeps()
    {
        var run = AssertReportedByAnalyzer("SG0104", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double[] c, double x)
                {
                    double p = 0;
                    [|for|] (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
                    return p;
                }
            }
            """, "The backward pass of this 'for' loop reads p from a tape, 8 bytes per iteration");
        Assert.Equal(DiagnosticSeverity.Info, run.Diagnostics.Single(d => d.Id == "SG0104").Severity);
    }

    [Fact]
    public void SG0104_AnAccumulatingLoopKeepsNothing()
    {
        AssertReportedByAnalyzer("SG0104", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double[] a, double[] b)
                {
                    double s = 0;
                    [|for|] (int i = 0; i < a.Length; i++) s += a[i] * b[i];
                    return s;
                }
            }
            """, "The backward pass of this 'for' loop reads nothing from a tape: it recomputes what it needs from the loop's counter and the values around the loop");
    }

    [Fact]
    public void SG0040_CompoundWriteIntoAnElement()
    {
        AssertReported("SG0040", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double[] a, double x)
                {
                    for (int i = 0; i < a.Length; i++) [|a[i]|] += x;
                    return x;
                }
            }
            """, "'a'");
    }

    [Fact]
    public void SG0041_Stackalloc()
    {
        AssertReported("SG0041", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    Span<double> values = [|stackalloc double[2]|];
                    return x;
                }
            }
            """, "stackalloc");
    }

    [Fact]
    public void SG0042_UnsignedIndex()
    {
        AssertReported("SG0042", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double[] a, int n) => a[[|(uint)n|]] * 2.0;
            }
            """, "uint");
    }

    [Fact]
    public void SG0104_ARecurrenceOfTwoValuesTapesBoth()
    {
        // The rotation (u, v) → (u cos x − v sin x, u sin x + v cos x): the backward pass needs both old values.
        AssertReportedByAnalyzer("SG0104", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x, int n)
                {
                    double u = 1;
                    double v = 0;
                    [|for|] (int k = 0; k < n; k++)
                    {
                        double next = u * Math.Cos(x) - v * Math.Sin(x);
                        v = u * Math.Sin(x) + v * Math.Cos(x);
                        u = next;
                    }
                    return u + 2 * v;
                }
            }
            """, "The backward pass of this 'for' loop reads v, u from a tape, 16 bytes per iteration");
    }

    [Fact]
    public void SG0104_FloatHornerTapesFourBytes()
    {
        AssertReportedByAnalyzer("SG0104", Header + """
            public static partial class C
            {
                [Differentiable]
                public static float F(float[] c, float x)
                {
                    float p = 0f;
                    [|for|] (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
                    return p;
                }
            }
            """, "The backward pass of this 'for' loop reads p from a tape, 4 bytes per iteration");
    }

    [Fact]
    public void SG0104_TheInnerLoopOfANestSaysWhatItKeeps()
    {
        var run = AssertReportedByAnalyzer("SG0104", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double[] a, double x)
                {
                    double s = 0;
                    for (int i = 0; i < a.Length; i++)
                    {
                        double t = a[i];
                        [|for|] (int j = 0; j < i; j++) t = t * x;
                        s += t;
                    }
                    return s;
                }
            }
            """, "The backward pass of this 'for' loop reads t from a tape, 8 bytes per iteration");
        // The outer loop keeps the inner loop's trip count.
        Assert.Contains(run.AnalyzerDiagnostics, d => d.Id == "SG0104" &&
            d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("trips from a tape, 4 bytes per iteration", StringComparison.Ordinal));
    }

    // ---- SG0100 / SG0101: warnings (the method is still generated) ----

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

    // ---- SG0050–SG0056: derivative rules, forward mode and second order ----

    [Fact]
    public void SG0050_RuleSignatureSpellsOutTheExpectedOne()
    {
        AssertReported("SG0050", Header + """
            public static partial class C
            {
                public static double Square(double x, [NoDiff] double scale, int n) => scale * x * x * n;

                [DerivativeOf(nameof(Square))]
                public static double [|SquareRule|](double x, double scale, int n, out float dX)
                {
                    dX = (float)(2 * scale * x * n);
                    return scale * x * x * n;
                }
            }
            """, "declare it as 'static double SquareRule(double x, double scale, int n, out double dX)'");
    }

    [Fact]
    public void SG0050_LayerRuleSignatureIsAPullback()
    {
        AssertReported("SG0050", Header + """
            public static partial class C
            {
                public static Vec Scale(Vec x, Mat w) => w * x;

                [DerivativeOf(nameof(Scale))]
                public static Vec [|ScaleRule|](Vec x, Mat w, out Vec dX) { dX = x; return x; }
            }
            """, "static void ScaleRule(Vec x, Mat w, Vec dResult, Vec dX, Mat dW)");
    }

    [Fact]
    public void SG0051_TwoRulesForOneFunction()
    {
        AssertReported("SG0051", Header + """
            public static partial class C
            {
                public static double Cube(double x) => x * x * x;

                [DerivativeOf(nameof(Cube))]
                public static double CubeRule(double x, out double dX) { dX = 3 * x * x; return x * x * x; }

                [DerivativeOf(typeof(C), nameof(Cube))]
                public static double [|OtherCubeRule|](double x, out double dX) { dX = 3 * x * x; return x * x * x; }
            }
            """, "'C.CubeRule' is the first");
    }

    [Fact]
    public void SG0052_RuleOfAFunctionThatCannotBeFound()
    {
        AssertReported("SG0052", Header + """
            public static partial class Other
            {
                public static double Cube(double x) => x * x * x;
            }

            public static partial class C
            {
                [DerivativeOf(typeof(Other), [|"Cuber"|])]
                public static double CubeRule(double x, out double dX) { dX = 3 * x * x; return x * x * x; }
            }
            """, "'Diag.Other' has no method 'Cuber'");
    }

    [Fact]
    public void SG0053_RuleOverridesADifferentiableBody()
    {
        var run = AssertReported("SG0053", Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => Math.Sqrt(x);

                [DerivativeOf(nameof(F))]
                public static double [|StableSqrt|](double x, out double dX)
                {
                    double r = Math.Sqrt(x);
                    dX = x == 0 ? 0 : 0.5 / r;
                    return r;
                }
            }
            """, "methods that call 'C.F' use the rule");
        Assert.Equal(DiagnosticSeverity.Info, run.Diagnostics.Single(d => d.Id == "SG0053").Severity);
    }

    [Fact]
    public void SG0050_To_SG0053_ComeFromTheAnalyzerOnlyAndOnce()
    {
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                public static double Cube(double x) => x * x * x;

                [DerivativeOf(nameof(Cube))]
                public static double CubeRule(double x, out float dX) { dX = (float)(3 * x * x); return Cube(x); }

                public static double Square(double x) => x * x;

                [DerivativeOf(nameof(Square))]
                public static double SquareRule(double x, out double dX) { dX = 2 * x; return x * x; }

                [DerivativeOf(nameof(Square))]
                public static double OtherSquareRule(double x, out double dX) { dX = 2 * x; return x * x; }

                [DerivativeOf("Missing")]
                public static double MissingRule(double x, out double dX) { dX = 1; return x; }

                [Differentiable]
                public static double Root(double x) => Math.Sqrt(x);

                [DerivativeOf(nameof(Root))]
                public static double RootRule(double x, out double dX) { dX = 0.5 / Math.Sqrt(x); return Math.Sqrt(x); }

                [Differentiable]
                public static double G(double x) => Square(x) + Root(x);
            }
            """);
        Assert.Null(run.GeneratorException);
        string[] ids = ["SG0050", "SG0051", "SG0052", "SG0053"];
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => ids.Contains(d.Id));
        Assert.Equal(ids, run.AnalyzerDiagnostics.Select(d => d.Id).Order().ToArray());
        // The rules that fit are used; the output compiles.
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputErrors);
        Assert.Contains("SquareRule(", run.Source("Diag.C.G.g.cs"));
        Assert.Contains("RootRule(", run.Source("Diag.C.G.g.cs"));
    }

    [Fact]
    public void SG0054_HessianThroughAFirstOrderRuleNamesTheCall()
    {
        AssertReported("SG0054", Header + """
            public static partial class C
            {
                public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

                [DerivativeOf(nameof(Softplus))]
                public static double SoftplusRule(double x, out double dX) { dX = 1 / (1 + Math.Exp(-x)); return Softplus(x); }

                [Differentiable(Hessian = true)]
                public static double F(double x, double y) => [|Softplus(x * y)|] + x;
            }
            """, "it calls 'Softplus', whose derivative is the rule 'SoftplusRule'");
    }

    [Fact]
    public void SG0054_NotReportedForARuleCallOnConstants()
    {
        // A call whose differentiable operands do not vary needs no derivative: the Hessian is generated.
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

                [DerivativeOf(nameof(Softplus))]
                public static double SoftplusRule(double x, out double dX) { dX = 1 / (1 + Math.Exp(-x)); return Softplus(x); }

                [Differentiable(Hessian = true)]
                public static double F(double x, [NoDiff] double c) => Softplus(c) * x * x;
            }
            """);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        Assert.Contains("public static double FHessian(", string.Concat(run.GeneratedSources.Values));
    }

    [Fact]
    public void HessianOnAFunctionOfVectorsGeneratesTheHvpOnly()
    {
        // H·t, not an n×n Hessian: a Vec's n is its length, known at run time only.
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                [Differentiable(Jvp = true, Hessian = true)]
                public static float F(Vec x) => Ops.Sum(Ops.Square(x));
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        string sources = string.Concat(run.GeneratedSources.Values);
        Assert.Contains("public static float FHvp(global::SymbolicGrad.Vec x, global::SymbolicGrad.Vec tX, global::SymbolicGrad.Vec dX, global::SymbolicGrad.Vec hvX)", sources);
        Assert.Contains("public static float FJvp(", sources);
        Assert.DoesNotContain("FHessian", sources);
    }

    [Fact]
    public void HvpOfAFunctionLinearInItsParametersAddsNoZeroTerms()
    {
        // H·t is zero for W and b: the Hvp adds the gradient and writes nothing into hvW and hvB (no loops adding 0).
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                [Differentiable(Hessian = true)]
                public static float Affine(Mat W, Vec b, [NoDiff] Vec x) => Ops.Sum(W * x + b);
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        string hvp = run.GeneratedSources.Single(s => s.Key.EndsWith(".Derivatives.g.cs", StringComparison.Ordinal)).Value;
        Assert.Contains("public static float AffineHvp(", hvp);
        Assert.Contains("dWValues", hvp);
        Assert.DoesNotContain("hvWValues", hvp);
        Assert.DoesNotContain("hvBValues", hvp);
    }

    [Fact]
    public void SG0054_HessianOfAFunctionOfVectorsThroughAFirstOrderRuleNamesTheCall()
    {
        AssertReported("SG0054", Header + """
            public static partial class C
            {
                public static float Smooth(float v) => MathF.Log(1f + MathF.Exp(v));

                [DerivativeOf(nameof(Smooth))]
                public static float SmoothRule(float v, out float dV) { dV = 1f / (1f + MathF.Exp(-v)); return Smooth(v); }

                [Differentiable(Hessian = true)]
                public static float F(Vec x, Vec y) => [|Smooth(Ops.Dot(x, y))|] + Ops.Sum(x);
            }
            """, "'F' asks for second derivatives, but it calls 'Smooth', whose derivative is the rule 'SmoothRule'");
    }

    [Fact]
    public void SG0058_HessianOfAFunctionOfVectorsThroughACustomLayer()
    {
        AssertReported("SG0058", Header + """
            public static partial class C
            {
                public static Vec Swish(Vec x) { var y = new Vec(x.Length); Swish(x, y); return y; }

                public static void Swish(Vec x, Vec result) => x.Span.CopyTo(result.Span);

                [DerivativeOf(nameof(Swish))]
                public static void SwishPullback(Vec x, Vec dResult, Vec dX) { for (int i = 0; i < x.Length; i++) dX[i] += dResult[i]; }

                [Differentiable(Hessian = true)]
                public static float F(Vec x) => Ops.Sum([|Swish(x)|]);
            }
            """, "'F' asks for Hessian, but it calls 'Swish'");
    }

    [Fact]
    public void SG0056_RuleTheGeneratedCodeCannotCall()
    {
        AssertReported("SG0056", Header + """
            public static class Smooth
            {
                public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

                [DerivativeOf(nameof(Softplus))]
                private static double SoftplusRule(double x, out double dX) { dX = 1 / (1 + Math.Exp(-x)); return Softplus(x); }
            }

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => [|Smooth.Softplus(2 * x)|];
            }
            """, "the generated code in 'C' cannot call it; make 'SoftplusRule' and 'Softplus' internal or public");
    }

    [Fact]
    public void ScalarRuleCalledFromCodeOnVectorsIsUsed()
    {
        // Once an error (SG0056); a function of values with a rule is now called per sample in code on Vec and Mat.
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                public static float Clip(float x) => Math.Min(x, 1f);

                [DerivativeOf(nameof(Clip))]
                public static float ClipRule(float x, out float dX) { dX = 1f; return Clip(x); }

                [Differentiable]
                public static float F(Vec x) => Clip(Ops.Sum(x));
            }
            """);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        string generated = run.Source(FileOfF);
        Assert.Contains("global::Diag.C.Clip(", generated);
        Assert.Contains("global::Diag.C.ClipRule(", generated);
    }

    [Fact]
    public void SG0056_CustomLayerWithAFloatThatDependsOnTheParameters()
    {
        AssertReported("SG0056", Header + """
            public sealed partial class Net : Model
            {
                private readonly Vec b = new(3);

                public static Vec Scale(Vec x, float s) => x * s;

                public static void Scale(Vec x, float s, Vec result) { for (int i = 0; i < x.Length; i++) result[i] = s * x[i]; }

                [DerivativeOf(nameof(Scale))]
                public static void ScalePullback(Vec x, float s, Vec dResult, Vec dX) { for (int i = 0; i < x.Length; i++) dX[i] += s * dResult[i]; }

                [Differentiable]
                public float Loss([NoDiff] Vec x) => Ops.Sum([|Scale(x, Ops.Sum(b))|]);
            }
            """, "'Ops.Sum(b)' depends on the parameters, but the rule of a custom layer gives no derivative for its float parameter 's'");
    }

    [Fact]
    public void SG0057_CustomLayerWithoutItsBufferOverload()
    {
        AssertReported("SG0057", Header + """
            public sealed partial class Net : Model
            {
                private readonly Vec b = new(3);

                public static Vec Swish(Vec x) => x;

                [DerivativeOf(nameof(Swish))]
                public static void SwishPullback(Vec x, Vec dResult, Vec dX) { for (int i = 0; i < x.Length; i++) dX[i] += dResult[i]; }

                [Differentiable]
                public float Loss([NoDiff] Vec x) => Ops.Sum([|Swish(x + b)|]);
            }
            """, "declare 'static void Swish(Vec x, Vec result)' beside it, overwriting result (x.Length elements) with Swish(x)");
    }

    [Fact]
    public void SG0057_CustomLayerWhoseResultLengthIsNotSaid()
    {
        AssertReported("SG0057", Header + """
            public sealed partial class Net : Model
            {
                private readonly Mat W = new(3, 2);
                private readonly Vec b = new(3);

                public static Vec Dense(Mat W, Vec b, Vec x) => W * x + b;

                public static void Dense(Mat W, Vec b, Vec x, Vec result) => (W * x + b).Span.CopyTo(result.Span);

                [DerivativeOf(nameof(Dense))]
                public static void DensePullback(Mat W, Vec b, Vec x, Vec dResult, Mat dW, Vec dB, Vec dX) { }

                [Differentiable]
                public float Loss([NoDiff] Vec x) => Ops.Sum([|Dense(W, b, x)|]);
            }
            """, "the length of its result is not known ('Dense' has 2 Vec parameters): say which extent it is, e.g. [DerivativeOf(nameof(Dense), ResultLength = nameof(b))] on 'DensePullback'");
    }

    [Fact]
    public void SG0057_CustomLayerWhoseResultLengthNamesNoExtent()
    {
        AssertReported("SG0057", Header + """
            public sealed partial class Net : Model
            {
                private readonly Mat W = new(3, 2);
                private readonly Vec b = new(3);

                public static Vec Dense(Mat W, Vec b, Vec x) => W * x + b;

                public static void Dense(Mat W, Vec b, Vec x, Vec result) => (W * x + b).Span.CopyTo(result.Span);

                [DerivativeOf(nameof(Dense), ResultLength = "W.Depth")]
                public static void DensePullback(Mat W, Vec b, Vec x, Vec dResult, Mat dW, Vec dB, Vec dX) { }

                [Differentiable]
                public float Loss([NoDiff] Vec x) => Ops.Sum([|Dense(W, b, x)|]);
            }
            """, "ResultLength = \"W.Depth\" on 'DensePullback' is not the length of a Vec parameter of 'Dense'");
    }

    [Fact]
    public void SG0058_JvpOfAModelMethodThroughACustomLayerIsAnErrorAtTheCall()
    {
        // A pullback gives no tangent: the model method's Jvp is refused at the call, as a function's is.
        AssertReported("SG0058", Header + """
            public sealed partial class Net : Model
            {
                private readonly Vec b = new(3);

                public static Vec Swish(Vec x) => x;

                public static void Swish(Vec x, Vec result) => x.Span.CopyTo(result.Span);

                [DerivativeOf(nameof(Swish))]
                public static void SwishPullback(Vec x, Vec dResult, Vec dX) { for (int i = 0; i < x.Length; i++) dX[i] += dResult[i]; }

                [Differentiable(Jvp = true)]
                public float Loss([NoDiff] Vec x) => Ops.Sum([|Swish(x + b)|]);
            }
            """, "'Loss' asks for Jvp, but it calls 'Swish'");
    }

    [Theory]
    [InlineData("Image h = Ops.Relu(Ops.Conv2d(x.AsImage(1, 6, 6), conv)); return Ops.Sum(Ops.Flatten(Ops.MaxPool2d(h, 2)));")]
    [InlineData("Image h = Ops.Conv2d(Ops.Tanh(W * x + b).AsImage(1, 6, 6), conv); return Ops.Sum(Ops.Flatten(h));")]
    [InlineData("Image h = Ops.Conv2d(x.AsImage(1, 6, 6), conv); h = Ops.Conv2d(h, strided); return Ops.Sum(Ops.Flatten(Ops.MaxPool2d(h, 2, 1)));")]
    [InlineData("Vec h = Ops.Flatten(Ops.MaxPool2d((W * x + b).AsImage(1, 6, 6), 3, 2)); return Ops.Sum(Ops.Dropout(h, 0.5f));")]
    [InlineData("Image h = Ops.Conv2d(Ops.BatchNorm(x.AsImage(1, 6, 6), bn), conv); return Ops.Sum(Ops.Flatten(Ops.MaxPool2d(h, 2)));")]
    public void JvpOfAModelMethodWithConvolutionOrPoolingIsGenerated(string body)
    {
        // Formerly SG0055: convolution and max pooling have their tangents (Kernels.Conv2dTangent, Kernels.MaxPool2dTangent).
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class Net : Model
            {
                readonly Conv2d conv, strided;
                readonly BatchNorm bn;
                readonly Mat W;
                readonly Vec b;
                public Net()
                {
                    conv = Parameters.Conv2d(1, 2, 3, padding: 1);
                    strided = Parameters.Conv2d(2, 3, 3, stride: 2, padding: 1);
                    bn = Parameters.BatchNorm(1);
                    W = Parameters.Matrix(36, 36, Init.He(0));
                    b = Parameters.Vector(36);
                }

                [Differentiable(Jvp = true)]
                public float Loss([NoDiff] Vec x)
                {
                    BODY
                }
            }
            """.Replace("BODY", body));
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        string generated = string.Concat(run.GeneratedSources.Values);
        Assert.Contains("public float LossJvp(global::SymbolicGrad.Vec x, global::System.ReadOnlySpan<float> direction, out float tangent)", generated);
        Assert.Equal(body.Contains("Conv2d"), generated.Contains("Kernels.Conv2dTangent("));
        Assert.Equal(body.Contains("MaxPool2d"), generated.Contains("Kernels.MaxPool2dTangent("));
    }

    [Theory]
    [InlineData("for (int l = 0; l < W.Length; l++) h = l < W.Length - 1 ? Ops.Relu(W[l] * h + b[l]) : W[l] * h + b[l];")]
    [InlineData("for (int l = 0; l < W.Length; l++) h = Ops.Tanh(W[l] * h + b[l]); h = Ops.Dropout(h, 0.5f);")]
    [InlineData("h = Ops.BatchNorm(h, bn); for (int l = 0; l < W.Length; l++) h = Ops.Tanh(W[l] * h + b[l]);")]
    [InlineData("h = Ops.Dropout(h, 0.25f); for (int l = 0; l < W.Length; l++) h = Ops.Tanh(W[l] * h + b[l]); h = Ops.BatchNorm(h, bn);")]
    public void JvpOfAModelMethodThroughLayerLoopsDropoutOrBatchNormIsGenerated(string body)
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class Net : Model
            {
                readonly Mat[] W;
                readonly Vec[] b;
                readonly BatchNorm bn;
                public Net()
                {
                    W = new Mat[2];
                    b = new Vec[2];
                    for (int l = 0; l < W.Length; l++) { W[l] = Parameters.Matrix(4, 4, Init.He(l)); b[l] = Parameters.Vector(4); }
                    bn = Parameters.BatchNorm(4);
                }

                [Differentiable(Jvp = true)]
                public float Loss([NoDiff] Vec x)
                {
                    Vec h = x;
                    BODY
                    return Ops.Sum(h);
                }
            }
            """.Replace("BODY", body));
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        Assert.Contains("public float LossJvp(global::SymbolicGrad.Vec x, global::System.ReadOnlySpan<float> direction, out float tangent)", string.Concat(run.GeneratedSources.Values));
    }

    [Theory]
    [InlineData("h = Ops.Dropout(h, 0.5f);")]
    [InlineData("h = Ops.BatchNorm(h, bn);")]
    [InlineData("for (int l = 0; l < W.Length; l++) h = l < W.Length - 1 ? Ops.Relu(W[l] * h + b[l]) : W[l] * h + b[l];")]
    public void HessianOfAModelMethodWithDropoutBatchNormOrALayerLoopIsGenerated(string body)
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class Net : Model
            {
                readonly Mat[] W;
                readonly Vec[] b;
                readonly Vec c;
                readonly BatchNorm bn;
                public Net()
                {
                    W = new Mat[2];
                    b = new Vec[2];
                    for (int l = 0; l < W.Length; l++) { W[l] = Parameters.Matrix(4, 4, Init.He(l)); b[l] = Parameters.Vector(4); }
                    c = Parameters.Vector(4);
                    bn = Parameters.BatchNorm(4);
                }

                [Differentiable(Jvp = true, Hessian = true)]
                public float Loss([NoDiff] Vec x)
                {
                    Vec h = Ops.Tanh(x + c);
                    BODY
                    return Ops.Sum(h);
                }
            }
            """.Replace("BODY", body));
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        Assert.Contains("public float LossJvp(", string.Concat(run.GeneratedSources.Values));
        Assert.Contains("public float LossHvp(global::SymbolicGrad.Vec x, global::System.ReadOnlySpan<float> direction, global::System.Span<float> gradient, global::System.Span<float> hv)", string.Concat(run.GeneratedSources.Values));
    }

    [Fact]
    public void SG0055_HessianOfAModelMethodThroughACustomLayerOnTheData()
    {
        // The custom layer reads the data only, so the Jvp needs no tangent through it and is generated; the Hvp's
        // check is coarser (any op of the gradient without a pushforward), so it refuses rather than guess.
        var run = AssertReported("SG0055", Header + """
            public static class Layers
            {
                public static Vec Swish(Vec x) { var y = new Vec(x.Length); Swish(x, y); return y; }

                public static void Swish(Vec x, Vec result) => x.Span.CopyTo(result.Span);

                [DerivativeOf(nameof(Swish))]
                public static void SwishPullback(Vec x, Vec dResult, Vec dX) { for (int i = 0; i < x.Length; i++) dX[i] += dResult[i]; }
            }

            public sealed partial class Net : Model
            {
                private readonly Mat W;
                private readonly Vec b;

                public Net() { W = Parameters.Matrix(2, 3, Init.Xavier(0)); b = Parameters.Vector(2); }

                [Differentiable(Jvp = true, Hessian = true)]
                public float [|Loss|]([NoDiff] Vec x, [NoDiff] Vec y) => Ops.Mse(W * Layers.Swish(x) + b, y);
            }
            """, "'Loss' asks for Hessian, which SymbolicGrad generates for");
        Assert.EndsWith("which has no second derivative yet: remove 'Hessian = true'",
            Assert.Single(run.Diagnostics, d => d.Id == "SG0055").GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("public float LossJvp(", string.Concat(run.GeneratedSources.Values));
    }

    [Fact]
    public void HessianOfADenseModelMethodIsGenerated()
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class Net : Model
            {
                private readonly Mat W = new(3, 3);
                private readonly Vec b = new(3);

                [Differentiable(Hessian = true)]
                public float Loss([NoDiff] Vec x, [NoDiff] Vec y) => Ops.Mse(Ops.Sigmoid(W * Ops.LeakyRelu(x) + b), y);
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        Assert.Contains("public float LossHvp(global::SymbolicGrad.Vec x, global::SymbolicGrad.Vec y, global::System.ReadOnlySpan<float> direction, global::System.Span<float> gradient, global::System.Span<float> hv)",
            string.Concat(run.GeneratedSources.Values));
    }

    [Fact]
    public void HessianOfAModelMethodWithALoopOverLayersIsGenerated()
    {
        // Formerly SG0055. The loop's first vector moves with the direction (c is a weight), so every layer hands back
        // ∂L/∂(its input) and its tangent; the loss is linear in the loop's result, so the last layer's seed has no tangent.
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class Net : Model
            {
                readonly Mat[] W;
                readonly Vec[] b;
                readonly Vec c;
                public Net()
                {
                    W = new Mat[2];
                    b = new Vec[2];
                    for (int l = 0; l < W.Length; l++) { W[l] = Parameters.Matrix(4, 4, Init.He(l)); b[l] = Parameters.Vector(4); }
                    c = Parameters.Vector(4);
                }

                [Differentiable(Jvp = true, Hessian = true)]
                public float Loss([NoDiff] Vec x)
                {
                    Vec h = Ops.Tanh(x + c);
                    for (int l = 0; l < W.Length; l++) h = l < W.Length - 1 ? Ops.Relu(W[l] * h + b[l]) : W[l] * h + b[l];
                    return Ops.Sum(h);
                }
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        string generated = string.Concat(run.GeneratedSources.Values);
        Assert.Contains("public float LossHvp(global::SymbolicGrad.Vec x, global::System.ReadOnlySpan<float> direction, global::System.Span<float> gradient, global::System.Span<float> hv)", generated);
        Assert.Contains("private void LossLayerHvpBackward(", generated);
        Assert.DoesNotContain("HvpFromData", generated);
    }

    [Theory]
    [InlineData("for (int l = 0; l < W.Length; l++) h = h + Ops.Tanh(W[l] * h + b[l]);")] // residual layers
    [InlineData("for (int l = 0; l < W.Length; l++) h = Ops.Tanh(W[l] * h) * c;")] // a field every layer reads
    [InlineData("for (int l = 0; l < W.Length; l++) h = Ops.Relu(W[l] * h + b[l]); for (int k = 0; k < W.Length; k++) h = Ops.Sigmoid(W[k] * h);")] // two loops
    [InlineData("h = h * c; for (int l = 0; l < b.Length; l++) h = Ops.Tanh(h + b[l]); for (int k = 0; k < b.Length; k++) h = h + b[k];")] // layers that read no matrix
    public void HessianOfAModelMethodWithOtherLoopsOverLayersCompiles(string body)
    {
        var run = GeneratorHarness.Run(Header + """
            public sealed partial class Net : Model
            {
                readonly Mat[] W;
                readonly Vec[] b;
                readonly Vec c;
                public Net()
                {
                    W = new Mat[2];
                    b = new Vec[2];
                    for (int l = 0; l < W.Length; l++) { W[l] = Parameters.Matrix(4, 4, Init.He(l)); b[l] = Parameters.Vector(4); }
                    c = Parameters.Vector(4);
                }

                [Differentiable(Jvp = true, Hessian = true)]
                public float Loss([NoDiff] Vec x, [NoDiff] Vec y)
                {
                    Vec h = x;
                    BODY
                    return Ops.Mse(h, y);
                }
            }
            """.Replace("BODY", body));
        Assert.Null(run.GeneratorException);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.OutputErrors);
        Assert.Contains("public float LossHvp(", string.Concat(run.GeneratedSources.Values));
    }

    [Theory]
    [InlineData("direction")]
    [InlineData("gradient")]
    [InlineData("hv")]
    public void SG0017_ModelMethodParameterNamedLikeAParameterOfItsHvp(string name)
    {
        var marked = MarkedSource.Parse(Header + """
            public sealed partial class Net : Model
            {
                private readonly Vec b = new(3);

                [Differentiable(Hessian = true)]
                public float Loss([|[NoDiff] Vec NAME|]) => Ops.Sum(Ops.Square(NAME + b));
            }
            """.Replace("NAME", name));
        var run = GeneratorHarness.Run(marked.Text);
        Assert.Null(run.GeneratorException);
        var hit = Assert.Single(run.Diagnostics, d => d.Id == "SG0017");
        Assert.Equal(marked.Span, hit.Location.SourceSpan);
        Assert.Contains($"cannot generate 'a parameter of LossHvp ({name})'", hit.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(run.OutputErrors);
        Assert.DoesNotContain(run.GeneratedSources.Keys, k => k.EndsWith(".Derivatives.g.cs"));
    }

    [Fact]
    public void SG0017_ModelMethodParameterNamedDirection()
    {
        // Reported by the generator's check of the derived forms (the declaration analyzer knows nothing of Jvp).
        var marked = MarkedSource.Parse(Header + """
            public sealed partial class Net : Model
            {
                private readonly Vec b = new(3);

                [Differentiable(Jvp = true)]
                public float Loss([|[NoDiff] Vec direction|]) => Ops.Sum(Ops.Square(direction + b));
            }
            """);
        var run = GeneratorHarness.Run(marked.Text);
        Assert.Null(run.GeneratorException);
        var hit = Assert.Single(run.Diagnostics, d => d.Id == "SG0017");
        Assert.Equal(marked.Span, hit.Location.SourceSpan);
        Assert.Contains("cannot generate 'a parameter of LossJvp (direction)'", hit.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(run.OutputErrors);
        Assert.DoesNotContain(run.GeneratedSources.Keys, k => k.EndsWith(".Derivatives.g.cs"));
    }

    [Fact]
    public void SG0058_JvpThroughACustomLayerIsAnErrorAtTheCall()
    {
        AssertReported("SG0058", Header + """
            public static class Layers
            {
                public static Vec Swish(Vec x) => x;

                public static void Swish(Vec x, Vec result) => x.Span.CopyTo(result.Span);

                [DerivativeOf(nameof(Swish))]
                public static void SwishPullback(Vec x, Vec dResult, Vec dX) { for (int i = 0; i < x.Length; i++) dX[i] += dResult[i]; }
            }

            public static partial class C
            {
                [Differentiable(Jvp = true)]
                public static float F(Vec x, [NoDiff] Vec y) => Ops.Sum(Layers.Swish(y)) + Ops.Sum([|Layers.Swish(x * 2f)|]);
            }
            """, "'F' asks for Jvp, but it calls 'Swish', whose derivative is the pullback rule 'SwishPullback': a pullback rule gives no forward derivative");
    }

    [Fact]
    public void SG0056_CallThroughARuleWhoseSignatureDoesNotFit()
    {
        var run = AssertReported("SG0056", Header + """
            public static partial class C
            {
                public static double Cube(double x) => x * x * x;

                [DerivativeOf(nameof(Cube))]
                public static double CubeRule(double x, out float dX) { dX = (float)(3 * x * x); return Cube(x); }

                [Differentiable]
                public static double F(double x) => [|Cube(x)|] + x;
            }
            """, "'Cube(x)' cannot use the derivative rule 'CubeRule': its signature is not the one a rule of 'Cube' needs; declare it as 'static double CubeRule(double x, out double dX)' (SG0050)");
        Assert.Contains(run.AnalyzerDiagnostics, d => d.Id == "SG0050");
    }

    [Fact]
    public void SG0056_NotReportedWhenTheFunctionOfARuleThatDoesNotFitIsDifferentiable()
    {
        // The body is inlined as it would be without the rule; the rule itself is SG0050.
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                [Differentiable]
                public static double Cube(double x) => x * x * x;

                [DerivativeOf(nameof(Cube))]
                public static double CubeRule(double x, out float dX) { dX = (float)(3 * x * x); return Cube(x); }

                [Differentiable]
                public static double F(double x) => Cube(x) + x;
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal("SG0050", Assert.Single(run.AnalyzerDiagnostics).Id);
        Assert.Empty(run.OutputErrors);
        var f = run.Source(FileOfF);
        Assert.DoesNotContain("CubeRule", f);
        Assert.Contains("public static double FGradient(double x, out double dX)", f);
    }

    // ---- Coverage and isolation ----

    [Fact]
    public void EveryCatalogueDiagnosticHasATest()
    {
        var ids = typeof(Diagnostics.DiagnosticCatalogue)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .Where(id => id != "SG9999")
            .ToList();
        Assert.True(ids.Count >= 20, $"Only {ids.Count} descriptors found");
        var tested = typeof(DiagnosticTests).GetMethods()
            .Where(m => m.IsDefined(typeof(FactAttribute), inherit: true) && m.Name.StartsWith("SG", StringComparison.Ordinal))
            .Select(m => m.Name[..6])
            .ToHashSet();
        Assert.Empty(ids.Except(tested));
    }

    [Fact]
    public void MethodWithErrorGetsNoFileButValidSiblingDoes()
    {
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    try { return x * x; }
                    catch (Exception) { return 0.0; }
                }

                [Differentiable]
                public static double Good(double x) => Math.Sin(x) * x;
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.Contains(run.Diagnostics, d => d.Id == "SG0005");
        Assert.Empty(run.OutputErrors);
        Assert.DoesNotContain(FileOfF, run.GeneratedSources.Keys);
        Assert.Contains("Diag.C.Good.g.cs", run.GeneratedSources.Keys);
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        GeneratedGradientCheck.AssertMatches(assembly, "Diag.C", "Good", 0.8);
    }

    [Fact]
    public void ErrorsInSeveralMethodsAreAllReportedInOneRun()
    {
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                static double Helper(double t) => t;

                [Differentiable]
                public static double F(double x) => Helper(x);

                [Differentiable]
                public static double G(double x)
                {
                    Console.WriteLine(x);
                    return x;
                }

                [Differentiable]
                public static double H(double x) => x * x * x;
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.Contains(run.Diagnostics, d => d.Id == "SG0010");
        Assert.Contains(run.Diagnostics, d => d.Id == "SG0012");
        Assert.Empty(run.OutputErrors);
        Assert.Equal(["Diag.C.H.g.cs"], run.GeneratedSources.Keys);
    }

    /// <summary>
    /// Runs the generator over <paramref name="markedSource"/> and asserts: no generator exception; a diagnostic
    /// <paramref name="id"/> exactly at the marked span of Source0.cs whose message contains
    /// <paramref name="messageContains"/>; the output compiles; for an error, no file for Diag.C.F, for a warning, one.
    /// </summary>
    /// <summary>
    /// The generator and the analyzer report disjoint ids (the generator skips a badly declared method silently), and
    /// no diagnostic is reported twice.
    /// </summary>
    private static void AssertReportedOnce(GeneratorRun run)
    {
        var declarationIds = GeneratorHarness.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => declarationIds.Contains(d.Id));
        Assert.All(run.AnalyzerDiagnostics, d => Assert.Contains(d.Id, declarationIds));
        var twice = run.Diagnostics.GroupBy(d => (d.Id, d.Location.SourceSpan, Message: d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)))
            .Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, "Reported more than once: " + string.Join("; ", twice));
    }

    /// <summary>
    /// <see cref="AssertReported"/> for a diagnostic that SymbolicGrad.Analyzers reports and the generator does not: the
    /// analyzer's, at the marked span, with exactly <paramref name="message"/>.
    /// </summary>
    private static GeneratorRun AssertReportedByAnalyzer(string id, string markedSource, string message)
    {
        var run = AssertReported(id, markedSource);
        var span = MarkedSource.Parse(markedSource).Span;
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == id);
        var hit = Assert.Single(run.AnalyzerDiagnostics, d => d.Id == id && d.Location.SourceSpan == span && d.Location.GetLineSpan().Path == "Source0.cs");
        Assert.Equal(message, hit.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        return run;
    }

    private static GeneratorRun AssertReported(string id, string markedSource, string messageContains = "")
    {
        var marked = MarkedSource.Parse(markedSource);
        var run = GeneratorHarness.Run(marked.Text);
        if (run.GeneratorException is not null)
            throw new Xunit.Sdk.XunitException("Generator threw: " + run.GeneratorException);

        var withId = run.Diagnostics.Where(d => d.Id == id).ToList();
        var hit = withId.FirstOrDefault(d =>
            d.Location.SourceSpan == marked.Span && d.Location.GetLineSpan().Path == "Source0.cs");
        if (hit is null)
            throw new Xunit.Sdk.XunitException(
                $"Expected {id} at {marked.Span} '{marked.MarkedText}'. Reported:{Environment.NewLine}" +
                string.Join(Environment.NewLine, run.Diagnostics.Select(d => Show(d, marked.Text))));
        AssertReportedOnce(run);
        Assert.Contains(messageContains, hit.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Empty(run.OutputErrors);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "SG9999");
        if (hit.Severity == DiagnosticSeverity.Error)
            Assert.DoesNotContain(FileOfF, run.GeneratedSources.Keys);
        else
            Assert.Contains(FileOfF, run.GeneratedSources.Keys);
        return run;
    }

    /// <summary>The message of the one diagnostic <paramref name="id"/> of the run.</summary>
    private static string Message(GeneratorRun run, string id) =>
        run.Diagnostics.Single(d => d.Id == id).GetMessage(System.Globalization.CultureInfo.InvariantCulture);

    private static string Show(Diagnostic d, string text)
    {
        var span = d.Location.SourceSpan;
        var excerpt = span.End <= text.Length ? text.Substring(span.Start, span.Length) : "?";
        return $"  {d.Id} {d.Severity} at {span} '{excerpt}' ({d.Location.GetLineSpan().Path}): {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
