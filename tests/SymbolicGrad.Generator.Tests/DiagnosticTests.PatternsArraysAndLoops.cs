using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>The diagnostics of switch expressions, patterns, tuples and matrix elements (SG0030–SG0034), of arrays and loops (SG0040–SG0043), and what a reversed loop tapes (SG0104). (A part of <see cref="DiagnosticTests"/>.)</summary>
public sealed partial class DiagnosticTests
{
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

    // ---- More of SG0040–SG0042, and SG0104: what the backward pass of a loop tapes ----

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
}
