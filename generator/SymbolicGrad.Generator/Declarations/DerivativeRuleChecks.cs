using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Diagnostics;

namespace SymbolicGrad.Generator.Declarations;

/// <summary>
/// The rules of a <c>[DerivativeOf]</c> method's declaration, as Swift checks its derivative attributes: the function it
/// names exists (SG0052), the rule has exactly the signature that function's rule needs (SG0050, spelling it out), the
/// function has no other rule (SG0051), and when the function is itself [Differentiable], that callers use the rule
/// (SG0053). SymbolicGrad.Analyzers reports them as you type; the generator only uses the rules that fit (a call of a
/// function whose rule does not fit is SG0056 at the call). Compiled into both assemblies.
/// </summary>
internal static class DerivativeRuleChecks
{
    /// <summary>Every descriptor these checks report.</summary>
    public static readonly ImmutableArray<DiagnosticDescriptor> Descriptors = ImmutableArray.Create(
        DiagnosticCatalogue.RuleSignature, DiagnosticCatalogue.DuplicateRule, DiagnosticCatalogue.RuleTargetNotFound,
        DiagnosticCatalogue.RuleReplacesBody);

    /// <summary>The broken rules of the <c>[DerivativeOf]</c> method <paramref name="rule"/>, declared by <paramref name="declaration"/>.</summary>
    public static List<Diagnostic> Check(IMethodSymbol rule, MethodDeclarationSyntax declaration, DerivativeRules rules)
    {
        var diagnostics = new List<Diagnostic>();
        var at = declaration.Identifier.GetLocation();
        var resolved = DerivativeRules.Resolve(rule);
        if (resolved is null || resolved.FunctionName is null || resolved.Type is null)
        {
            // The attribute's arguments have errors, which the C# compiler reports.
            return diagnostics;
        }
        string name = resolved.Type.Name + "." + resolved.FunctionName;
        if (resolved.Function is not { } function)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticCatalogue.RuleTargetNotFound, FunctionArgument(resolved) ?? at, rule.Name,
                resolved.FunctionName, resolved.Type.ToDisplayString()));
            return diagnostics;
        }
        if (!resolved.Matches)
        {
            // What the code fix writes (nothing when no signature fits, e.g. the function is not static).
            var properties = DerivativeRules.ExpectedDeclaration(function) is { } expected
                ? ImmutableDictionary<string, string?>.Empty
                    .Add(RuleSignatureProperties.ReturnType, expected.ReturnType).Add(RuleSignatureProperties.Parameters, expected.Parameters)
                : ImmutableDictionary<string, string?>.Empty;
            diagnostics.Add(Diagnostic.Create(DiagnosticCatalogue.RuleSignature, at, properties, rule.Name, name, resolved.Expected));
            return diagnostics;
        }
        var first = rules.RulesOf(function).FirstOrDefault();
        if (first is not null && !SymbolEqualityComparer.Default.Equals(first.Rule, rule))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticCatalogue.DuplicateRule, at, rule.Name, name, first.Rule.ContainingType.Name + "." + first.Rule.Name));
        }
        else if (DeclarationRules.IsDifferentiable(function))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticCatalogue.RuleReplacesBody, at, name, rule.Name));
        }
        return diagnostics;
    }

    /// <summary>The attribute's argument that names the function (<c>nameof(F)</c>).</summary>
    private static Location? FunctionArgument(RuleDeclaration rule)
    {
        if (rule.Attribute.ApplicationSyntaxReference?.GetSyntax() is not AttributeSyntax syntax || syntax.ArgumentList is not { } list) return null;
        return list.Arguments.Count == 0 ? null : list.Arguments[list.Arguments.Count - 1].GetLocation();
    }
}
