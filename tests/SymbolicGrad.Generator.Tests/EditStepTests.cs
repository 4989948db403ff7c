using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Which of the driver's tracked steps each kind of IDE edit re-runs, method by method: a keystroke in one body, a
/// signature edit, an attribute edit and an edit in another file. The method the edit leaves alone (and does not move)
/// is never differentiated, planned or written again (its steps are Cached), the edited one is (Modified), and what the driver
/// then generates equals a fresh build of the same text and compiles; after the body edit, the gradient's values are
/// checked against a closed form and finite differences.
/// </summary>
public sealed class EditStepTests
{
    private static readonly string[] LaterSteps =
    [
        TrackingNames.Transform, TrackingNames.Plan, TrackingNames.Write,
        TrackingNames.Derive, TrackingNames.PlanDerived, TrackingNames.WriteDerived,
    ];

    // Paths of this class's own: the lowering cache finds a file's previous version by its path, across tests run at once.
    private const string ModelPath = "EditSteps/Model.cs", UnrelatedPath = "EditSteps/Unrelated.cs";

    private const string Model = """
        using System;
        using SymbolicGrad;

        namespace Steps;

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
        namespace Steps;

        public static class Unrelated
        {
            public static int Twice(int n) => 2 * n;
        }
        """;

    [Fact]
    public void AKeystrokeInOneBodyReRunsThatMethodsStepsOnly()
    {
        var (first, compilation) = RunFirst();
        var run = Step(first, Keystroke(compilation, ModelPath, "w * 0.", "7"));
        AssertEdited(run, "Loss");
        AssertLeftAlone(run, "Other");
        Assert.Equal(IncrementalStepRunReason.Unchanged, ReasonsOf(run, TrackingNames.Lower)["Other"]);
        Assert.Contains("0.7", run.Source("Steps.Model.Loss.g.cs"));

        // Loss(w, b) = tanh(0.7w + b)·w: ∂/∂w = tanh(z) + 0.7w(1 − tanh²z), ∂/∂b = w(1 − tanh²z).
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        double w = 0.75, b = -0.25, t = Math.Tanh(0.7 * w + b);
        var gradient = assembly.InvokeGradient("Steps.Model", "Loss", w, b);
        Assert.Equal(t * w, gradient.Value, 1e-15);
        Assert.Equal(t + 0.7 * w * (1 - t * t), gradient["dW"], 1e-14);
        Assert.Equal(w * (1 - t * t), gradient["dB"], 1e-14);
        GeneratedGradientCheck.AssertMatches(assembly, "Steps.Model", "Loss", w, b);
    }

    [Fact]
    public void ACharacterTypedIntoOneBodyKeepsTheLoweringsAboveIt()
    {
        // Typed into Other's body, the last of the file, the file grows: Loss, above it, keeps its lowering.
        var (first, compilation) = RunFirst();
        var run = Step(first, Insert(compilation, ModelPath, "x * 0.25", "5"), out int lowered);
        Assert.Equal(1, lowered);
        AssertEdited(run, "Other");
        AssertLeftAlone(run, "Loss");
        Assert.Contains("0.255", run.Source("Steps.Model.Other.g.cs"));

        // Typed into Loss's body, it moves Other, below it: that one is lowered again, to a gradient text as it was.
        run = Step(run, Insert(run.InputCompilation, ModelPath, "w * 0.5", "5"), out lowered);
        Assert.Equal(2, lowered);
        AssertEdited(run, "Loss");
        Assert.Equal(IncrementalStepRunReason.Unchanged, ReasonsOf(run, TrackingNames.Write)["Other"]);
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        GeneratedGradientCheck.AssertMatches(assembly, "Steps.Model", "Loss", 0.75, -0.25);
        GeneratedGradientCheck.AssertMatches(assembly, "Steps.Model", "Other", 1.5);
    }

    [Fact]
    public void ASignatureEditReRunsThatMethodsStepsOnly()
    {
        // Declarations change, so every method of the project is lowered again; the other one lowers to what it was.
        var (first, compilation) = RunFirst();
        var run = Step(first, Edit(compilation, ModelPath, Model.Replace("double b)", "double c)").Replace("+ b;", "+ c;")));
        AssertEdited(run, "Loss");
        AssertLeftAlone(run, "Other");
        Assert.Contains("out double dC", run.Source("Steps.Model.Loss.g.cs"));
        Assert.DoesNotContain("dB", run.Source("Steps.Model.Loss.g.cs"));
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        GeneratedGradientCheck.AssertMatches(assembly, "Steps.Model", "Loss", 1.25, 0.5);
    }

    [Fact]
    public void AnAttributeEditReRunsThatMethodsStepsOnly()
    {
        var (first, compilation) = RunFirst();
        var run = Step(first, Edit(compilation, ModelPath, Model.Replace(
            "[Differentiable]\n    public static double Loss", "[Differentiable(Jvp = true)]\n    public static double Loss")));
        AssertEdited(run, "Loss", gradientText: IncrementalStepRunReason.Unchanged);
        // "(Jvp = true)" moves Other, below it, by 12 characters: its lowering holds its spans (for diagnostics), so its
        // steps run again, down to a gradient text equal to the one before.
        var other = run.Result.TrackedSteps[TrackingNames.Lower].SelectMany(s => s.Outputs).Select(o => (LoweringResult?)o.Value)
            .Single(r => r?.Method?.Name == "Other")!.Method!;
        Assert.Equal(Model.IndexOf("Other(", StringComparison.Ordinal) + "(Jvp = true)".Length, other.Location!.Span.Start);
        Assert.Equal(IncrementalStepRunReason.Unchanged, ReasonsOf(run, TrackingNames.Write)["Other"]);
        // The gradient's text is as it was (Write ran, its output equal); the Jvp is the derived steps' new output.
        foreach (var step in new[] { TrackingNames.Derive, TrackingNames.PlanDerived, TrackingNames.WriteDerived })
        {
            Assert.Equal(IncrementalStepRunReason.Modified, ReasonsOf(run, step)["Loss"]);
        }
        Assert.Contains(run.GeneratedSources.Values, source => source.Contains("LossJvp(", StringComparison.Ordinal));
        LoadedAssembly.Emit(run.OutputCompilation).Dispose();
    }

