using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicGrad.Analyzers;
using SymbolicGrad.Benchmarks.Training;

namespace SymbolicGrad.Benchmarks.EditCost;

/// <summary>
/// What <see cref="LoopTapeAnalyzer"/> (SG0104, moved out of the generator) costs on the edit benchmark's project: at
/// build (the project parsed anew, after the compiler's own diagnostics, as csc runs analyzers beside compiling) and in
/// the IDE after a keystroke in one method (the edited document's semantic diagnostics, after the compiler's). Both run
/// without concurrency: the compiler's diagnostics by thread CPU time; the analysis, which Roslyn runs on pool threads, by
/// process CPU time (the analyzer driver included), and the analyzer's own callback time as Roslyn's telemetry measures it
/// (wall clock, so inflated on a loaded machine).
/// </summary>
internal static class AnalyzerEditCost
{
    private const int Runs = 25, WarmUp = 5;

    public static void Report(MetadataReference[] references)
    {
        var session = new EditSession(() => new Generator.DifferentiationGenerator(), references);
        // One options object for every compilation, as a project keeps it (the lowering cache compares it by reference).
        var serial = session.Compilation.Options.WithConcurrentBuild(false);
        var build = Measure(() =>
        {
            var compilation = session.Reparsed();
            compilation = compilation.WithOptions(serial);
            return (() => compilation.GetDiagnostics(), compilation, null);
        });
        var edit = Measure(() =>
        {
            session.EditOneMethod();
            var compilation = session.Compilation.WithOptions(serial);
            var edited = session.EditedTree!;
            var tree = compilation.SyntaxTrees.Single(t => t.FilePath == edited.FilePath);
            return (() => compilation.GetSemanticModel(tree).GetDiagnostics(), compilation, tree);
        });
        Console.WriteLine($"LoopTapeAnalyzer (SG0104), median of {Runs - WarmUp} (min–max); compiler = the compiler's own diagnostics first (thread CPU), analyzer = the analysis after it (process CPU), callbacks = the analyzer's own time in it (wall), work = the same by thread CPU");
        Console.WriteLine($"{"build (all files)",-20} compiler {build.Compiler,-28} analyzer {build.Analysis,-28} callbacks {build.Callbacks,-28} work {build.Work}; {build.Reported} SG0104");
        Console.WriteLine($"{"edit one method",-20} compiler {edit.Compiler,-28} analyzer {edit.Analysis,-28} callbacks {edit.Callbacks,-28} work {edit.Work}; {edit.Reported} SG0104 (the edited file)");
    }

    private static (string Compiler, string Analysis, string Callbacks, string Work, int Reported) Measure(
        Func<(Func<ImmutableArray<Diagnostic>> CompilerDiagnostics, Compilation Compilation, SyntaxTree? Document)> prepare)
    {
        var compiler = new List<double>();
        var analysis = new List<double>();
        var callbacks = new List<double>();
        var work = new List<double>();
        int reported = 0;
        for (int i = 0; i < Runs; i++)
        {
            var (compilerDiagnostics, compilation, document) = prepare();
            var timed = new TimedAnalyzer(new LoopTapeAnalyzer());
            DiagnosticAnalyzer analyzer = timed;
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null,
                concurrentAnalysis: false, logAnalyzerExecutionTime: true);

            long before = ThreadCpuClock.Instance.GetTimestamp();
            compilerDiagnostics();
            long between = ThreadCpuClock.Instance.GetTimestamp();
            var processBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var withAnalyzer = compilation.WithAnalyzers([analyzer], options);
            var diagnostics = document is null
                ? withAnalyzer.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult()
                : withAnalyzer.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(document), null, CancellationToken.None).GetAwaiter().GetResult();
            var processAfter = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var telemetry = withAnalyzer.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult();

            if (i < WarmUp) continue;
            compiler.Add((between - before) / 1e6);
            analysis.Add((processAfter - processBefore).TotalMilliseconds);
            callbacks.Add(telemetry.ExecutionTime.TotalMilliseconds);
            work.Add(timed.Milliseconds);
            reported = diagnostics.Count(d => d.Id == "SG0104");
        }
        return (Summary(compiler), Summary(analysis), Summary(callbacks), Summary(work), reported);
    }

    private static string Summary(List<double> times)
    {
        times.Sort();
        return $"{times[times.Count / 2]:F2} ms ({times[0]:F2}–{times[^1]:F2})";
    }
}
