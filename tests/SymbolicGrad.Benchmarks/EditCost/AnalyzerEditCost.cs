using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicGrad.Analyzers;

namespace SymbolicGrad.Benchmarks.EditCost;

/// <summary>
/// What <see cref="LoopTapeAnalyzer"/> (SG0104, moved out of the generator) costs on the edit benchmark's project: at
/// build (the project parsed anew, after the compiler's own diagnostics, as csc runs analyzers beside compiling) and in
/// the IDE after a keystroke in one method (the edited document's semantic diagnostics, after the compiler's). Process
/// CPU time of the analysis call (the driver included) and the analyzer's own callback time (Roslyn's telemetry).
/// </summary>
internal static class AnalyzerEditCost
{
    private const int Runs = 25, WarmUp = 5;

    public static void Report(MetadataReference[] references)
    {
        var session = new EditSession(() => new Generator.DifferentiationGenerator(), references);
        var build = Measure(() =>
        {
            var compilation = session.Reparsed();
            return (() => compilation.GetDiagnostics(), compilation, null);
        });
        var edit = Measure(() =>
        {
            session.EditOneMethod();
            var compilation = session.Compilation;
            var tree = session.EditedTree!;
            return (() => compilation.GetSemanticModel(tree).GetDiagnostics(), compilation, tree);
        });
        Console.WriteLine($"LoopTapeAnalyzer (SG0104), process CPU time, median of {Runs - WarmUp} (min–max); compiler = the compiler's own diagnostics first, analyzer = the analysis after it, callbacks = the analyzer's own time in it");
        Console.WriteLine($"{"build (all files)",-20} compiler {build.Compiler,-28} analyzer {build.Analysis,-28} callbacks {build.Callbacks}; {build.Reported} SG0104");
        Console.WriteLine($"{"edit one method",-20} compiler {edit.Compiler,-28} analyzer {edit.Analysis,-28} callbacks {edit.Callbacks}; {edit.Reported} SG0104 (the edited file)");
    }

    private static (string Compiler, string Analysis, string Callbacks, int Reported) Measure(
        Func<(Func<ImmutableArray<Diagnostic>> CompilerDiagnostics, Compilation Compilation, SyntaxTree? Document)> prepare)
    {
        var compiler = new List<double>();
        var analysis = new List<double>();
        var callbacks = new List<double>();
        int reported = 0;
        for (int i = 0; i < Runs; i++)
        {
            var (compilerDiagnostics, compilation, document) = prepare();
            var analyzer = new LoopTapeAnalyzer();
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null,
                concurrentAnalysis: false, logAnalyzerExecutionTime: true);

            var before = Process.GetCurrentProcess().TotalProcessorTime;
            compilerDiagnostics();
            var between = Process.GetCurrentProcess().TotalProcessorTime;
            var withAnalyzer = compilation.WithAnalyzers([analyzer], options);
            var diagnostics = document is null
                ? withAnalyzer.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult()
                : withAnalyzer.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(document), null, CancellationToken.None).GetAwaiter().GetResult();
            var after = Process.GetCurrentProcess().TotalProcessorTime;
            var telemetry = withAnalyzer.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult();

            if (i < WarmUp) continue;
            compiler.Add((between - before).TotalMilliseconds);
            analysis.Add((after - between).TotalMilliseconds);
            callbacks.Add(telemetry.ExecutionTime.TotalMilliseconds);
            reported = diagnostics.Count(d => d.Id == "SG0104");
        }
        return (Summary(compiler), Summary(analysis), Summary(callbacks), reported);
    }

    private static string Summary(List<double> times)
    {
        times.Sort();
        return $"{times[times.Count / 2]:F2} ms ({times[0]:F2}–{times[^1]:F2})";
    }
}
