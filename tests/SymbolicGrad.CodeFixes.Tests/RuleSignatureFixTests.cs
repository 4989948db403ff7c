using SymbolicGrad.Analyzers;
using SymbolicGrad.CodeFixes.Tests.Infrastructure;

namespace SymbolicGrad.CodeFixes.Tests;

/// <summary>
/// SG0050's fix: the rule gets the signature its function needs (the one the message spells out), its body stays. Every
/// test also checks fix-all in the document.
/// </summary>
public sealed class RuleSignatureFixTests
{
    private static Task Fix(string before, string after) => Verify<DerivativeRuleAnalyzer, RuleSignatureCodeFix>.FixAsync(before, after);

    [Fact]
    public Task WrongOutTypeAndWrongReturnType() => Fix("""
        using SymbolicGrad;

        public static class C
        {
            public static double Square(double x, [NoDiff] double scale) => scale * x * x;

            [DerivativeOf(nameof(Square))]
            public static double {|SG0050:SquareRule|}(double x, double scale, out float dX)
            {
                dX = (float)(2 * scale * x);
                return scale * x * x;
            }

            public static double Cube(double x) => x * x * x;

            [DerivativeOf(nameof(Cube))]
            public static float {|SG0050:CubeRule|}(double x, out double dX) { dX = 3 * x * x; return (float)Cube(x); }
        }
        """, """
        using SymbolicGrad;

        public static class C
        {
            public static double Square(double x, [NoDiff] double scale) => scale * x * x;

            [DerivativeOf(nameof(Square))]
            public static double SquareRule(double x, double scale, out double dX)
            {
                dX = (float)(2 * scale * x);
                return scale * x * x;
            }

            public static double Cube(double x) => x * x * x;

            [DerivativeOf(nameof(Cube))]
            public static double CubeRule(double x, out double dX) { dX = 3 * x * x; return (float)Cube(x); }
        }
        """);

    [Fact]
    public Task MissingOutIsAddedForTheBodyToAssign() => Fix("""
        using SymbolicGrad;

        public static class C
        {
            public static float Product(float x, float y, int n) => x * y * n;

            [DerivativeOf(nameof(Product))]
            public static float {|SG0050:ProductRule|}(float x, float y, int n, out float dX)
            {
                dX = y * n;
                return x * y * n;
            }
        }
        """, """
        using SymbolicGrad;

        public static class C
        {
            public static float Product(float x, float y, int n) => x * y * n;

            [DerivativeOf(nameof(Product))]
            public static float ProductRule(float x, float y, int n, out float dX, out float dY)
            {
                dX = y * n;
                {|CS0177:return x * y * n;|}
            }
        }
        """);

    [Fact]
    public Task ExtraParameterIsRemoved() => Fix("""
        using SymbolicGrad;

        public static class C
        {
            public static double Power(double x, int n) => System.Math.Pow(x, n);

            [DerivativeOf(nameof(Power))]
            public static double {|SG0050:PowerRule|}(double x, int n, double unused, out double dX) { dX = n * System.Math.Pow(x, n - 1); return Power(x, n); }
        }
        """, """
        using SymbolicGrad;

        public static class C
        {
            public static double Power(double x, int n) => System.Math.Pow(x, n);

            [DerivativeOf(nameof(Power))]
            public static double PowerRule(double x, int n, out double dX) { dX = n * System.Math.Pow(x, n - 1); return Power(x, n); }
        }
        """);

    [Fact]
    public Task InstanceGenericRuleBecomesStaticAndNonGeneric() => Fix("""
        using SymbolicGrad;

        public class C
        {
            public static double Cube(double x) => x * x * x;

            [DerivativeOf(nameof(Cube))]
            public double {|SG0050:CubeRule|}<T>(double x, out double dX) where T : struct { dX = 3 * x * x; return Cube(x); }

            [DerivativeOf(nameof(Cube))]
            double {|SG0050:PrivateRule|}(double x, out double dX) { dX = 3 * x * x; return Cube(x); }
        }
        """, """
        using SymbolicGrad;

        public class C
        {
            public static double Cube(double x) => x * x * x;

            [DerivativeOf(nameof(Cube))]
            public static double CubeRule(double x, out double dX) { dX = 3 * x * x; return Cube(x); }

            [DerivativeOf(nameof(Cube))]
            static double {|SG0051:PrivateRule|}(double x, out double dX) { dX = 3 * x * x; return Cube(x); }
        }
        """);

