using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>
/// Many random programs compiled at once: one generator run and one emit (whose diagnostics are the compilation's, so the
/// output is bound once, not twice as <see cref="GeneratorRun"/>'s eager diagnostics and a later emit would). Problems
/// are traced to the programs whose methods, wrappers or generated files they are in.
/// </summary>
internal sealed partial class ProgramBatch
{
    private ProgramBatch(Exception? exception, ImmutableArray<Diagnostic> generatorErrors, ImmutableArray<Diagnostic> outputProblems,
        IReadOnlyDictionary<string, string> generated, MemoryStream? image)
    {
        GeneratorException = exception;
        GeneratorErrors = generatorErrors;
        OutputProblems = outputProblems;
        GeneratedSources = generated;
        Image = image;
    }

    public Exception? GeneratorException { get; }

    /// <summary>Error diagnostics of the generator (refusals, SG9999).</summary>
    public ImmutableArray<Diagnostic> GeneratorErrors { get; }

    /// <summary>Errors anywhere in the output, and warnings inside generated files, except those <c>ignoredWarnings</c> names.</summary>
    public ImmutableArray<Diagnostic> OutputProblems { get; }

    /// <summary>Generated text by hint name.</summary>
    public IReadOnlyDictionary<string, string> GeneratedSources { get; }

    /// <summary>The emitted assembly, when the output compiled.</summary>
    public MemoryStream? Image { get; }

    public bool IsClean => GeneratorException is null && GeneratorErrors.IsEmpty && OutputProblems.IsEmpty && Image is not null;

    /// <summary>Runs the generator (without step tracking) over <paramref name="source"/> and emits the output.</summary>
    public static ProgramBatch Compile(string source, IReadOnlySet<string> ignoredWarnings)
    {
        var input = GeneratorHarness.CreateCompilation(source);
        var driver = GeneratorHarness.CreateDriver(trackSteps: false).RunGeneratorsAndUpdateCompilation(input, out var output, out _);
        var result = driver.GetRunResult().Results.Single();
        var generated = result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
        var generatorErrors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        if (result.Exception is not null || !generatorErrors.IsEmpty)
            return new ProgramBatch(result.Exception, generatorErrors, ImmutableArray<Diagnostic>.Empty, generated, null);

        var image = new MemoryStream();
        var emit = output.Emit(image);
        var problems = emit.Diagnostics.Where(d =>
            d.Severity == DiagnosticSeverity.Error ||
            (d.Severity == DiagnosticSeverity.Warning && !ignoredWarnings.Contains(d.Id) &&
             d.Location.SourceTree is { } tree && !input.SyntaxTrees.Contains(tree))).ToImmutableArray();
        return new ProgramBatch(null, generatorErrors, problems, generated, emit.Success ? image : null);
    }

    /// <summary>
    /// The programs (by method name) each problem belongs to, with the problem's id; null when some problem cannot be
    /// traced to one program (a generator exception, a diagnostic without a place), so the caller must bisect.
    /// </summary>
    public IReadOnlyDictionary<string, string>? FaultyPrograms()
    {
        if (GeneratorException is not null) return null;
        var faulty = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var diagnostic in GeneratorErrors.Concat(OutputProblems))
        {
            if (ProgramOf(diagnostic) is not { } name) return null;
            faulty.TryAdd(name, diagnostic.Severity == DiagnosticSeverity.Warning ? diagnostic.Id + " (warning in generated code)" : diagnostic.Id);
        }
        return faulty;
    }

    /// <summary>A readable list of the problems, for failure messages.</summary>
    public string Describe()
    {
        var lines = new List<string>();
        if (GeneratorException is not null) lines.Add("Generator exception: " + GeneratorException);
        lines.AddRange(GeneratorErrors.Select(d => "Generator: " + d));
        lines.AddRange(OutputProblems.Select(d => "Output: " + d));
        return lines.Count == 0 ? "(clean)" : string.Join(Environment.NewLine, lines);
    }

    /// <summary>The program a diagnostic is in: its generated file (<c>…Type.L12.g.cs</c>) or the method around it (L12, L12Value, L12Check).</summary>
    private static string? ProgramOf(Diagnostic diagnostic)
    {
        if (diagnostic.Location.SourceTree is not { } tree) return null;
        if (GeneratedFile().Match(tree.FilePath) is { Success: true } file) return file.Groups[1].Value;
        var node = tree.GetRoot().FindNode(diagnostic.Location.SourceSpan);
        var method = node.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
        return method is null ? null : WrapperSuffix().Replace(method.Identifier.ValueText, "");
    }

    [GeneratedRegex(@"\.([A-Z]\d+)\.g\.cs$")]
    private static partial Regex GeneratedFile();

    [GeneratedRegex(@"(Value|Check)$")]
    private static partial Regex WrapperSuffix();
}