    [Fact]
    public void AnEditInAnotherFileReRunsNothing()
    {
        var (first, compilation) = RunFirst();
        var run = Step(first, Keystroke(compilation, UnrelatedPath, "2 * n", "3", replace: 0));
        AssertLeftAlone(run, "Loss");
        AssertLeftAlone(run, "Other");
        // The driver hands every node a new semantic model after any edit, so Lower runs; the lowering cache answers.
        foreach (var method in new[] { "Loss", "Other" })
        {
            Assert.Equal(IncrementalStepRunReason.Unchanged, ReasonsOf(run, TrackingNames.Lower)[method]);
        }
        LoadedAssembly.Emit(run.OutputCompilation).Dispose();
    }

    /// <summary>
    /// Every step ran again for <paramref name="method"/> and produced a new output, but Write, which gave
    /// <paramref name="gradientText"/>.
    /// </summary>
    private static void AssertEdited(GeneratorRun run, string method, IncrementalStepRunReason gradientText = IncrementalStepRunReason.Modified)
    {
        foreach (var step in new[] { TrackingNames.Lower, TrackingNames.Transform, TrackingNames.Plan, TrackingNames.Write })
        {
            var expected = step == TrackingNames.Write ? gradientText : IncrementalStepRunReason.Modified;
            Assert.True(ReasonsOf(run, step)[method] == expected, $"{step} of {method}: {ReasonsOf(run, step)[method]}, expected {expected}");
        }
    }

    /// <summary><paramref name="method"/>'s lowering is what it was, and no later step ran for it.</summary>
    private static void AssertLeftAlone(GeneratorRun run, string method)
    {
        var lower = ReasonsOf(run, TrackingNames.Lower)[method];
        Assert.True(lower is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{TrackingNames.Lower} of {method}: {lower}");
        foreach (var step in LaterSteps)
        {
            Assert.True(ReasonsOf(run, step)[method] == IncrementalStepRunReason.Cached, $"{step} of {method}: {ReasonsOf(run, step)[method]}");
        }
    }

    /// <summary>
    /// Each method's reason in <paramref name="step"/>: the steps after Lower take its results one by one, in order, so
    /// their n-th output is the n-th lowered method's.
    /// </summary>
    private static Dictionary<string, IncrementalStepRunReason> ReasonsOf(GeneratorRun run, string step)
    {
        var names = run.Result.TrackedSteps[TrackingNames.Lower].SelectMany(s => s.Outputs)
            .Select(o => ((LoweringResult?)o.Value)?.Method?.Name).OfType<string>().ToList();
        var outputs = run.Result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
        if (step != TrackingNames.Lower)
        {
            Assert.Equal(names.Count, outputs.Count);
        }
        return names.Zip(outputs, (name, output) => (name, output.Reason)).ToDictionary(p => p.name, p => p.Reason);
    }

    private static (GeneratorRun Run, CSharpCompilation Compilation) RunFirst()
    {
        var compilation = GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(Model, ModelPath), GeneratorHarness.Parse(Unrelated, UnrelatedPath)]);
        var run = GeneratorHarness.Run(compilation).AssertClean();
        Assert.Equal(2, run.GeneratedSources.Count);
        return (run, compilation);
    }

    /// <summary>Runs the driver after an edit; what it generates must equal a fresh build of the same text.</summary>
    private static GeneratorRun Step(GeneratorRun previous, CSharpCompilation compilation) => Step(previous, compilation, out _);

    /// <summary>As <see cref="Step(GeneratorRun, CSharpCompilation)"/>; <paramref name="lowered"/>: how many methods the run bound and lowered.</summary>
    private static GeneratorRun Step(GeneratorRun previous, CSharpCompilation compilation, out int lowered)
    {
        int before = Frontend.LoweringCache.LoweredOnThisThread;
        var run = GeneratorHarness.Run(previous.Driver, compilation).AssertClean();
        lowered = Frontend.LoweringCache.LoweredOnThisThread - before;
        var fresh = GeneratorHarness.Run(compilation.RemoveAllSyntaxTrees()
            .AddSyntaxTrees(compilation.SyntaxTrees.Select(t => GeneratorHarness.Parse(t.ToString(), "Fresh/" + t.FilePath)))).AssertClean();
        Assert.Equal(fresh.GeneratedSources.OrderBy(s => s.Key, StringComparer.Ordinal), run.GeneratedSources.OrderBy(s => s.Key, StringComparer.Ordinal));
        return run;
    }

    /// <summary><paramref name="typed"/> typed after <paramref name="before"/>, as an editor makes the new tree from the old one.</summary>
    private static CSharpCompilation Insert(CSharpCompilation compilation, string path, string before, string typed)
    {
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        var text = old.GetText();
        int start = text.ToString().IndexOf(before, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{before}' is not in {path}");
        var change = new TextChange(new TextSpan(start + before.Length, 0), typed);
        return compilation.ReplaceSyntaxTree(old, old.WithChangedText(text.WithChanges(change)));
    }

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
        var change = new TextChange(new TextSpan(start + (replace ?? before.Length), 1), typed);
        return compilation.ReplaceSyntaxTree(old, old.WithChangedText(text.WithChanges(change)));
    }
}
