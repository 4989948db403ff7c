using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using SymbolicGrad.Generator.Declarations;

namespace SymbolicGrad.CodeFixes;

/// <summary>
/// SG0050: gives a [DerivativeOf] rule the return type and parameters its function's rule needs (the analyzer computes
/// them and passes them in the diagnostic's properties), and makes it static and not generic. The body is kept as it is;
/// a parameter the body still names under an old name is for the user to rename.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RuleSignatureCodeFix)), Shared]
public sealed class RuleSignatureCodeFix : DocumentCodeFix
{
    /// <inheritdoc />
    protected override string DiagnosticId => DiagnosticIds.RuleSignature;

    /// <inheritdoc />
    protected override string? Title(SyntaxNode flagged) =>
        flagged.FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } rule
            ? $"Give '{rule.Identifier.ValueText}' the signature of a derivative rule of its function"
            : null;

    /// <inheritdoc />
    protected override string? Title(SyntaxNode flagged, Diagnostic diagnostic) => Expected(diagnostic) is null ? null : Title(flagged);

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellation)
    {
        var rules = new Dictionary<MethodDeclarationSyntax, (string ReturnType, string Parameters)>();
        foreach (var diagnostic in diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } rule) continue;
            if (Expected(diagnostic) is { } expected) rules[rule] = expected;
        }
        if (rules.Count == 0) return document;
        var rewritten = root.ReplaceNodes(rules.Keys, (original, rule) => Rewrite(rule, rules[original]));
        return await Attributes.CleanUpAsync(document.WithSyntaxRoot(rewritten), cancellation).ConfigureAwait(false);
    }

    private static (string ReturnType, string Parameters)? Expected(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(RuleSignatureProperties.ReturnType, out var returns) && returns is not null
        && diagnostic.Properties.TryGetValue(RuleSignatureProperties.Parameters, out var parameters) && parameters is not null
            ? (returns, parameters)
            : null;

    /// <summary>The rule with the expected signature; its types fully qualified and marked for the cleanup to shorten.</summary>
    private static MethodDeclarationSyntax Rewrite(MethodDeclarationSyntax rule, (string ReturnType, string Parameters) expected)
    {
        var returns = SyntaxFactory.ParseTypeName(expected.ReturnType)
            .WithTriviaFrom(rule.ReturnType)
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        var parameters = SyntaxFactory.ParseParameterList("(" + expected.Parameters + ")")
            .WithTriviaFrom(rule.ParameterList)
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        var fixedRule = rule.WithReturnType(returns).WithParameterList(parameters);
        if (fixedRule.TypeParameterList is not null)
        {
            fixedRule = fixedRule.WithTypeParameterList(null).WithConstraintClauses(default);
        }
        return MakeStatic(fixedRule);
    }

    /// <summary><c>static</c> after the accessibility modifiers (taking the first token's indentation when it comes first).</summary>
    private static MethodDeclarationSyntax MakeStatic(MethodDeclarationSyntax rule)
    {
        if (rule.Modifiers.Any(SyntaxKind.StaticKeyword)) return rule;
        var modifiers = rule.Modifiers;
        int at = 0;
        while (at < modifiers.Count && IsAccessibility(modifiers[at])) at++;
        if (at > 0) return rule.WithModifiers(modifiers.Insert(at, StaticKeyword(default)));
        if (modifiers.Count > 0)
        {
            var first = modifiers[0];
            return rule.WithModifiers(modifiers.Replace(first, first.WithLeadingTrivia()).Insert(0, StaticKeyword(first.LeadingTrivia)));
        }
        var leading = rule.ReturnType.GetLeadingTrivia();
        return rule.WithReturnType(rule.ReturnType.WithoutLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(StaticKeyword(leading)));
    }

    private static SyntaxToken StaticKeyword(SyntaxTriviaList leading) =>
        SyntaxFactory.Token(leading, SyntaxKind.StaticKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));

    private static bool IsAccessibility(SyntaxToken modifier) =>
        modifier.IsKind(SyntaxKind.PublicKeyword) || modifier.IsKind(SyntaxKind.PrivateKeyword)
        || modifier.IsKind(SyntaxKind.InternalKeyword) || modifier.IsKind(SyntaxKind.ProtectedKeyword);
}
