using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Declarations;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using MethodKind = SymbolicGrad.Generator.Pipeline.MethodKind;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// What lowering learns of a [Differentiable] method from its declaration alone: its kind, the declaration rules, its
/// enclosing types, parameters and derivative forms, and the names its generated file repeats. An edit inside a body
/// changes none of it, so a declaration without problems is kept as a declaration fact (<see cref="DeclarationFacts"/>)
/// and a keystroke reads it instead of asking the new compilation's symbols again. One with problems is not kept: its
/// diagnostics hold spans, which an edit in an earlier body moves.
/// </summary>
/// <param name="BadDeclaration">
/// Whether a declaration rule the analyzer reports is broken, but for the body's absence (asked of the syntax each time:
/// <c>=&gt; x;</c> and <c>;</c> have the same tokens outside bodies).
/// </param>
internal sealed record MethodDeclaration(
    MethodKind Kind,
    bool BadDeclaration,
    EquatableArray<ContainingType> ContainingTypes,
    ScalarKind ReturnKind,
    EquatableArray<DeclaredParameter> Parameters,
    bool Jvp,
    bool Hessian,
    string? Namespace,
    string Accessibility,
    string HintName,
    string DocumentationId,
    bool QualifyMath)
{
    /// <summary>
    /// The declaration of <paramref name="method"/> (not a layer helper), declared by <paramref name="declaration"/> and
    /// marked <paramref name="mark"/>, with its problems added to <paramref name="diagnostics"/>.
    /// </summary>
    public static MethodDeclaration Read(IMethodSymbol method, DifferentiableMark mark, MethodDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
    {
        var kind = MethodClassifier.Classify(method);
        // A broken declaration rule is the analyzer's to report; the generator generates nothing for the method.
        bool badDeclaration = DeclarationRules.Check(method, declaration).Any(d => d.Id != Diagnostics.DiagnosticCatalogue.NoBody.Id);
        var containingTypes = DeclarationChecks.ContainingTypes(method);
        DeclarationChecks.CheckReturnType(kind, method, declaration, diagnostics);
        // NameGraph is taken only when a graph is asked for: a rule of the generator's, not the analyzer's.
        if (mark.Graph) DeclarationChecks.CheckGraphName(method, declaration, diagnostics);
        var returnKind = kind == MethodKind.ScalarFunction ? ScalarTypes.KindOf(method.ReturnType) ?? ScalarKind.Double : ScalarKind.Single;
        var parameters = ParameterBinder.Declare(kind, method, diagnostics);
        var (jvp, hessian) = DerivativeForms.Check(kind, method, mark, parameters, diagnostics);
        return new MethodDeclaration(kind, badDeclaration, containingTypes, returnKind, parameters.ToEquatableArray(), jvp, hessian,
            method.ContainingNamespace.IsGlobalNamespace ? null : method.ContainingNamespace.ToDisplayString(),
            DeclarationChecks.AccessibilityKeyword(method.DeclaredAccessibility),
            DeclarationChecks.HintName(method),
            DeclarationChecks.DocumentationId(kind, method),
            DeclarationChecks.MathIsShadowed(method));
    }

    /// <summary>
    /// The declaration of <paramref name="method"/> as kept for <paramref name="key"/> (<see cref="DifferentiableMark.KeyOf"/>),
    /// read once per set of declarations; null when it must be read with its diagnostics each time (a layer helper, a
    /// problem, parameters declared elsewhere than in <paramref name="declaration"/>).
    /// </summary>
    public static MethodDeclaration? Kept(string key, IMethodSymbol method, DifferentiableMark mark, MethodDeclarationSyntax declaration)
    {
        var kept = DeclarationFacts.Get<MethodDeclaration?>("declaration|" + key, () =>
        {
            if (LayerHelper.Is(method) || !ParametersAreIn(method, declaration)) return null;
            var diagnostics = new List<DiagnosticInfo>();
            var read = Read(method, mark, declaration, diagnostics);
            // Locations move with an edit above the method: keep none.
            return diagnostics.Count > 0 ? null : read with { Parameters = read.Parameters.Select(p => p with { Location = null }).ToEquatableArray() };
        });
        if (kept is null) return null;
        var parameters = declaration.ParameterList.Parameters;
        return kept with { Parameters = kept.Parameters.Select(p => p with { Location = LocationInfo.From(parameters[p.Ordinal]) }).ToEquatableArray() };
    }

    /// <summary>Whether each parameter's syntax is <paramref name="declaration"/>'s own (not a partial method's other part).</summary>
    private static bool ParametersAreIn(IMethodSymbol method, MethodDeclarationSyntax declaration)
    {
        var syntax = declaration.ParameterList.Parameters;
        if (method.Parameters.Length != syntax.Count) return false;
        for (int i = 0; i < syntax.Count; i++)
        {
            if (ParameterBinder.SyntaxOf(method.Parameters[i]) != syntax[i]) return false;
        }
        return true;
    }
}
