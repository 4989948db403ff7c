using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// One test per diagnostic of the catalogue: the id and the exact span (marked <c>[|…|]</c> in the source). Every
/// run must also be free of generator exceptions and its output must compile; a method with an error gets no file.
/// </summary>
public sealed partial class DiagnosticTests
{
    private const string Header = """
        using System;
        using SymbolicGrad;

        namespace Diag;

        """;

    /// <summary>The generated file of method Diag.C.F, the method under test in most sources.</summary>
    private const string FileOfF = "Diag.C.F.g.cs";

    // ---- Coverage and isolation ----

    [Fact]
    public void EveryCatalogueDiagnosticHasATest()
    {
        var ids = typeof(Diagnostics.DiagnosticCatalogue)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .Where(id => id != "SG9999")
            .ToList();
        Assert.True(ids.Count >= 20, $"Only {ids.Count} descriptors found");
        var tested = typeof(DiagnosticTests).GetMethods()
            .Where(m => m.IsDefined(typeof(FactAttribute), inherit: true) && m.Name.StartsWith("SG", StringComparison.Ordinal))
            .Select(m => m.Name[..6])
            .ToHashSet();
        Assert.Empty(ids.Except(tested));
    }

    [Fact]
    public void MethodWithErrorGetsNoFileButValidSiblingDoes()
    {
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    try { return x * x; }
                    catch (Exception) { return 0.0; }
                }

                [Differentiable]
                public static double Good(double x) => Math.Sin(x) * x;
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.Contains(run.Diagnostics, d => d.Id == "SG0005");
        Assert.Empty(run.OutputErrors);
        Assert.DoesNotContain(FileOfF, run.GeneratedSources.Keys);
        Assert.Contains("Diag.C.Good.g.cs", run.GeneratedSources.Keys);
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        GeneratedGradientCheck.AssertMatches(assembly, "Diag.C", "Good", 0.8);
    }

    [Fact]
    public void ErrorsInSeveralMethodsAreAllReportedInOneRun()
    {
        var run = GeneratorHarness.Run(Header + """
            public static partial class C
            {
                static double Helper(double t) => t;

                [Differentiable]
                public static double F(double x) => Helper(x);

                [Differentiable]
                public static double G(double x)
                {
                    Console.WriteLine(x);
                    return x;
                }

                [Differentiable]
                public static double H(double x) => x * x * x;
            }
            """);
        Assert.Null(run.GeneratorException);
        Assert.Contains(run.Diagnostics, d => d.Id == "SG0010");
        Assert.Contains(run.Diagnostics, d => d.Id == "SG0012");
        Assert.Empty(run.OutputErrors);
        Assert.Equal(["Diag.C.H.g.cs"], run.GeneratedSources.Keys);
    }

    /// <summary>
    /// Runs the generator over <paramref name="markedSource"/> and asserts: no generator exception; a diagnostic
    /// <paramref name="id"/> exactly at the marked span of Source0.cs whose message contains
    /// <paramref name="messageContains"/>; the output compiles; for an error, no file for Diag.C.F, for a warning, one.
    /// </summary>
    /// <summary>
    /// The generator and the analyzer report disjoint ids (the generator skips a badly declared method silently), and
    /// no diagnostic is reported twice.
    /// </summary>
    private static void AssertReportedOnce(GeneratorRun run)
    {
        var declarationIds = GeneratorHarness.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => declarationIds.Contains(d.Id));
        Assert.All(run.AnalyzerDiagnostics, d => Assert.Contains(d.Id, declarationIds));
        var twice = run.Diagnostics.GroupBy(d => (d.Id, d.Location.SourceSpan, Message: d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)))
            .Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, "Reported more than once: " + string.Join("; ", twice));
    }

    /// <summary>
    /// <see cref="AssertReported"/> for a diagnostic that SymbolicGrad.Analyzers reports and the generator does not: the
    /// analyzer's, at the marked span, with exactly <paramref name="message"/>.
    /// </summary>
    private static GeneratorRun AssertReportedByAnalyzer(string id, string markedSource, string message)
    {
        var run = AssertReported(id, markedSource);
        var span = MarkedSource.Parse(markedSource).Span;
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == id);
        var hit = Assert.Single(run.AnalyzerDiagnostics, d => d.Id == id && d.Location.SourceSpan == span && d.Location.GetLineSpan().Path == "Source0.cs");
        Assert.Equal(message, hit.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        return run;
    }

    private static GeneratorRun AssertReported(string id, string markedSource, string messageContains = "")
    {
        var marked = MarkedSource.Parse(markedSource);
        var run = GeneratorHarness.Run(marked.Text);
        if (run.GeneratorException is not null)
            throw new Xunit.Sdk.XunitException("Generator threw: " + run.GeneratorException);

        var withId = run.Diagnostics.Where(d => d.Id == id).ToList();
        var hit = withId.FirstOrDefault(d =>
            d.Location.SourceSpan == marked.Span && d.Location.GetLineSpan().Path == "Source0.cs");
        if (hit is null)
            throw new Xunit.Sdk.XunitException(
                $"Expected {id} at {marked.Span} '{marked.MarkedText}'. Reported:{Environment.NewLine}" +
                string.Join(Environment.NewLine, run.Diagnostics.Select(d => Show(d, marked.Text))));
        AssertReportedOnce(run);
        Assert.Contains(messageContains, hit.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Empty(run.OutputErrors);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "SG9999");
        if (hit.Severity == DiagnosticSeverity.Error)
            Assert.DoesNotContain(FileOfF, run.GeneratedSources.Keys);
        else
            Assert.Contains(FileOfF, run.GeneratedSources.Keys);
        return run;
    }

    /// <summary>The message of the one diagnostic <paramref name="id"/> of the run.</summary>
    private static string Message(GeneratorRun run, string id) =>
        run.Diagnostics.Single(d => d.Id == id).GetMessage(System.Globalization.CultureInfo.InvariantCulture);

    private static string Show(Diagnostic d, string text)
    {
        var span = d.Location.SourceSpan;
        var excerpt = span.End <= text.Length ? text.Substring(span.Start, span.Length) : "?";
        return $"  {d.Id} {d.Severity} at {span} '{excerpt}' ({d.Location.GetLineSpan().Path}): {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
