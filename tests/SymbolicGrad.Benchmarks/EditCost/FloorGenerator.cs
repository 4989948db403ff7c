using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SymbolicGrad.Benchmarks.EditCost;

/// <summary>
/// The floor of an edit's cost: an incremental generator with one syntax provider (the methods that have attributes, as
/// SymbolicGrad's) and an output that does nothing. What it costs per edit is Roslyn's driver, not a generator's work.
/// </summary>
internal sealed class FloorGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var methods = context.SyntaxProvider.CreateSyntaxProvider(
            static (node, _) => node is MethodDeclarationSyntax { AttributeLists.Count: > 0 },
            static (method, _) => ((MethodDeclarationSyntax)method.Node).Identifier.ValueText);
        context.RegisterSourceOutput(methods, static (_, _) => { });
    }
}
