using SymbolicGrad.CodeFixes.Tests.Infrastructure;

namespace SymbolicGrad.CodeFixes.Tests;

/// <summary>The fixes of diagnostics the generator reports while it lowers a method: SG0004, SG0010, SG0100, SG0101.</summary>
public sealed class BodyFixTests
{
    [Fact]
    public Task SG0004_RemovesRefAndInFromParametersAndArguments() =>
        Verify<GeneratorDiagnosticsAnalyzer, RemoveByRefModifierCodeFix>.FixAsync("""
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F({|SG0004:ref|} double x, {|SG0004:in|} double y) => x * y;

                public static double Use()
                {
                    double a = 1.0, b = 2.0;
                    return F(ref a, in b) + F(ref a, b);
                }
            }
            """, """
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x, double y) => x * y;

                public static double Use()
                {
                    double a = 1.0, b = 2.0;
                    return F(a, b) + F(a, b);
                }
            }
            """);

    [Fact]
    public Task SG0004_RefReadonly() =>
        Verify<GeneratorDiagnosticsAnalyzer, RemoveByRefModifierCodeFix>.FixAsync("""
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F({|SG0004:ref|} readonly double x) => x * x;
            }
            """, """
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => x * x;
            }
            """);

    [Fact]
    public Task SG0010_MarksTheCalleeDifferentiable() =>
        Verify<GeneratorDiagnosticsAnalyzer, MarkCalleeDifferentiableCodeFix>.FixAsync("""
            using SymbolicGrad;

            public static partial class C
            {
                /// <summary>The square.</summary>
                static double Sq(double v) => v * v;

                public static double Cube(double v)
                {
                    return v * v * v;
                }

                [Differentiable]
                public static double F(double x) => {|SG0010:Sq(x)|} + {|SG0010:Cube(x)|} + {|SG0010:Sq(2.0 * x)|};
            }
            """, """
            using SymbolicGrad;

            public static partial class C
            {
                /// <summary>The square.</summary>
                [Differentiable]
                static double Sq(double v) => v * v;

                [Differentiable]
                public static double Cube(double v)
                {
                    return v * v * v;
                }

                [Differentiable]
                public static double F(double x) => Sq(x) + Cube(x) + Sq(2.0 * x);
            }
            """);

    [Fact]
    public Task SG0010_MarksACalleeInAnotherFileAndAddsTheUsing() =>
        Verify<GeneratorDiagnosticsAnalyzer, MarkCalleeDifferentiableCodeFix>.FixAsync("""
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => {|SG0010:Helpers.Sq(x)|};
            }
            """, """
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => Helpers.Sq(x);
            }
            """,
            otherFiles: [("/0/Test1.cs", """
                namespace Lib
                {
                }

                public static class Helpers
                {
                    public static double Sq(double v) => v * v;
                }
                """)],
            otherFilesAfter: [("/0/Test1.cs", """
                using SymbolicGrad;

                namespace Lib
                {
                }

                public static class Helpers
                {
                    [Differentiable]
                    public static double Sq(double v) => v * v;
                }
                """)]);

    [Fact]
    public Task SG0101_MarksTheParameterNoDiff() =>
        Verify<GeneratorDiagnosticsAnalyzer, AddNoDiffCodeFix>.FixAsync("""
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x, {|SG0101:double y|}, {|SG0101:float z|}) => x * x;
            }
            """, """
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x, [NoDiff] double y, [NoDiff] float z) => x * x;
            }
            """);

    [Fact]
    public Task SG0100_MarksTheInputNoDiff() =>
        Verify<GeneratorDiagnosticsAnalyzer, ZeroDerivativeCodeFix>.FixAsync("""
            using System;
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x, double y) => {|SG0100:Math.Floor(x)|} * y + {|SG0100:Math.Round(x)|};
            }
            """, """
            using System;
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F([NoDiff] double x, double y) => Math.Floor(x) * y + Math.Round(x);
            }
            """, equivalenceKey: "ZeroDerivativeCodeFix.NoDiff");

    [Fact]
    public Task SG0100_KeepsTheCallAndSilencesTheWarningAroundItsStatement() =>
        Verify<GeneratorDiagnosticsAnalyzer, ZeroDerivativeCodeFix>.FixAsync("""
            using System;
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x, double y)
                {
                    double cell = {|SG0100:Math.Floor(x)|} + {|SG0100:Math.Floor(y)|};
                    return cell * x * y;
                }

                [Differentiable]
                public static double G(double x) => {|SG0100:Math.Sign(x)|} * x;
            }
            """, """
            using System;
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x, double y)
                {
                    #pragma warning disable SG0100
                    double cell = Math.Floor(x) + Math.Floor(y);
                    #pragma warning restore SG0100
                    return cell * x * y;
                }

                #pragma warning disable SG0100
                [Differentiable]
                public static double G(double x) => Math.Sign(x) * x;
                #pragma warning restore SG0100
            }
            """, equivalenceKey: "ZeroDerivativeCodeFix.Keep");
}
