using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SymbolicGrad.Benchmarks.EditCost;

/// <summary>
/// The floor plus what reporting given diagnostics costs Roslyn: <see cref="FloorGenerator"/>'s syntax provider, and
/// the diagnostics SymbolicGrad reported (same ids, severities, spans, messages) reported again in each file's own tree,
/// one output per file as SymbolicGrad does. The driver filters every one of them (pragmas, [SuppressMessage]) on
/// every run, cached or not; this isolates that cost.
/// </summary>
internal sealed class ReplayedDiagnosticsGenerator(ImmutableArray<Diagnostic> diagnostics) : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var methods = context.SyntaxProvider.CreateSyntaxProvider(
            static (node, _) => node is MethodDeclarationSyntax { AttributeLists.Count: > 0 },
            static (method, _) => ((MethodDeclarationSyntax)method.Node).Identifier.ValueText);
        context.RegisterSourceOutput(methods, static (_, _) => { });
        var trees = context.SyntaxProvider.CreateSyntaxProvider(static (node, _) => node is CompilationUnitSyntax, static (file, _) => file.Node.SyntaxTree);
        context.RegisterSourceOutput(trees, (output, tree) =>
        {
            foreach (var diagnostic in diagnostics)
            {
                if (diagnostic.Location.SourceTree?.FilePath != tree.FilePath) continue;
                var descriptor = new DiagnosticDescriptor(diagnostic.Id, diagnostic.Descriptor.Title, "{0}", diagnostic.Descriptor.Category,
                    diagnostic.Descriptor.DefaultSeverity, isEnabledByDefault: true);
                output.ReportDiagnostic(Diagnostic.Create(descriptor, Location.Create(tree, diagnostic.Location.SourceSpan), diagnostic.GetMessage()));
            }
        });
    }
}
