using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Checks each method marked <c>[DerivativeOf]</c>, as Swift checks its derivative attributes: the function it names
/// exists (SG0052), the rule has exactly the signature that function's rule needs (SG0050, spelling it out), the function
/// has no other rule (SG0051), and when the function is itself [Differentiable], that callers use the rule (SG0053).
/// </summary>
internal static class DerivativeRuleChecks
{
    private const string DifferentiableAttribute = "SymbolicGrad.DifferentiableAttribute";

    public static EquatableArray<DiagnosticInfo> Check(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        if (context.TargetSymbol is not IMethodSymbol rule || context.TargetNode is not MethodDeclarationSyntax declaration)
        {
            return EquatableArray<DiagnosticInfo>.Empty;
        }
        var diagnostics = new List<DiagnosticInfo>();
        var at = LocationInfo.From(declaration.Identifier);
        var resolved = DerivativeRules.Resolve(rule);
        if (resolved is null || resolved.FunctionName is null || resolved.Type is null)
        {
            // The attribute's arguments have errors, which the C# compiler reports.
            return EquatableArray<DiagnosticInfo>.Empty;
        }
        string name = resolved.Type.Name + "." + resolved.FunctionName;
        if (resolved.Function is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.RuleTargetNotFound, FunctionArgument(resolved) ?? at, rule.Name,
                resolved.FunctionName, resolved.Type.ToDisplayString()));
            return diagnostics.ToEquatableArray();
        }
        var function = resolved.Function;
        if (!resolved.Matches)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.RuleSignature, at, rule.Name, name, resolved.Expected));
            return diagnostics.ToEquatableArray();
        }
        var rules = DerivativeRules.Of(context.SemanticModel.Compilation).RulesOf(function);
        var first = rules.FirstOrDefault();
        if (first is not null && !SymbolEqualityComparer.Default.Equals(first.Rule, rule))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.DuplicateRule, at, rule.Name, name, first.Rule.ContainingType.Name + "." + first.Rule.Name));
        }
        else if (function.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DifferentiableAttribute))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.RuleReplacesBody, at, name, rule.Name));
        }
        return diagnostics.ToEquatableArray();
    }

    /// <summary>The attribute's argument that names the function (<c>nameof(F)</c>).</summary>
    private static LocationInfo? FunctionArgument(RuleDeclaration rule)
    {
        if (rule.Attribute.ApplicationSyntaxReference?.GetSyntax() is not AttributeSyntax syntax || syntax.ArgumentList is not { } list) return null;
        return list.Arguments.Count == 0 ? null : LocationInfo.From(list.Arguments[list.Arguments.Count - 1]);
    }
}