    [Fact]
    public Task VecFunctionGetsThePullbackForm() => Fix("""
        using SymbolicGrad;

        namespace Layers;

        public static class Custom
        {
            public static Vec Scale(Vec x, Mat w, [NoDiff] Vec bias) => w * x + bias;

            [DerivativeOf(nameof(Scale))]
            public static void {|SG0050:ScaleRule|}(Vec x, Mat w, Vec bias, Vec dY, Vec dX)
            {
                // Jᵀ·dY into dX only: the weights' part is missing.
            }
        }
        """, """
        using SymbolicGrad;

        namespace Layers;

        public static class Custom
        {
            public static Vec Scale(Vec x, Mat w, [NoDiff] Vec bias) => w * x + bias;

            [DerivativeOf(nameof(Scale))]
            public static void ScaleRule(Vec x, Mat w, Vec bias, Vec dResult, Vec dX, Mat dW)
            {
                // Jᵀ·dY into dX only: the weights' part is missing.
            }
        }
        """);

    [Fact]
    public Task ArrayParametersGetSpansAndTheirUsing() => Fix("""
        using SymbolicGrad;

        public static class C
        {
            public static double Dot(double[] w, double x) => w[0] * x;

            [DerivativeOf(nameof(Dot))]
            public static double {|SG0050:DotRule|}(double[] w, double x, out double dX) { dX = w[0]; return Dot(w, x); }
        }
        """, """
        using System;
        using SymbolicGrad;

        public static class C
        {
            public static double Dot(double[] w, double x) => w[0] * x;

            [DerivativeOf(nameof(Dot))]
            public static double DotRule(double[] w, double x, Span<double> dW, out double dX) { dX = w[0]; return Dot(w, x); }
        }
        """);

    [Fact]
    public Task RuleOfAFunctionInAnotherTypeWithFullyQualifiedTypes() => Fix("""
        namespace Lib
        {
            public static class Functions
            {
                public static float Clip(float x, System.ReadOnlySpan<float> limits) => System.Math.Min(x, limits[0]);
            }
        }

        namespace App
        {
            public static class Rules
            {
                [SymbolicGrad.DerivativeOf(typeof(Lib.Functions), nameof(Lib.Functions.Clip))]
                public static float {|SG0050:ClipRule|}(float x, out float dX) { dX = 1f; return x; }
            }
        }
        """, """
        using System;

        namespace Lib
        {
            public static class Functions
            {
                public static float Clip(float x, System.ReadOnlySpan<float> limits) => System.Math.Min(x, limits[0]);
            }
        }

        namespace App
        {
            public static class Rules
            {
                [SymbolicGrad.DerivativeOf(typeof(Lib.Functions), nameof(Lib.Functions.Clip))]
                public static float ClipRule(float x, ReadOnlySpan<float> limits, out float dX, Span<float> dLimits) { dX = 1f; return x; }
            }
        }
        """);

    [Fact]
    public Task KeywordAndNonLatinNames() => Fix("""
        using SymbolicGrad;

        public static class C
        {
            public static double Wave(double @in, double φ) => @in * φ;

            [DerivativeOf(nameof(Wave))]
            public static double {|SG0050:WaveRule|}(double @in, double φ, out double dIn) { dIn = φ; return @in * φ; }
        }
        """, """
        using SymbolicGrad;

        public static class C
        {
            public static double Wave(double @in, double φ) => @in * φ;

            [DerivativeOf(nameof(Wave))]
            public static double WaveRule(double @in, double φ, out double dIn, out double dΦ) { dIn = φ; {|CS0177:return @in * φ;|} }
        }
        """);

    [Fact]
    public Task NoFixWhenNoRuleSignatureFits() =>
        // The function is an instance method: the message asks to make it static, there is no signature to write.
        Verify<DerivativeRuleAnalyzer, RuleSignatureCodeFix>.FixAsync("""
            using SymbolicGrad;

            public class C
            {
                public double Offset(double x) => x + 1;

                [DerivativeOf(nameof(Offset))]
                public static double {|SG0050:OffsetRule|}(double x, out double dX) { dX = 1; return x + 1; }
            }
            """, """
            using SymbolicGrad;

            public class C
            {
                public double Offset(double x) => x + 1;

                [DerivativeOf(nameof(Offset))]
                public static double {|SG0050:OffsetRule|}(double x, out double dX) { dX = 1; return x + 1; }
            }
            """);
}
