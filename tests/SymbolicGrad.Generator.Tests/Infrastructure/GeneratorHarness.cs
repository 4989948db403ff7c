using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicGrad.Analyzers;

namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>
/// Compiles test sources in memory and runs <see cref="DifferentiationGenerator"/> over them (and, on demand, the
/// <see cref="DeclarationAnalyzer"/> and <see cref="DerivativeRuleAnalyzer"/>, which report the declaration rules the
/// generator does not report, and <see cref="LoopTapeAnalyzer"/>, which reports what loops tape).
/// </summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    // Every warning wave on: generated code must stay warning-free for users building with warnings as errors.
    private static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        optimizationLevel: OptimizationLevel.Debug,
        warningLevel: 9999);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    /// <summary>The framework assemblies of this process plus the SymbolicGrad runtime.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>Parses one source text into a syntax tree with the harness's parse options.</summary>
    public static SyntaxTree Parse(string source, string path = "") =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>A library compilation of the given sources (file names Source0.cs, Source1.cs, …).</summary>
    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CreateCompilation(sources.Select((s, i) => Parse(s, $"Source{i}.cs")));

    /// <summary>A library compilation of the given syntax trees.</summary>
    public static CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree> trees) =>
        CSharpCompilation.Create("GeneratorTestInput", trees, References, CompilationOptions);

    /// <summary>A fresh driver over a new generator instance, tracking incremental steps.</summary>
    public static GeneratorDriver CreateDriver() => CreateDriver(trackSteps: true);

    /// <summary>A fresh driver over a new generator instance; step tracking (for incrementality tests) costs time.</summary>
    public static GeneratorDriver CreateDriver(bool trackSteps) =>
        CSharpGeneratorDriver.Create(
            new[] { new DifferentiationGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Compiles the sources and runs the generator once.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(sources));

    /// <summary>Runs a new driver over <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(CSharpCompilation compilation) => Run(CreateDriver(), compilation);

    /// <summary>Runs <paramref name="driver"/> (fresh or from an earlier run) over <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(GeneratorDriver driver, CSharpCompilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult().Results.Single();
        var sources = result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
        return new GeneratorRun(compilation, output, driver, result, sources, result.Diagnostics,
            output.GetDiagnostics(), result.Exception);
    }

    /// <summary>The analyzers of SymbolicGrad.Analyzers.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers => [new DeclarationAnalyzer(), new DerivativeRuleAnalyzer(), new LoopTapeAnalyzer()];

    /// <summary>What the analyzers of SymbolicGrad.Analyzers report on <paramref name="compilation"/>.</summary>
    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation) =>
        compilation.WithAnalyzers(Analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var runtime = typeof(DifferentiableAttribute).Assembly.Location;
        var runtimeName = Path.GetFileName(runtime);
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            // The runtime is also a dependency of this test assembly: add it once, below.
            .Where(p => !string.Equals(Path.GetFileName(p), runtimeName, StringComparison.OrdinalIgnoreCase));
        return trusted.Append(runtime)
            .Distinct(StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }
}

/// <summary>Everything one generator run produced.</summary>
internal sealed record GeneratorRun(
    CSharpCompilation InputCompilation,
    Compilation OutputCompilation,
    GeneratorDriver Driver,
    GeneratorRunResult Result,
    IReadOnlyDictionary<string, string> GeneratedSources,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> OutputDiagnostics,
    Exception? GeneratorException)
{
    private ImmutableArray<Diagnostic>? _analyzerDiagnostics;

    /// <summary>What the declaration analyzer reports on the input (computed on first use).</summary>
    public ImmutableArray<Diagnostic> AnalyzerDiagnostics => _analyzerDiagnostics ??= GeneratorHarness.Analyze(InputCompilation);

    /// <summary>Every SymbolicGrad diagnostic a user sees: the generator's and the analyzer's.</summary>
    public IEnumerable<Diagnostic> Diagnostics => GeneratorDiagnostics.Concat(AnalyzerDiagnostics);

    /// <summary>Errors of the output compilation (user code plus generated code).</summary>
    public IEnumerable<Diagnostic> OutputErrors => OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>Warnings the compiler reports inside generated files.</summary>
    public IEnumerable<Diagnostic> GeneratedWarnings => OutputDiagnostics.Where(d =>
        d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && !InputCompilation.SyntaxTrees.Contains(tree));

    /// <summary>Generator diagnostics of error severity.</summary>
    public IEnumerable<Diagnostic> GeneratorErrors => GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The generated text for <paramref name="hintName"/>, failing with the list of hint names if absent.</summary>
    public string Source(string hintName)
    {
        if (GeneratedSources.TryGetValue(hintName, out var text))
            return text;
        throw new Xunit.Sdk.XunitException(
            $"No generated file '{hintName}'. Generated: [{string.Join(", ", GeneratedSources.Keys)}]. {Describe()}");
    }

    /// <summary>
    /// Fails unless the generator ran without exception, neither it nor the analyzer reported an error, and the output
    /// compiles with no error anywhere and no warning in generated files.
    /// </summary>
    public GeneratorRun AssertClean()
    {
        if (GeneratorException is not null || GeneratorErrors.Any() || OutputErrors.Any() || GeneratedWarnings.Any()
            || AnalyzerDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            throw new Xunit.Sdk.XunitException("Generator run is not clean. " + Describe());
        return this;
    }

    /// <summary>A readable summary of exceptions and diagnostics, for failure messages.</summary>
    public string Describe()
    {
        var lines = new List<string>();
        if (GeneratorException is not null)
            lines.Add("Generator exception: " + GeneratorException);
        lines.AddRange(GeneratorDiagnostics.Select(d => "Generator: " + d));
        lines.AddRange(AnalyzerDiagnostics.Select(d => "Analyzer: " + d));
        lines.AddRange(OutputErrors.Concat(GeneratedWarnings).Select(d => "Output: " + d + Excerpt(d)));
        return lines.Count == 0 ? "(no exception, no diagnostics)" : string.Join(Environment.NewLine, lines);
    }

    private static string Excerpt(Diagnostic d)
    {
        if (d.Location.SourceTree is not { } tree)
            return "";
        var line = d.Location.GetLineSpan().StartLinePosition.Line;
        var text = tree.GetText();
        return line < text.Lines.Count ? $"  [{tree.FilePath}: {text.Lines[line].ToString().Trim()}]" : "";
    }
}
