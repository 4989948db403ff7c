using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>An unrelated edit re-runs nothing, and the cached model holds no Roslyn objects.</summary>
public sealed class IncrementalityTests
{
    private static readonly string[] TrackedSteps = [TrackingNames.Lower, TrackingNames.Transform, TrackingNames.Plan, TrackingNames.Write];

    private const string Model = """
        using System;
        using SymbolicGrad;

        namespace Incremental;

        public static partial class Model
        {
            [Differentiable]
            public static double Predict([NoDiff] double x, double phi0, double phi1)
            {
                double z = phi0 + 0.06 * phi1 * x;
                return Math.Sin(z) * Math.Exp(-(z * z) / 32.0);
            }

            [Differentiable]
            public static double Loss(double w, double b) => Math.Tanh(w * 0.5 + b) * w;

            public static int Unrelated(int n) => n + 1;
        }
        """;

    private const string Other = """
        namespace Incremental;

        public static class Other
        {
            public static int Twice(int n) => 2 * n;
        }
        """;

    [Fact]
    public void AddingAnUnrelatedSyntaxTreeReRunsNothing()
    {
        var (first, compilation) = RunFirst();
        var edited = compilation.AddSyntaxTrees(GeneratorHarness.Parse("""
            namespace Incremental;

            public static class Added
            {
                public static double Half(double v) => v / 2.0;
            }
            """, "Added.cs"));
        AssertNothingReRan(GeneratorHarness.Run(first.Driver, edited));
    }

    [Fact]
    public void EditingAnUnrelatedFileReRunsNothing()
    {
        var (first, compilation) = RunFirst();
        var edited = Edit(compilation, "Other.cs", Other.Replace("2 * n", "3 * n + 1"));
        AssertNothingReRan(GeneratorHarness.Run(first.Driver, edited));
    }

    [Fact]
    public void EditingAnUnrelatedMethodInTheSameFileReRunsNothing()
    {
        // The file holding the [Differentiable] methods changes, so Parse runs again, but its output must be equal.
        var (first, compilation) = RunFirst();
        var edited = Edit(compilation, "Model.cs", Model.Replace("n + 1", "n * 7 - 2"));
        AssertNothingReRan(GeneratorHarness.Run(first.Driver, edited));
    }

