using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicGrad.Analyzers;
using SymbolicGrad.CodeFixes.Tests.Infrastructure;
using SymbolicGrad.Generator;

namespace SymbolicGrad.CodeFixes.Tests;

/// <summary>
/// The analyzers and the generator together: each declaration rule (of a [Differentiable] method or a [DerivativeOf]
/// rule) comes from an analyzer only, every diagnostic is reported once, and a badly declared method gets no generated
/// code (so nothing broken is emitted).
/// </summary>
public sealed class AnalyzerTests
{
    private const string BadDeclarations = """
        using System;
        using SymbolicGrad;

        namespace Bad;

        public static class NotPartial                                   // SG0001
        {
            [Differentiable]
            public static double F(double x) => x * x;
        }

        public static class Outer                                        // SG0001 (the outer type)
        {
            public static partial class Inner
            {
                [Differentiable]
                public static double F(double x) => x * x;
            }
        }

        file static partial class Local                                  // SG0020
        {
            [Differentiable]
            public static double F(double x) => x * x;
        }

        public partial class Shapes
        {
            [Differentiable]
            public double Instance(double x) => x * x;                  // SG0014

            [Differentiable]
            public static double Generic<T>(double x) => x * x;         // SG0015

            [Differentiable]
            public static partial double Declared(double x);            // SG0016

            public static partial double Declared(double x) => x;

            [Differentiable]
            public static double Taken(double x) => x * x;

            public static double TakenGradient => 0.0;                  // SG0017 (a member)

            [Differentiable]
            public static double Named(double x, double dX) => x * dX;  // SG0017 (a parameter)

            [Differentiable]
            public static double ByRef(ref double x) => x * x;          // SG0004 (the generator)

            static double Sq(double v) => v * v;

            [Differentiable]
            public static double Calls(double x) => Sq(x);              // SG0010 (the generator)

            [Differentiable]
            public static double Unused(double x, double y) => x * x;  // SG0101 (the generator)
        }

        public static partial class Rules
        {
            public static double Cube(double x) => x * x * x;

            [DerivativeOf(nameof(Cube))]
            public static double CubeRule(double x, out float dX) { dX = (float)(3 * x * x); return Cube(x); }    // SG0050

            [Differentiable]
            public static double UsesCube(double x) => Cube(x) + x;    // SG0056 (the generator: the rule does not fit)

            public static double Square(double x) => x * x;

            [DerivativeOf(nameof(Square))]
            public static double SquareRule(double x, out double dX) { dX = 2 * x; return x * x; }

            [DerivativeOf(nameof(Square))]
            public static double OtherSquareRule(double x, out double dX) { dX = 2 * x; return x * x; }    // SG0051

            [DerivativeOf("Missing")]
            public static double MissingRule(double x, out double dX) { dX = 1; return x; }    // SG0052
        }
        """;

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    [Fact]
    public async Task EachDiagnosticIsReportedOnceByOneOfThem()
    {
        var compilation = CSharpCompilation.Create("Bad", [CSharpSyntaxTree.ParseText(BadDeclarations, Parse, "Bad.cs")], TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var driver = CSharpGeneratorDriver.Create([new DifferentiationGenerator().AsSourceGenerator()], parseOptions: Parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var generated = driver.GetRunResult().Results.Single();
        Assert.Null(generated.Exception);
        DiagnosticAnalyzer[] analyzers = [new DeclarationAnalyzer(), new DerivativeRuleAnalyzer()];
        var analyzed = await compilation.WithAnalyzers([.. analyzers]).GetAnalyzerDiagnosticsAsync();

        var declarationIds = analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        Assert.DoesNotContain(generated.Diagnostics, d => declarationIds.Contains(d.Id));
        var all = generated.Diagnostics.Concat(analyzed).ToList();
        var expected = new[]
        {
            ("SG0001", "NotPartial"), ("SG0001", "Outer"), ("SG0020", "Local"), ("SG0014", "Instance"), ("SG0015", "Generic"),
            ("SG0016", "Declared"), ("SG0017", "TakenGradient"), ("SG0017", "double x"), ("SG0004", "ref"), ("SG0010", "Sq(x)"),
            ("SG0101", "double y"), ("SG0050", "CubeRule"), ("SG0056", "Cube(x)"), ("SG0051", "OtherSquareRule"), ("SG0052", "\"Missing\""),
        };
        var actual = all.Select(d => (d.Id, BadDeclarations.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length))).ToList();
        Assert.Equal(expected.OrderBy(e => e), actual.OrderBy(a => a));

        // Only the well declared methods get code (Unused's warning does not stop it), and the output compiles.
        Assert.Equal(["Bad.Shapes.Unused.g.cs"], generated.GeneratedSources.Select(s => s.HintName).ToArray());
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task GeneratorDiagnosticsObeyPragmas()
    {
        const string source = """
            using System;
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x, double y)
                {
            #pragma warning disable SG0100
                    double cell = Math.Floor(x);
            #pragma warning restore SG0100
                    return cell * y + Math.Round(y);
                }
            }
            """;
        var compilation = CSharpCompilation.Create("P", [CSharpSyntaxTree.ParseText(source, Parse, "P.cs")], TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        CSharpGeneratorDriver.Create([new DifferentiationGenerator().AsSourceGenerator()], parseOptions: Parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);
        // Both warnings are located in the compilation's tree, so its pragmas apply (as they do in a build).
        Assert.Equal(2, diagnostics.Length);
        Assert.All(diagnostics, d => Assert.Same(compilation.SyntaxTrees.Single(), d.Location.SourceTree));
        var shown = new List<string>();
        foreach (var diagnostic in diagnostics)
        {
            if (!await IsSuppressedAsync(compilation, diagnostic)) shown.Add(diagnostic.GetMessage());
        }
        Assert.Contains("Math.Round(y)", Assert.Single(shown));
    }

    /// <summary>Whether the compilation's pragmas hide <paramref name="diagnostic"/> (the analyzer driver filters like the compiler).</summary>
    private static async Task<bool> IsSuppressedAsync(Compilation compilation, Diagnostic diagnostic) =>
        (await compilation.WithAnalyzers([new Reporter(diagnostic)]).GetAnalyzerDiagnosticsAsync()).IsEmpty;

    [Fact]
    public void NeitherTheGeneratorNorTheAnalyzerReferencesWorkspaces()
    {
        foreach (var assembly in new[] { typeof(DifferentiationGenerator).Assembly, typeof(DeclarationAnalyzer).Assembly })
        {
            var names = assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
            Assert.Contains("Microsoft.CodeAnalysis.CSharp", names);
            Assert.DoesNotContain(names, n => n!.Contains("Workspaces", StringComparison.Ordinal));
        }
        Assert.Contains(typeof(MakeTypePartialCodeFix).Assembly.GetReferencedAssemblies(), a => a.Name == "Microsoft.CodeAnalysis.Workspaces");
    }

    [Fact]
    public Task MemberTakingANameInAnotherPartOfTheTypeIsReportedThere() =>
        Verify<DeclarationAnalyzer, RenameTakenNameCodeFix>.DiagnosticsAsync("""
            using SymbolicGrad;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => x * x;
            }

            public static partial class C
            {
                public static int {|SG0017:FGradient|};
            }
            """);

    [Fact]
    public Task NameTakenInABaseTypeIsReportedAtTheMethod() =>
        Verify<DeclarationAnalyzer, RenameTakenNameCodeFix>.FixAsync("""
            using SymbolicGrad;

            public class B
            {
                public static double FGradient(double x) => x;
            }

            public partial class C : B
            {
                [Differentiable]
                public static double {|SG0017:F|}(double x) => x * x;

                public static double Use(double x) => F(x);
            }
            """, """
            using SymbolicGrad;

            public class B
            {
                public static double FGradient(double x) => x;
            }

            public partial class C : B
            {
                [Differentiable]
                public static double F2(double x) => x * x;

                public static double Use(double x) => F2(x);
            }
            """, fixAll: false);

    [Fact]
    public Task WellDeclaredMethodsDrawNothing() =>
        Verify<DeclarationAnalyzer, MakeTypePartialCodeFix>.DiagnosticsAsync("""
            using SymbolicGrad;

            public static partial class Outer
            {
                public static partial class C
                {
                    [Differentiable]
                    public static double F(double x, [NoDiff] double y) => x * y;

                    public static double Unrelated(double x) => x;
                }
            }

            public static class NoDifferentiableMethod
            {
                public static double F(double x) => x;
            }

            public sealed partial class M : Model
            {
                readonly Vec w;

                public M() => w = Parameters.Vector(3);

                [Differentiable]
                public float Loss([NoDiff] Vec x, int label) => Ops.SoftmaxCrossEntropy(w * Ops.Sum(x), label);
            }
            """);

    /// <summary>Re-reports one diagnostic as an analyzer's, so that the compilation's pragmas filter it.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class Reporter(Diagnostic diagnostic) : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [diagnostic.Descriptor];

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationAction(c => c.ReportDiagnostic(diagnostic));
        }
    }
}
