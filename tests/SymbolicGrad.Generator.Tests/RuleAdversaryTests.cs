using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// [DerivativeOf] rules where a demanding user puts them: in generic types (called as G&lt;int&gt;.F, or from inside
/// G&lt;T&gt;), in nested types, beside overloads of their function. The generated code must compile and use the rule.
/// </summary>
public sealed class RuleAdversaryTests
{
    [Fact]
    public void A_rule_in_a_generic_type_is_called_with_the_type_arguments_of_the_call()
    {
        // The rule's derivative is 10·cos x, not sin's cos x, so a gradient that used sin's body would show.
        using var assembly = LoadedAssembly.Emit(GeneratorHarness.Run("""
            using System;
            using SymbolicGrad;

            namespace Adversary;

            public static partial class G<T>
            {
                public static double F(double x) => Math.Sin(x);

                [DerivativeOf(nameof(F))]
                public static double FRule(double x, out double dX) { dX = 10 * Math.Cos(x); return Math.Sin(x); }

                public static partial class Nested
                {
                    public static double Twice(double x) => 2 * x;

                    [DerivativeOf(nameof(Twice))]
                    public static double TwiceRule(double x, out double dX) { dX = 20; return 2 * x; }
                }

                // A caller inside the generic type: its T is the type's own.
                [Differentiable(Jvp = true)]
                public static double Inside(double x) => F(x) * 3 + Nested.Twice(x);
            }

            public static partial class Caller
            {
                [Differentiable(Jvp = true)]
                public static double Outside(double x) => G<int>.F(x) + G<string>.Nested.Twice(x);

                public static double[] All(double x)
                {
                    double v = OutsideGradient(x, out double d);
                    double w = G<long>.InsideGradient(x, out double e);
                    OutsideJvp(x, 2, out double t);
                    G<long>.InsideJvp(x, 2, out double u);
                    return new[] { v, d, w, e, t, u };
                }
            }
            """).AssertClean().OutputCompilation);
        var all = (double[])assembly.Type("Adversary.Caller").GetMethod("All")!.Invoke(null, [0.5])!;
        double cos = 10 * Math.Cos(0.5);
        Assert.Equal([Math.Sin(0.5) + 1, cos + 20, Math.Sin(0.5) * 3 + 1, cos * 3 + 20, 2 * (cos + 20), 2 * (cos * 3 + 20)], all);
    }

    [Fact]
    public void A_function_and_a_rule_named_with_keywords_are_called_escaped()
    {
        // Before, the generated code called 'global::Adversary.P.if(x)' and did not compile (CS1001).
        using var assembly = LoadedAssembly.Emit(GeneratorHarness.Run("""
            using System;
            using SymbolicGrad;

            namespace Adversary;

            public static partial class P
            {
                public static double @if(double @double, [NoDiff] double[] @in) => Math.Exp(@double) * @in[0];

                [DerivativeOf(nameof(@if))]
                public static double @else(double @double, double[] @in, out double dDouble) { dDouble = 3 * Math.Exp(@double) * @in[0]; return @if(@double, @in); }

                [Differentiable(Jvp = true)]
                public static double @switch(double @double, [NoDiff] double[] @in) => @if(@double * @double, @in);

                public static double[] All(double x)
                {
                    var data = new[] { 2.0 };
                    double v = switchGradient(x, data, out double d);
                    switchJvp(x, data, 0.5, out double t);
                    return new[] { v, d, t };
                }
            }
            """).AssertClean().OutputCompilation);
        var all = (double[])assembly.Type("Adversary.P").GetMethod("All")!.Invoke(null, [0.5])!;
        // d/dx of if(x²) by the rule: 3·e^(x²)·2 · 2x.
        double e = Math.Exp(0.25);
        Assert.Equal([e * 2, 3 * e * 2 * 2 * 0.5, 0.5 * (3 * e * 2 * 2 * 0.5)], all);
    }
}
