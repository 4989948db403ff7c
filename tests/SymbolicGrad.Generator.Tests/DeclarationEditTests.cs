using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// What a keystroke reuses of a method's declaration (its mark, kind, parameters, hint name, documentation id, shadowing
/// and rule checks, kept while every file's declarations stay the same) must never outlive a change of it: after body
/// keystrokes have filled those caches, each edit of a declaration regenerates exactly what a fresh build of the same
/// text generates (the fresh build's files lie under other paths, so that it shares none of the caches).
/// </summary>
public sealed class DeclarationEditTests
{
    private const string Model = """
        using System;
        using SymbolicGrad;

        namespace Edits;

        public static partial class Model
        {
            [Differentiable]
            public static double Loss(double w, double b)
            {
                double z = w * 0.5 + b;
                return Math.Tanh(z) * w;
            }

            [Differentiable]
            public static double Other(double x) => Math.Sin(x * 0.25) * x;
        }
        """;

    private const string Unrelated = """
        namespace Edits;

        public static class Unrelated
        {
            public static int Twice(int n) => 2 * n;
        }
        """;

    [Fact]
    public void RenamingTheMethodRenamesWhatIsGenerated()
    {
        var (run, compilation) = Warm(Model);
        run = Step(run, Edit(compilation, "EditedModel.cs", Model.Replace("double Loss(", "double Cost(")));
        Assert.Contains("CostGradient(", run.Source("Edits.Model.Cost.g.cs"));
        Assert.DoesNotContain("Edits.Model.Loss.g.cs", run.GeneratedSources.Keys);
    }

    [Fact]
    public void ChangingAParameterTypeChangesTheGradientsSignature()
    {
        var (run, compilation) = Warm(Model);
        run = Step(run, Edit(compilation, "EditedModel.cs", Model.Replace("double Loss(double w, double b)", "double Loss(double w, float b)")));
        Assert.Contains("out float dB", run.Source("Edits.Model.Loss.g.cs"));
        run = Step(run, Keystroke(run.InputCompilation, "EditedModel.cs", "w * 0.", "9"));
        Assert.Contains("0.9", run.Source("Edits.Model.Loss.g.cs"));
    }

    [Fact]
    public void AnOverloadAddedInAnotherFileRenamesBothFiles()
    {
        // Overloads' hint names carry their parameter types: the kept hint name of Loss must not survive the new overload.
        var (run, compilation) = Warm(Model);
        var withOverload = compilation.AddSyntaxTrees(GeneratorHarness.Parse("""
            using SymbolicGrad;

            namespace Edits;

            public static partial class Model
            {
                [Differentiable]
                public static double Loss(double w) => w * w;
            }
            """, "EditedOverload.cs"));
        run = Step(run, withOverload);
        Assert.Contains("Edits.Model.Loss_Double_Double.g.cs", run.GeneratedSources.Keys);
        Assert.Contains("Edits.Model.Loss_Double.g.cs", run.GeneratedSources.Keys);
        Assert.DoesNotContain("Edits.Model.Loss.g.cs", run.GeneratedSources.Keys);
        run = Step(run, Keystroke(run.InputCompilation, "EditedModel.cs", "w * 0.", "3"));
        Assert.Contains("0.3", run.Source("Edits.Model.Loss_Double_Double.g.cs"));
    }

    [Fact]
    public void AnAliasThatNowNamesAnotherTypeChangesTheParameter()
    {
        // Loss's own tokens stay the same; what 'Real' names changes.
        string source = "using Real = System.Double;\n" + Model.Replace("double Loss(double w, double b)", "double Loss(double w, Real b)");
        var (run, compilation) = Warm(source);
        Assert.Contains("out double dB", run.Source("Edits.Model.Loss.g.cs"));
        run = Step(run, Edit(compilation, "EditedModel.cs", source.Replace("using Real = System.Double;", "using Real = System.Single;")));
        Assert.Contains("out float dB", run.Source("Edits.Model.Loss.g.cs"));
    }

    [Fact]
    public void AMethodMovedToAnotherFileIsGeneratedFromThere()
    {
        var (run, compilation) = Warm(Model);
        string withoutOther = Model.Replace("    [Differentiable]\n    public static double Other(double x) => Math.Sin(x * 0.25) * x;\n", "");
        Assert.NotEqual(Model, withoutOther);
        var moved = Edit(compilation, "EditedModel.cs", withoutOther).AddSyntaxTrees(GeneratorHarness.Parse("""
            using System;
            using SymbolicGrad;

            namespace Edits;

            public static partial class Model
            {
                [Differentiable]
                public static double Other(double x) => Math.Sin(x * 0.25) * x;
            }
            """, "EditedMoved.cs"));
        run = Step(run, moved);
        run = Step(run, Keystroke(run.InputCompilation, "EditedMoved.cs", "x * 0.", "7"));
        Assert.Contains("0.75", run.Source("Edits.Model.Other.g.cs"));
    }

    [Fact]
    public void NoDiffAddedToAParameterDropsItsGradient()
    {
        var (run, compilation) = Warm(Model);
        run = Step(run, Edit(compilation, "EditedModel.cs", Model.Replace("double Loss(double w, double b)", "double Loss(double w, [NoDiff] double b)")));
        Assert.DoesNotContain("dB", run.Source("Edits.Model.Loss.g.cs"));
    }