    [Fact]
    public void EditingADifferentiableMethodReRunsItsSteps()
    {
        // Guards the tests above: a real edit must be seen, so "nothing re-ran" is not vacuous.
        var (first, compilation) = RunFirst();
        var edited = Edit(compilation, "Model.cs", Model.Replace("w * 0.5", "w * 0.25"));
        var second = GeneratorHarness.Run(first.Driver, edited).AssertClean();
        var emitted = Outputs(second, TrackingNames.Write).ToList();
        Assert.Contains(emitted, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("w * 0.25", second.InputCompilation.SyntaxTrees.Single(t => t.FilePath == "Model.cs").ToString());
    }

    [Fact]
    public void EditingOneMethodsBodyLowersThatMethodOnly()
    {
        // An edit that keeps the file's length and lines (a digit) moves no span: the file's other method keeps its
        // lowering instead of being bound and lowered again, and only the edited method's later steps run.
        var (first, compilation) = RunFirst();
        var edited = Edit(compilation, "Model.cs", Model.Replace("w * 0.5", "w * 0.7"));
        int before = Frontend.LoweringCache.LoweredOnThisThread;
        var second = GeneratorHarness.Run(first.Driver, edited).AssertClean();
        Assert.Equal(1, Frontend.LoweringCache.LoweredOnThisThread - before);
        foreach (var step in TrackedSteps)
        {
            var reasons = Outputs(second, step).Select(o => o.Reason).ToList();
            Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
            Assert.Equal(1, reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        }
        Assert.Contains("0.7", second.Source("Incremental.Model.Loss.g.cs"));
        Assert.DoesNotContain("0.7", second.Source("Incremental.Model.Predict.g.cs"));
    }

    [Fact]
    public void AnEditorsKeystrokeInOneMethodLowersThatMethodOnly()
    {
        // An editor makes the new tree from the old one (WithChangedText), so the text knows its own change; a digit
        // typed over in Loss keeps Predict's lowering.
        var (first, compilation) = RunFirst();
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == "Model.cs");
        var text = old.GetText();
        int digit = Model.IndexOf("w * 0.5", StringComparison.Ordinal) + "w * 0.".Length;
        var typed = old.WithChangedText(text.WithChanges(new Microsoft.CodeAnalysis.Text.TextChange(new Microsoft.CodeAnalysis.Text.TextSpan(digit, 1), "3")));
        var edited = compilation.ReplaceSyntaxTree(old, typed);
        int before = Frontend.LoweringCache.LoweredOnThisThread;
        var second = GeneratorHarness.Run(first.Driver, edited).AssertClean();
        Assert.Equal(1, Frontend.LoweringCache.LoweredOnThisThread - before);
        Assert.Contains("0.3", second.Source("Incremental.Model.Loss.g.cs"));
        Assert.Contains(Outputs(second, TrackingNames.Lower), o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);

        // A line break typed in Predict's body moves Loss below it: both are lowered again.
        int predict = Model.IndexOf("double z = phi0", StringComparison.Ordinal);
        var broken = typed.WithChangedText(typed.GetText().WithChanges(new Microsoft.CodeAnalysis.Text.TextChange(new Microsoft.CodeAnalysis.Text.TextSpan(predict, 0), "\n")));
        before = Frontend.LoweringCache.LoweredOnThisThread;
        GeneratorHarness.Run(second.Driver, edited.ReplaceSyntaxTree(typed, broken)).AssertClean();
        Assert.Equal(2, Frontend.LoweringCache.LoweredOnThisThread - before);
    }

    [Fact]
    public void EditingALineAboveAMethodLowersItAgain()
    {
        // A new line above a method moves it: its lowering (which holds its spans and lines) must not be reused.
        var (first, compilation) = RunFirst();
        var edited = Edit(compilation, "Model.cs", Model.Replace("0.06 * phi1", "0.06\n * phi1"));
        int before = Frontend.LoweringCache.LoweredOnThisThread;
        var second = GeneratorHarness.Run(first.Driver, edited).AssertClean();
        Assert.Equal(2, Frontend.LoweringCache.LoweredOnThisThread - before);
        var loss = Outputs(second, TrackingNames.Lower).Select(o => o.Value).OfType<Pipeline.LoweringResult>().Single(r => r.Method?.Name == "Loss");
        int line = Model.Split('\n').ToList().FindIndex(l => l.Contains("double Loss("));
        Assert.Equal(line + 1, loss.Method!.Location!.LineSpan.Start.Line);
    }

    [Fact]
    public void EditingADefineThatAMethodReadsLowersItAgain()
    {
        // '#define FOO' → '#define FOP' keeps the length and the lines but changes how Square's body parses.
        const string source = """
            #define FOO
            using SymbolicGrad;

            namespace Incremental;

            public static partial class Directives
            {
                [Differentiable]
                public static double Square(double x)
                {
            #if FOO
                    return x * x;
            #else
                    return x + x;
            #endif
                }
            }
            """;
        var compilation = GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(source, "Directives.cs")]);
        var first = GeneratorHarness.Run(compilation).AssertClean();
        Assert.Contains("x * x", first.Source("Incremental.Directives.Square.g.cs"));
        var old = compilation.SyntaxTrees.Single();
        var second = GeneratorHarness.Run(first.Driver,
            compilation.ReplaceSyntaxTree(old, GeneratorHarness.Parse(source.Replace("#define FOO", "#define FOP"), "Directives.cs"))).AssertClean();
        Assert.DoesNotContain("x * x", second.Source("Incremental.Directives.Square.g.cs"));
    }

    [Fact]
    public void AnEditThatChangesNoDiagnosticsReportsNoneAgain()
    {
        // Diagnostics are reported in the compilation's trees; an edit in another file re-runs nothing for them, and
        // they are still reported, in the tree of their file.
        var (first, compilation) = RunBroken();
        var edited = Edit(compilation, "Other.cs", Other.Replace("2 * n", "3 * n + 1"));
        var second = GeneratorHarness.Run(first.Driver, edited);
        var located = Outputs(second, TrackingNames.LocateDiagnostics).ToList();
        Assert.NotEmpty(located);
        Assert.All(located, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        var broken = second.GeneratorDiagnostics.Single(d => d.Id == "SG0012");
        Assert.Same(edited.SyntaxTrees.Single(t => t.FilePath == "Model.cs"), broken.Location.SourceTree);
    }

    [Fact]
    public void EditingAFileReportsItsDiagnosticsInItsNewTree()
    {
        var (first, compilation) = RunBroken();
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == "Model.cs");
        var newTree = GeneratorHarness.Parse(old.ToString().Replace("w * 0.5", "w * 0.25"), "Model.cs");
        var second = GeneratorHarness.Run(first.Driver, compilation.ReplaceSyntaxTree(old, newTree));
        Assert.Contains(Outputs(second, TrackingNames.LocateDiagnostics), o => o.Reason == IncrementalStepRunReason.Modified);
        var broken = second.GeneratorDiagnostics.Single(d => d.Id == "SG0012");
        Assert.Same(newTree, broken.Location.SourceTree);
        Assert.Equal("Console.WriteLine(x)", newTree.ToString().Substring(broken.Location.SourceSpan.Start, "Console.WriteLine(x)".Length));
    }

    private const string Loops = """
        using System;
        using SymbolicGrad;

        namespace Incremental;

        public static partial class Loops
        {
            [Differentiable]
            public static double Horner(double[] c, double x)
            {
                double p = 0.5;
                for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
                return p;
            }
        }
        """;

    [Fact]
    public void ALoopsTapeNoteIsTheAnalyzersSoAKeystrokeReportsNothing()
    {
        // SG0104 comes from LoopTapeAnalyzer: the generator has nothing to report for a project that is all well, so
        // an edit costs Roslyn no suppression checks, and the note follows the edited tree.
        var compilation = GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(Loops, "Loops.cs"), GeneratorHarness.Parse(Other, "Other.cs")]);
        var first = GeneratorHarness.Run(compilation).AssertClean();
        Assert.Empty(first.GeneratorDiagnostics);
        Assert.Empty(Outputs(first, TrackingNames.LocateDiagnostics));
        var edited = Edit(compilation, "Loops.cs", Loops.Replace("0.5", "0.7"));
        var second = GeneratorHarness.Run(first.Driver, edited).AssertClean();
        Assert.Empty(second.GeneratorDiagnostics);
        Assert.Empty(Outputs(second, TrackingNames.LocateDiagnostics));
        var note = Assert.Single(second.AnalyzerDiagnostics, d => d.Id == "SG0104");
        Assert.Same(edited.SyntaxTrees.Single(t => t.FilePath == "Loops.cs"), note.Location.SourceTree);
        Assert.Equal("for", Loops.Substring(note.Location.SourceSpan.Start, note.Location.SourceSpan.Length));
    }

    [Fact]
    public void AMemberAddedToTheTypeRenamesWhatWouldClashWithIt()
    {
        // The names in a type's scope are kept from one compilation to the next only while the declarations stay the
        // same: a field named like the generated local 'tape', added in another file, makes the next lowering avoid it.
        var compilation = GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(Loops, "Loops.cs"), GeneratorHarness.Parse(Other, "Other.cs")]);
        var first = GeneratorHarness.Run(compilation).AssertClean();
        Assert.Contains("var tape = ", first.Source("Incremental.Loops.Horner.g.cs"));

        // An edit inside the body keeps the declarations: same names.
        var inBody = Edit(compilation, "Loops.cs", Loops.Replace("0.5", "0.7"));
        var second = GeneratorHarness.Run(first.Driver, inBody).AssertClean();
        Assert.Contains("var tape = ", second.Source("Incremental.Loops.Horner.g.cs"));

        var withField = inBody.AddSyntaxTrees(GeneratorHarness.Parse("""
            namespace Incremental;

            public static partial class Loops
            {
                public static int tape;
            }
            """, "Field.cs"));
        var third = GeneratorHarness.Run(second.Driver, withField).AssertClean();
        string source = third.Source("Incremental.Loops.Horner.g.cs");
        Assert.DoesNotContain("var tape = ", source);
        Assert.Contains("var tape2 = ", source);
    }

    [Fact]
    public void AnOptionAddedToTheAttributeIsPickedUp()
    {
        // Whether a method is [Differentiable], and with which options, is kept while the declarations stay the same:
        // a keystroke in the body keeps it, an option typed into the attribute is a new declaration.
        var (first, compilation) = RunFirst();
        Assert.DoesNotContain(first.GeneratedSources.Keys, k => k.EndsWith(".Derivatives.g.cs", StringComparison.Ordinal));
        var inBody = Edit(compilation, "Model.cs", Model.Replace("w * 0.5", "w * 0.7"));
        var second = GeneratorHarness.Run(first.Driver, inBody).AssertClean();
        Assert.Equal(2, second.GeneratedSources.Count);

        var withJvp = Edit(inBody, "Model.cs", Model.Replace("w * 0.5", "w * 0.7")
            .Replace("[Differentiable]\n    public static double Loss", "[Differentiable(Jvp = true)]\n    public static double Loss"));
        var third = GeneratorHarness.Run(second.Driver, withJvp).AssertClean();
        Assert.Contains("LossJvp(", third.Source("Incremental.Model.Loss.Derivatives.g.cs"));
        Assert.Contains("0.7", third.Source("Incremental.Model.Loss.Derivatives.g.cs"));

        // And taken away again.
        var fourth = GeneratorHarness.Run(third.Driver, inBody).AssertClean();
        Assert.Equal(2, fourth.GeneratedSources.Count);
    }

    [Theory]
    [InlineData("using D = SymbolicGrad.DifferentiableAttribute;", "D")]
    [InlineData("", "global::SymbolicGrad.Differentiable(Jvp = true)")]
    [InlineData("using SymbolicGrad;", "SymbolicGrad.DifferentiableAttribute")]
    public void AnAliasOrAQualifiedNameStaysDifferentiableAcrossKeystrokes(string usingLine, string attribute)
    {
        string source = Marked(usingLine, attribute);
        var compilation = GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(source, "Marked.cs"), GeneratorHarness.Parse(Other, "Other.cs")]);
        var first = GeneratorHarness.Run(compilation).AssertClean();
        Assert.Contains("0.5", first.Source("Incremental.Marked.F.g.cs"));
        bool jvp = attribute.Contains("Jvp", StringComparison.Ordinal);
        Assert.Equal(jvp, first.GeneratedSources.ContainsKey("Incremental.Marked.F.Derivatives.g.cs"));
        var run = first;
        foreach (string digit in new[] { "7", "3" })
        {
            compilation = Keystroke(compilation, "Marked.cs", "x * 0.", digit);
            run = GeneratorHarness.Run(run.Driver, compilation).AssertClean();
            Assert.Contains("0." + digit, run.Source("Incremental.Marked.F.g.cs"));
            Assert.Equal(jvp, run.GeneratedSources.ContainsKey("Incremental.Marked.F.Derivatives.g.cs"));
        }

        // The alias or name now binds to another attribute: nothing is generated.
        string other = usingLine.Length > 0 && usingLine.Contains('=', StringComparison.Ordinal)
            ? Marked("using D = System.ObsoleteAttribute;", attribute)
            : Marked("using SymbolicGrad;", "System.Obsolete");
        var unmarked = GeneratorHarness.Run(run.Driver, Edit(compilation, "Marked.cs", other));
        Assert.Empty(unmarked.GeneratedSources);
    }

    [Fact]
    public void AUsersOwnDifferentiableAttributeInAnotherNamespaceIsNotSymbolicGrads()
    {
        // Two files alike but for their usings (same members at the same places): only SymbolicGrad's attribute counts,
        // before and after a keystroke in either body.
        const string own = """
            namespace Mine
            {
                public sealed class DifferentiableAttribute : System.Attribute { }
            }
            """;
        string ours = Marked("using SymbolicGrad;", "Differentiable");
        string theirs = Marked("using Mine;", "Differentiable").Replace("class Marked", "class Unmarked");
        var compilation = GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(ours, "Marked.cs"), GeneratorHarness.Parse(theirs, "Unmarked.cs"),
            GeneratorHarness.Parse(own, "Own.cs")]);
        var run = GeneratorHarness.Run(compilation).AssertClean();
        Assert.Equal(["Incremental.Marked.F.g.cs"], run.GeneratedSources.Keys);
        foreach (string path in new[] { "Unmarked.cs", "Marked.cs" })
        {
            compilation = Keystroke(compilation, path, "x * 0.", "9");
            run = GeneratorHarness.Run(run.Driver, compilation).AssertClean();
            Assert.Equal(["Incremental.Marked.F.g.cs"], run.GeneratedSources.Keys);
        }
        Assert.Contains("0.9", run.Source("Incremental.Marked.F.g.cs"));
    }

    /// <summary>A file with <paramref name="usingLine"/> and one method F marked [<paramref name="attribute"/>].</summary>
    private static string Marked(string usingLine, string attribute) => $$"""
        {{usingLine}}

        namespace Incremental;

        public static partial class Marked
        {
            [{{attribute}}]
            public static double F(double x) => System.Math.Sin(x * 0.5) * x;
        }
        """;

    /// <summary>The digit after <paramref name="before"/> typed over with <paramref name="digit"/>, as an editor makes the new tree.</summary>
    private static CSharpCompilation Keystroke(CSharpCompilation compilation, string path, string before, string digit)
    {
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        int at = old.GetText().ToString().IndexOf(before, StringComparison.Ordinal) + before.Length;
        var change = new Microsoft.CodeAnalysis.Text.TextChange(new Microsoft.CodeAnalysis.Text.TextSpan(at, 1), digit);
        return compilation.ReplaceSyntaxTree(old, old.WithChangedText(old.GetText().WithChanges(change)));
    }

    private static (GeneratorRun Run, CSharpCompilation Compilation) RunBroken()
    {
        var source = Model.Replace("public static int Unrelated", """
            [Differentiable]
            public static double Broken(double x)
            {
                Console.WriteLine(x);
                return x;
            }

            public static int Unrelated
            """);
        var compilation = GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(source, "Model.cs"), GeneratorHarness.Parse(Other, "Other.cs")]);
        var run = GeneratorHarness.Run(compilation);
        Assert.Single(run.GeneratorDiagnostics, d => d.Id == "SG0012");
        return (run, compilation);
    }

    [Fact]
    public void DiagnosticsSurviveACachedRun()
    {
        // Cached outputs must still report their diagnostics, at the same place, on every run.
        var source = Model.Replace("public static int Unrelated", """
            [Differentiable]
            public static double Broken(double x)
            {
                Console.WriteLine(x);
                return x;
            }

            public static int Unrelated
            """);
        var compilation = GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(source, "Model.cs")]);
        var first = GeneratorHarness.Run(compilation);
        var expected = first.GeneratorDiagnostics.Single(d => d.Id == "SG0012");
        var second = GeneratorHarness.Run(first.Driver, compilation.AddSyntaxTrees(GeneratorHarness.Parse(Other, "Other.cs")));
        var again = second.GeneratorDiagnostics.Single(d => d.Id == "SG0012");
        Assert.Equal(expected.Location.SourceSpan, again.Location.SourceSpan);
        Assert.Equal(expected.GetMessage(), again.GetMessage());
        Assert.Equal(2, second.GeneratedSources.Count);
        Assert.Empty(second.OutputErrors);
    }

    [Fact]
    public void LowerOutputsHoldNoRoslynObjects()
    {
        var (first, _) = RunFirst();
        var outputs = Outputs(first, TrackingNames.Lower).ToList();
        Assert.NotEmpty(outputs);
        foreach (var (value, _) in outputs)
        {
            var banned = ModelWalker.FindBanned(value);
            Assert.True(banned.Count == 0,
                $"The Lower output ({value?.GetType().FullName}) reaches Roslyn objects:{Environment.NewLine}" + string.Join(Environment.NewLine, banned));
        }
    }

    [Fact]
    public void LaterStageOutputsHoldNoRoslynObjects()
    {
        var (first, _) = RunFirst();
        foreach (var step in new[] { TrackingNames.Transform, TrackingNames.Plan, TrackingNames.Write })
        {
            var outputs = Outputs(first, step).ToList();
            Assert.NotEmpty(outputs);
            foreach (var (value, _) in outputs)
                Assert.Empty(ModelWalker.FindBanned(value));
        }
    }

    [Fact]
    public void WalkerFindsBannedObjects()
    {
        // The walker itself must be able to fail: a symbol behind a list, a tree in a field, a location in an array.
        var compilation = GeneratorHarness.CreateCompilation("public static class Holder { }");
        var symbol = compilation.GetTypeByMetadataName("Holder")!;
        var tree = compilation.SyntaxTrees[0];
        Assert.NotEmpty(ModelWalker.FindBanned(new { Items = new List<object> { 1, "a", symbol } }));
        Assert.NotEmpty(ModelWalker.FindBanned((1, new Box(tree))));
        Assert.NotEmpty(ModelWalker.FindBanned(new object[] { new[] { Location.None } }));
        Assert.NotEmpty(ModelWalker.FindBanned(new Box(null, DeclaredOnly: null)));
        Assert.Empty(ModelWalker.FindBanned(new { Name = "x", Values = new[] { 1.0, 2.0 }, Nested = (3, "y") }));
    }

    private sealed record Box(object? Value, SyntaxNode? DeclaredOnly = null);

    /// <summary>The compilation with file <paramref name="path"/> replaced by <paramref name="text"/>.</summary>
    private static CSharpCompilation Edit(CSharpCompilation compilation, string path, string text) =>
        compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(t => t.FilePath == path), GeneratorHarness.Parse(text, path));

    private static (GeneratorRun Run, CSharpCompilation Compilation) RunFirst()
    {
        var compilation = GeneratorHarness.CreateCompilation(
            [GeneratorHarness.Parse(Model, "Model.cs"), GeneratorHarness.Parse(Other, "Other.cs")]);
        var run = GeneratorHarness.Run(compilation).AssertClean();
        Assert.Equal(2, run.GeneratedSources.Count);
        foreach (var step in TrackedSteps)
            Assert.True(run.Result.TrackedSteps.ContainsKey(step), $"Step '{step}' is not tracked; tracked: {string.Join(", ", run.Result.TrackedSteps.Keys)}");
        return (run, compilation);
    }

    private static void AssertNothingReRan(GeneratorRun second)
    {
        second.AssertClean();
        foreach (var step in TrackedSteps)
        {
            var outputs = Outputs(second, step).ToList();
            Assert.True(outputs.Count > 0, $"Step '{step}' produced no outputs on the second run");
            var reRan = outputs.Where(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)).ToList();
            Assert.True(reRan.Count == 0,
                $"Step '{step}' re-ran: {string.Join(", ", reRan.Select(o => $"{o.Reason} {Describe(o.Value)}"))}");
        }
        Assert.Equal(2, second.GeneratedSources.Count);
    }

    private static IEnumerable<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRun run, string step) =>
        run.Result.TrackedSteps.TryGetValue(step, out var runs) ? runs.SelectMany(r => r.Outputs) : [];

    private static string Describe(object? value)
    {
        var text = value?.ToString() ?? "null";
        return text.Length > 200 ? text[..200] + "…" : text;
    }
}
