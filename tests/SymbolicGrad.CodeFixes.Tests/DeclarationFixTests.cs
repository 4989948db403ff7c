using SymbolicGrad.Analyzers;
using SymbolicGrad.CodeFixes.Tests.Infrastructure;

namespace SymbolicGrad.CodeFixes.Tests;

/// <summary>The fixes of the declaration rules the analyzer reports: SG0001, SG0017, SG0020.</summary>
public sealed class DeclarationFixTests
{
    [Fact]
    public Task SG0001_MakesTheTypeChainPartial() =>
        Verify<DeclarationAnalyzer, MakeTypePartialCodeFix>.FixAsync("""
            using System;
            using SymbolicGrad;

            public class {|SG0001:Outer|}
            {
                [Serializable]
                internal static class {|SG0001:C|}
                {
                    [Differentiable]
                    public static double F(double x) => x * x;
                }
            }
            """, """
            using System;
            using SymbolicGrad;

            public partial class Outer
            {
                [Serializable]
                internal static partial class C
                {
                    [Differentiable]
                    public static double F(double x) => x * x;
                }
            }
            """);

    [Fact]
    public Task SG0001_TypeWithoutModifiersAndARecord() =>
        Verify<DeclarationAnalyzer, MakeTypePartialCodeFix>.FixAsync("""
            using SymbolicGrad;

            class {|SG0001:A|}
            {
                [Differentiable]
                public static double F(double x) => x * x;
            }

            sealed record {|SG0001:R|}(int N)
            {
                [Differentiable]
                public static double G(double x) => x + x;
            }
            """, """
            using SymbolicGrad;

            partial class A
            {
                [Differentiable]
                public static double F(double x) => x * x;
            }

            sealed partial record R(int N)
            {
                [Differentiable]
                public static double G(double x) => x + x;
            }
            """);

    [Fact]
    public Task SG0020_RemovesTheFileModifier() =>
        Verify<DeclarationAnalyzer, RemoveFileModifierCodeFix>.FixAsync("""
            using SymbolicGrad;

            file static partial class {|SG0020:Local|}
            {
                [Differentiable]
                public static double F(double x) => x * x;
            }

            file partial class {|SG0020:Other|}
            {
                [Differentiable]
                public static double G(double x) => x * x;
            }
            """, """
            using SymbolicGrad;

            static partial class Local
            {
                [Differentiable]
                public static double F(double x) => x * x;
            }

            partial class Other
            {
                [Differentiable]
                public static double G(double x) => x * x;
            }
            """);

    [Fact]
    public Task SG0017_RenamesTheMemberThatTakesTheGradientName() =>
        Verify<DeclarationAnalyzer, RenameTakenNameCodeFix>.FixAsync("""
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => x * x;

                public static double {|SG0017:FGradient|}(double x) => x;

                public static double FGradient2 => 0.0;

                public static double Use(double x) => FGradient(x) + FGradient2;
            }
            """, """
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => x * x;

                public static double FGradient3(double x) => x;

                public static double FGradient2 => 0.0;

                public static double Use(double x) => FGradient3(x) + FGradient2;
            }
            """, fixAll: false);

    [Fact]
    public Task SG0017_RenamesTheParameterWhoseGradientNameIsTaken() =>
        Verify<DeclarationAnalyzer, RenameTakenNameCodeFix>.FixAsync("""
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F({|SG0017:double x|}, double dX) => x * dX;

                public static double Use() => F(x: 1.0, dX: 2.0);
            }
            """, """
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x2, double dX) => x2 * dX;

                public static double Use() => F(x2: 1.0, dX: 2.0);
            }
            """, fixAll: false);

    [Fact]
    public Task SG0017_RenamesASecondOverloadOfAModelMethod() =>
        Verify<DeclarationAnalyzer, RenameTakenNameCodeFix>.FixAsync("""
            using SymbolicGrad;

            public sealed partial class M : Model
            {
                readonly Vec w;

                public M() => w = Parameters.Vector(3);

                [Differentiable]
                public float Loss([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(w * Ops.Sum(x), label);

                [Differentiable]
                public float {|SG0017:Loss|}([NoDiff] Vec x, Vec target) => Ops.Sum(w * Ops.Sum(x - target));
            }
            """, """
            using SymbolicGrad;

            public sealed partial class M : Model
            {
                readonly Vec w;

                public M() => w = Parameters.Vector(3);

                [Differentiable]
                public float Loss([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(w * Ops.Sum(x), label);

                [Differentiable]
                public float Loss2([NoDiff] Vec x, Vec target) => Ops.Sum(w * Ops.Sum(x - target));
            }
            """, fixAll: false);
}
