using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace SymbolicGrad.CodeFixes.Tests.Infrastructure;

/// <summary>
/// Runs a code fix test: <c>{|SGnnnn:…|}</c> marks each expected diagnostic in the source before; the source after must
/// match exactly, both fixing one diagnostic at a time and with fix-all in the document (unless the fix has none).
/// </summary>
internal static class Verify<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static Task FixAsync(string before, string after, string? equivalenceKey = null, bool fixAll = true,
        IEnumerable<(string Path, string Source)>? otherFiles = null, IEnumerable<(string Path, string Source)>? otherFilesAfter = null)
    {
        var test = Create(before, after);
        test.CodeActionEquivalenceKey = equivalenceKey;
        if (!fixAll) test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipFixAllCheck;
        foreach (var file in otherFiles ?? []) test.TestState.Sources.Add(file);
        foreach (var file in otherFilesAfter ?? otherFiles ?? []) test.FixedState.Sources.Add(file);
        return test.RunAsync();
    }

    /// <summary>Only the diagnostics (the source has no fix to apply): those marked in it and <paramref name="expected"/> (with their messages).</summary>
    public static Task DiagnosticsAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { TestCode = source, ReferenceAssemblies = TestReferences.None };
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public static CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier> Create(string before, string after)
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            TestCode = before,
            FixedCode = after,
            ReferenceAssemblies = TestReferences.None,
        };
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        // The adapter reports the generator's diagnostics from a compilation action: non-local by construction (in
        // the IDE they come from the generator, not from an analyzer).
        if (typeof(TAnalyzer) == typeof(GeneratorDiagnosticsAnalyzer)) test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
        return test;
    }
}
