using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Backends.CSharp;
using SymbolicGrad.Generator.Frontend;
using SymbolicGrad.Generator.Planning;
using SymbolicGrad.Generator.Transforms;

namespace SymbolicGrad.Generator;

/// <summary>
/// The SymbolicGrad compiler: for each method marked [Differentiable], generates its gradient method.
/// </summary>
/// <remarks>
/// This file only wires the stages: Lower (C# → IR) → Transform (reverse mode) → Plan (names, statements, storage) →
/// Write (C#); the derived methods (forward mode, second order) branch off after Transform. SymbolicGrad.Analyzers
/// checks the declarations of [Differentiable] methods and [DerivativeOf] rules. Caching contract: each stage's output
/// is plain equatable data (records, equatable arrays, locations as text spans; never a symbol, syntax node or
/// compilation), so when an edit leaves a method's lowered IR unchanged, the later stages are not re-run and its source
/// is not re-added.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class DifferentiationGenerator : IIncrementalGenerator
{
    private const string DifferentiableAttribute = "SymbolicGrad.DifferentiableAttribute";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var lowered = context.SyntaxProvider
            .ForAttributeWithMetadataName(DifferentiableAttribute,
                static (node, _) => node is MethodDeclarationSyntax or LocalFunctionStatementSyntax,
                LoweringCache.Lower)
            .WithTrackingName(TrackingNames.Lower);

        var transformed = lowered
            .Select(static (result, _) => ReverseMode.Differentiate(result))
            .WithTrackingName(TrackingNames.Transform);

        var planned = transformed
            .Select(static (result, _) => Planner.Plan(result))
            .WithTrackingName(TrackingNames.Plan);

        var written = planned
            .Select(static (result, _) => CSharpBackend.Write(result))
            .WithTrackingName(TrackingNames.Write);

        // NameJvp, NameHessian and NameHvp, as [Differentiable(Jvp = true, Hessian = true)] asks: from the gradient's IR.
        var derived = transformed
            .Select(static (result, _) => DerivedMethods.Transform(result))
            .WithTrackingName(TrackingNames.Derive)
            .Select(static (result, _) => DerivedMethods.Plan(result))
            .WithTrackingName(TrackingNames.PlanDerived)
            .Select(static (result, _) => DerivedWriter.Write(result))
            .WithTrackingName(TrackingNames.WriteDerived);

        context.RegisterSourceOutput(written.Select(static (result, _) => result.File), AddFile);
        context.RegisterSourceOutput(derived.Select(static (result, _) => result.File), AddFile);

        // Diagnostics are located in the compilation's own trees, so that '#pragma warning disable' and
        // [SuppressMessage] apply to them; only this cheap step sees every new compilation.
        var diagnostics = written.Select(static (result, _) => result.Diagnostics).Where(static list => list.Count > 0).Collect()
            .Combine(derived.Select(static (result, _) => result.Diagnostics).Where(static list => list.Count > 0).Collect());
        context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider), static (output, pair) =>
        {
            var trees = TreesByPath(pair.Right);
            var (methods, derivedMethods) = pair.Left;
            foreach (var list in methods.Concat(derivedMethods))
            {
                foreach (var diagnostic in list) output.ReportDiagnostic(diagnostic.ToDiagnostic(trees));
            }
        });
    }

    private static void AddFile(SourceProductionContext output, Pipeline.GeneratedFile? file)
    {
        if (file is not null) output.AddSource(file.HintName, file.Source);
    }

    /// <summary>The compilation's trees by file path; a path several trees share is left out (its diagnostics keep a file location).</summary>
    private static Dictionary<string, SyntaxTree> TreesByPath(Compilation compilation)
    {
        var trees = new Dictionary<string, SyntaxTree>(StringComparer.Ordinal);
        var shared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (!trees.ContainsKey(tree.FilePath)) trees.Add(tree.FilePath, tree);
            else shared.Add(tree.FilePath);
        }
        foreach (string path in shared) trees.Remove(path);
        return trees;
    }
}
