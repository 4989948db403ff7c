using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicGrad.Benchmarks.Training;

namespace SymbolicGrad.Benchmarks.EditCost;

/// <summary>
/// An analyzer that registers what <paramref name="inner"/> registers (syntax node actions only, as LoopTapeAnalyzer
/// does), each action timed by the CPU time of the thread that runs it: the analyzer's own work, apart from the driver's.
/// </summary>
#pragma warning disable RS1001, RS1025, RS1026 // A wrapper made by the benchmark, never loaded as an analyzer: the inner one configures.
internal sealed class TimedAnalyzer(DiagnosticAnalyzer inner) : DiagnosticAnalyzer
{
    private long _nanoseconds;

    /// <summary>The thread CPU time the inner analyzer's actions took so far, in milliseconds.</summary>
    public double Milliseconds => Interlocked.Read(ref _nanoseconds) / 1e6;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => inner.SupportedDiagnostics;

    public override void Initialize(AnalysisContext context) => inner.Initialize(new Timing(context, this));

    private sealed class Timing(AnalysisContext context, TimedAnalyzer owner) : AnalysisContext
    {
        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) =>
            context.RegisterSyntaxNodeAction(c =>
            {
                long before = ThreadCpuClock.Instance.GetTimestamp();
                action(c);
                Interlocked.Add(ref owner._nanoseconds, ThreadCpuClock.Instance.GetTimestamp() - before);
            }, syntaxKinds);

        public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode) => context.ConfigureGeneratedCodeAnalysis(analysisMode);

        public override void EnableConcurrentExecution() => context.EnableConcurrentExecution();

        public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => throw Unsupported();

        public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) => throw Unsupported();

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => throw Unsupported();

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => throw Unsupported();

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => throw Unsupported();

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => throw Unsupported();

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => throw Unsupported();

        private static NotSupportedException Unsupported() => new("TimedAnalyzer times syntax node actions only.");
    }
}
#pragma warning restore RS1001, RS1025, RS1026
