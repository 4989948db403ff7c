using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using SymbolicGrad.Analyzers;
using SymbolicGrad.CodeFixes.Tests.Infrastructure;

namespace SymbolicGrad.CodeFixes.Tests;

/// <summary>The declaration rules of [DerivativeOf] methods, as the analyzer reports them: id, exact span and message.</summary>
public sealed class DerivativeRuleAnalyzerTests
{
    private static DiagnosticResult Expect(string id, int location, string message) =>
        new DiagnosticResult(id, id == "SG0053" ? DiagnosticSeverity.Info : DiagnosticSeverity.Error).WithLocation(location).WithMessage(message);

    private static Task Verify(string source, params DiagnosticResult[] expected) =>
        Verify<DerivativeRuleAnalyzer, RuleSignatureCodeFix>.DiagnosticsAsync(source, expected);

    [Fact]
    public Task SG0050_ScalarRuleSpellsOutTheExpectedSignature() => Verify("""
        using SymbolicGrad;

        public static class C
        {
            public static double Square(double x, [NoDiff] double scale, int n, bool flag) => flag ? scale * x * x * n : x;

            [DerivativeOf(nameof(Square))]
            public static double {|#0:SquareRule|}(double x, double scale, int n, bool flag, out float dX)
            {
                dX = (float)(2 * scale * x * n);
                return Square(x, scale, n, flag);
            }
        }
        """, Expect("SG0050", 0,
            "'SquareRule' does not have the signature of a derivative rule of 'C.Square': declare it as 'static double SquareRule(double x, double scale, int n, bool flag, out double dX)'"));

    [Fact]
    public Task SG0050_ArrayParametersGetSpans() => Verify("""
        using System;
        using SymbolicGrad;

        public static class C
        {
            public static float Dot(float[] w, ReadOnlySpan<float> v, float b) => w[0] * v[0] + b;

            [DerivativeOf(nameof(Dot))]
            public static float {|#0:DotRule|}(float[] w, ReadOnlySpan<float> v, float b, out float dB) { dB = 1; return Dot(w, v, b); }
        }
        """, Expect("SG0050", 0,
            "'DotRule' does not have the signature of a derivative rule of 'C.Dot': declare it as 'static float DotRule(float[] w, ReadOnlySpan<float> v, float b, Span<float> dW, Span<float> dV, out float dB)'"));

    [Fact]
    public Task SG0050_VecFunctionsRuleIsAPullback() => Verify("""
        using SymbolicGrad;

        public static class C
        {
            public static Vec Scale(Vec x, Mat w, [NoDiff] Vec bias) => w * x + bias;

            [DerivativeOf(nameof(Scale))]
            public static Vec {|#0:ScaleRule|}(Vec x, Mat w, Vec bias, out Vec dX) { dX = x; return x; }
        }
        """, Expect("SG0050", 0,
            "'ScaleRule' does not have the signature of a derivative rule of 'C.Scale': declare it as 'static void ScaleRule(Vec x, Mat w, Vec bias, Vec dResult, Vec dX, Mat dW)'"));

    [Fact]
    public Task SG0050_InstanceRuleOrFunction() => Verify("""
        using SymbolicGrad;

        public class C
        {
            public static double Cube(double x) => x * x * x;

            public double Offset(double x) => x + 1;

            [DerivativeOf(nameof(Cube))]
            public double {|#0:CubeRule|}(double x, out double dX) { dX = 3 * x * x; return Cube(x); }

            [DerivativeOf(nameof(Offset))]
            public static double {|#1:OffsetRule|}(double x, out double dX) { dX = 1; return x + 1; }
        }
        """,
        Expect("SG0050", 0, "'CubeRule' does not have the signature of a derivative rule of 'C.Cube': declare it as 'static double CubeRule(double x, out double dX)'"),
        Expect("SG0050", 1, "'OffsetRule' does not have the signature of a derivative rule of 'C.Offset': declare it as 'a rule of a static function (make 'Offset' static): static double OffsetRule(double x, out double dX)'"));

    [Fact]
    public Task SG0051_SecondRuleInAnotherTypeNamesTheFirst() => Verify("""
        using SymbolicGrad;

        public static class C
        {
            public static double Cube(double x) => x * x * x;

            [DerivativeOf(nameof(Cube))]
            public static double CubeRule(double x, out double dX) { dX = 3 * x * x; return Cube(x); }
        }

        public static class D
        {
            [DerivativeOf(typeof(C), nameof(C.Cube))]
            public static double {|#0:CubeAgain|}(double x, out double dX) { dX = 3 * x * x; return C.Cube(x); }
        }
        """, Expect("SG0051", 0,
            "'CubeAgain' is a second derivative rule of 'C.Cube' ('C.CubeRule' is the first): a function has one rule; remove one"));

    [Fact]
    public Task SG0052_AtTheArgumentThatNamesTheFunction() => Verify("""
        using SymbolicGrad;

        namespace N;

        public static class Other
        {
            public static double Cube(double x) => x * x * x;
        }

        public static class C
        {
            [DerivativeOf(typeof(Other), {|#0:"Cuber"|})]
            public static double CubeRule(double x, out double dX) { dX = 3 * x * x; return Other.Cube(x); }
        }
        """, Expect("SG0052", 0,
            "[DerivativeOf] on 'CubeRule' names 'Cuber', but 'N.Other' has no method 'Cuber': name a static method of that type, with nameof"));

    [Fact]
    public Task SG0053_RuleOfADifferentiableFunction() => Verify("""
        using System;
        using SymbolicGrad;

        public static partial class C
        {
            [Differentiable]
            public static double F(double x) => Math.Sqrt(x);

            [DerivativeOf(nameof(F))]
            public static double {|#0:StableSqrt|}(double x, out double dX) { double r = Math.Sqrt(x); dX = x == 0 ? 0 : 0.5 / r; return r; }
        }
        """, Expect("SG0053", 0,
            "'C.F' is [Differentiable] and has the derivative rule 'StableSqrt': methods that call 'C.F' use the rule, not the derivative of its body"));

    [Fact]
    public Task FittingRulesDrawNothing() => Verify("""
        using System;
        using SymbolicGrad;

        public static class C
        {
            public static double Cube(double x) => x * x * x;

            public static double Cube(double x, double y) => x * x * y;

            [DerivativeOf(nameof(Cube))]
            public static double CubeRule(double x, double y, out double dX, out double dY) { dX = 2 * x * y; dY = x * x; return Cube(x, y); }

            public static double Sum(double[] w, [NoDiff] double[] data) => w[0] + data[0];

            [DerivativeOf(nameof(Sum))]
            public static double SumRule(double[] w, double[] data, Span<double> dW) { dW[0] += 1; return Sum(w, data); }

            public static Vec Scale(Vec x, Mat w) => w * x;

            [DerivativeOf(nameof(Scale))]
            public static void ScaleRule(Vec x, Mat w, Vec dResult, Vec dX, Mat dW) { }

            public static double NotARule(double x, out double dX) { dX = 1; return x; }
        }
        """);
}