    [Fact]
    public void ATypeNamedLanesAddedElsewhereMakesTheGeneratedCodeQualifyMath()
    {
        // The generated file would bind 'Lanes' and 'Math' to the user's namespace's types: it must write full names.
        var (run, compilation) = Warm(Model);
        Assert.DoesNotContain("global::System.Math", run.Source("Edits.Model.Loss.g.cs"));
        run = Step(run, compilation.AddSyntaxTrees(GeneratorHarness.Parse("namespace Edits;\n\npublic static class Lanes { }\n", "EditedShadow.cs")));
        Assert.Contains("global::System.Math", run.Source("Edits.Model.Loss.g.cs"));
    }

    [Fact]
    public void ABodyRemovedAndTypedAgainIsSeen()
    {
        // 'Other(double x) => …;' and 'Other(double x);' have the same tokens outside bodies: the kept declaration must
        // not decide whether there is a body.
        var (run, compilation) = Warm(Model);
        string noBody = Model.Replace("Other(double x) => Math.Sin(x * 0.25) * x;", "Other(double x);");
        run = Step(run, Edit(compilation, "EditedModel.cs", noBody), clean: false);
        Assert.DoesNotContain("Edits.Model.Other.g.cs", run.GeneratedSources.Keys);
        run = Step(run, Edit(run.InputCompilation, "EditedModel.cs", Model.Replace("x * 0.25", "x * 0.35")));
        Assert.Contains("0.35", run.Source("Edits.Model.Other.g.cs"));
    }

    [Fact]
    public void ABraceTypedOverInABodyIsNotAKeystrokeInsideIt()
    {
        // Typed over one character, with the file's length and lines kept: the body now ends early and the rest of the
        // file parses anew. Neither the other method's lowering nor the file's fingerprint of declarations may be reused.
        var (run, compilation) = Warm(Model);
        var braced = Keystroke(compilation, "EditedModel.cs", "double z = w * 0.5 + b", "}", replace: "double z = w * 0.5 + b".Length - 1);
        run = Step(run, braced, clean: false);
        run = Step(run, Keystroke(run.InputCompilation, "EditedModel.cs", "double z = w * 0.5 + ", "b"));
        Assert.Contains("0.5", run.Source("Edits.Model.Loss.g.cs"));
        Assert.Contains("0.25", run.Source("Edits.Model.Other.g.cs"));
    }

    /// <summary>A first run over <paramref name="model"/>, then two keystrokes in Loss's body: every declaration cache is filled.</summary>
    private static (GeneratorRun Run, CSharpCompilation Compilation) Warm(string model)
    {
        var compilation = GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(model, "EditedModel.cs"), GeneratorHarness.Parse(Unrelated, "EditedUnrelated.cs")]);
        var run = GeneratorHarness.Run(compilation).AssertClean();
        foreach (string digit in new[] { "7", "5" })
        {
            compilation = Keystroke(compilation, "EditedModel.cs", "w * 0.", digit);
            run = Step(run, compilation);
        }
        return (run, compilation);
    }

    /// <summary>
    /// The driver of <paramref name="previous"/> run on <paramref name="compilation"/>, checked against a fresh build of
    /// the same text.
    /// </summary>
    private static GeneratorRun Step(GeneratorRun previous, CSharpCompilation compilation, bool clean = true)
    {
        var run = GeneratorHarness.Run(previous.Driver, compilation);
        if (clean) run.AssertClean();
        Assert.Null(run.GeneratorException);
        var fresh = GeneratorHarness.Run(Fresh(compilation));
        Assert.Equal(fresh.GeneratedSources.OrderBy(s => s.Key, StringComparer.Ordinal), run.GeneratedSources.OrderBy(s => s.Key, StringComparer.Ordinal));
        Assert.Equal(Describe(fresh.GeneratorDiagnostics), Describe(run.GeneratorDiagnostics));
        return run;
    }

    /// <summary>The same text in new trees under other paths: nothing cached for <paramref name="compilation"/> applies.</summary>
    private static CSharpCompilation Fresh(CSharpCompilation compilation) =>
        compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees.Select(t => GeneratorHarness.Parse(t.ToString(), "Fresh/" + t.FilePath)));

    private static List<string> Describe(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Select(d => $"{d.Id} {d.Location.GetLineSpan().Span} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .Order(StringComparer.Ordinal).ToList();

    private static CSharpCompilation Edit(CSharpCompilation compilation, string path, string text) =>
        compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(t => t.FilePath == path), GeneratorHarness.Parse(text, path));

    /// <summary>
    /// <paramref name="typed"/> typed over the character after <paramref name="before"/> (or, with <paramref name="replace"/>,
    /// the one that many characters into it), as an editor makes the new tree from the old one.
    /// </summary>
    private static CSharpCompilation Keystroke(CSharpCompilation compilation, string path, string before, string typed, int? replace = null)
    {
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        var text = old.GetText();
        int start = text.ToString().IndexOf(before, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{before}' is not in {path}");
        int at = start + (replace ?? before.Length);
        var change = new TextChange(new TextSpan(at, 1), typed);
        return compilation.ReplaceSyntaxTree(old, old.WithChangedText(text.WithChanges(change)));
    }
}
