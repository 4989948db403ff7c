using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Rename;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.CodeFixes;

/// <summary>
/// SG0017 (a name the generated code must add is taken): renames what the diagnostic points at, everywhere in the
/// solution — the member holding the name, the parameter whose gradient's name is taken, or the [Differentiable] method
/// itself (a second overload, or a name taken by a member of a referenced assembly) — to the first free name with a number.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RenameTakenNameCodeFix)), Shared]
public sealed class RenameTakenNameCodeFix : CodeFixProvider
{
    private const string DifferentiableAttribute = "SymbolicGrad.DifferentiableAttribute";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.NameConflict);

    /// <summary>A rename changes the solution's symbols under the other diagnostics: fix one at a time.</summary>
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            var token = root.FindToken(diagnostic.Location.SourceSpan.Start);
            var symbol = token.Parent?.AncestorsAndSelf().Select(n => model.GetDeclaredSymbol(n, context.CancellationToken)).FirstOrDefault(s => s is not null);
            if (symbol is null || FreeName(symbol) is not { } newName) continue;
            var solution = context.Document.Project.Solution;
            context.RegisterCodeFix(CodeAction.Create($"Rename '{symbol.Name}' to '{newName}'",
                cancellation => Renamer.RenameSymbolAsync(solution, symbol, new SymbolRenameOptions(), newName, cancellation),
                nameof(RenameTakenNameCodeFix)), diagnostic);
        }
    }

    /// <summary>The symbol's name with the first number (2, 3, …) that makes it, and what it generates, free.</summary>
    internal static string? FreeName(ISymbol symbol)
    {
        for (int n = 2; n < 1000; n++)
        {
            string candidate = symbol.Name + n;
            bool free = symbol switch
            {
                IParameterSymbol parameter => ParameterNameIsFree(parameter, candidate),
                IMethodSymbol method when IsDifferentiable(method) => MemberNamesAreFree(method.ContainingType, GeneratedMembers.All(candidate).Prepend(candidate), except: method),
                _ when symbol.ContainingType is { } type => MemberNamesAreFree(type, new[] { candidate }, except: null),
                _ => false,
            };
            if (free) return candidate;
        }
        return null;
    }

    /// <summary>Neither the name nor its gradient's (<c>dX</c>) is used in the method.</summary>
    private static bool ParameterNameIsFree(IParameterSymbol parameter, string candidate)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol method) return false;
        var used = new HashSet<string>(method.DeclaringSyntaxReferences.SelectMany(r => r.GetSyntax().DescendantTokens()).Select(t => t.ValueText));
        foreach (var other in method.Parameters) used.Add(GradientName(other.Name));
        return !used.Contains(candidate) && !used.Contains(GradientName(candidate));
    }

    /// <summary>No member of the type or its bases has one of the names, nor does a [Differentiable] method of the type generate one.</summary>
    private static bool MemberNamesAreFree(INamedTypeSymbol type, IEnumerable<string> names, ISymbol? except)
    {
        var taken = new HashSet<string>();
        for (var t = type; t is not null; t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                if (SymbolEqualityComparer.Default.Equals(member, except)) continue;
                taken.Add(member.Name);
                if (member is IMethodSymbol method && IsDifferentiable(method)) taken.UnionWith(GeneratedMembers.All(method.Name));
            }
        }
        return !names.Any(taken.Contains);
    }

    private static bool IsDifferentiable(IMethodSymbol method) =>
        method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DifferentiableAttribute);

    private static string GradientName(string name) => "d" + char.ToUpperInvariant(name[0]) + name.Substring(1);
}
