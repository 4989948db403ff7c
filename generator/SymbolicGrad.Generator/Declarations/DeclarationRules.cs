using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Frontend;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using MethodKind = SymbolicGrad.Generator.Pipeline.MethodKind;

namespace SymbolicGrad.Generator.Declarations;

/// <summary>
/// The rules of a [Differentiable] method's declaration (not its body): enclosing types partial and not file-local,
/// static, not generic, with a body, and no generated public name already taken. The analyzer reports them as you
/// type; the generator asks only whether any holds, and then generates nothing and says nothing (no id is reported twice).
/// This file and what it reads are compiled into both assemblies (SymbolicGrad.Analyzers links them).
/// </summary>
internal static class DeclarationRules
{
    /// <summary>Every descriptor these rules report.</summary>
    public static readonly ImmutableArray<DiagnosticDescriptor> Descriptors = ImmutableArray.Create(
        DiagnosticCatalogue.TypeNotPartial, DiagnosticCatalogue.NotStatic, DiagnosticCatalogue.GenericMethod,
        DiagnosticCatalogue.NoBody, DiagnosticCatalogue.NameConflict, DiagnosticCatalogue.FileLocalType);

    private const string DifferentiableAttribute = "SymbolicGrad.DifferentiableAttribute";
    private const string NoDiffAttribute = "SymbolicGrad.NoDiffAttribute";

    /// <summary>The broken rules of <paramref name="method"/> as declared by <paramref name="declaration"/>, empty when it is well declared.</summary>
    public static List<Diagnostic> Check(IMethodSymbol method, MethodDeclarationSyntax declaration)
    {
        var diagnostics = new List<Diagnostic>();
        var at = declaration.Identifier.GetLocation();
        if (TensorTypes.IsTensorType(method.ReturnType))
        {
            // A layer helper generates nothing, so only what stops it from being inlined matters.
            if (!method.IsStatic && !TensorTypes.IsModel(method.ContainingType)) diagnostics.Add(Diagnostic.Create(DiagnosticCatalogue.NotStatic, at, method.Name));
            CheckShape(method, declaration, at, diagnostics);
            return diagnostics;
        }

        var kind = MethodClassifier.Classify(method);
        CheckContainingTypes(method, method.Name + "Gradient", diagnostics);
        if (kind == MethodKind.ScalarFunction && !method.IsStatic) diagnostics.Add(Diagnostic.Create(DiagnosticCatalogue.NotStatic, at, method.Name));
        CheckShape(method, declaration, at, diagnostics);
        foreach (string generated in GeneratedMembers.Public(kind, method.Name)) CheckTakenName(method, generated, at, diagnostics);
        if (kind != MethodKind.ScalarFunction && EarlierOverload(method) is { } earlier)
        {
            // An earlier [Differentiable] overload generates the same workspace type (and a model's batched methods).
            string workspace = method.Name + "Workspace";
            diagnostics.Add(Diagnostic.Create(DiagnosticCatalogue.NameConflict, at, workspace, workspace,
                $"the workspace of the [Differentiable] overload '{earlier.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}'"));
        }
        CheckGradientNames(kind, method, diagnostics);
        return diagnostics;
    }

    /// <summary>Whether <paramref name="method"/> carries [Differentiable].</summary>
    public static bool IsDifferentiable(IMethodSymbol method) =>
        method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DifferentiableAttribute);

    /// <summary>Whether <paramref name="parameter"/> carries [NoDiff].</summary>
    public static bool IsNoDiff(IParameterSymbol parameter) =>
        parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == NoDiffAttribute);

    /// <summary>
    /// Whether the gradient has a <c>dX</c> for <paramref name="parameter"/>: a real value, array or span of a scalar
    /// function, or a Vec or Mat of a tensor function, without [NoDiff].
    /// </summary>
    public static bool HasGradient(MethodKind kind, IParameterSymbol parameter)
    {
        if (IsNoDiff(parameter)) return false;
        int rank = TensorTypes.RankOf(parameter.Type);
        return kind switch
        {
            MethodKind.ScalarFunction => rank == 0 && (ArrayTypes.ElementKind(parameter.Type) ?? ScalarTypes.KindOf(parameter.Type)) is Ir.ScalarKind.Double or Ir.ScalarKind.Single,
            MethodKind.TensorFunction => rank > 0 && parameter.RefKind == RefKind.None,
            _ => false,
        };
    }

    /// <summary><c>d</c> + the name with its first letter upper-cased (<c>phi0</c> → <c>dPhi0</c>).</summary>
    public static string GradientName(string name) => "d" + char.ToUpperInvariant(name[0]) + name.Substring(1);

    private static void CheckShape(IMethodSymbol method, MethodDeclarationSyntax declaration, Location at, List<Diagnostic> diagnostics)
    {
        if (method.IsGenericMethod) diagnostics.Add(Diagnostic.Create(DiagnosticCatalogue.GenericMethod, at, method.Name));
        if (declaration.Body is null && declaration.ExpressionBody is null)
        {
            // The attribute on a partial method's declaration part: the body is in the other part.
            string advice = method.PartialImplementationPart is not null
                ? ": this is the declaration of a partial method; put [Differentiable] on its implementation, the part with the body"
                : "";
            diagnostics.Add(Diagnostic.Create(DiagnosticCatalogue.NoBody, at, method.Name, advice));
        }
    }

    /// <summary>The enclosing types, innermost first: each must be partial and not file-local.</summary>
    private static void CheckContainingTypes(IMethodSymbol method, string generatedName, List<Diagnostic> diagnostics)
    {
        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            var declarations = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>().ToList();
            if (type.IsFileLocal && declarations.Count > 0)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticCatalogue.FileLocalType, declarations[0].Identifier.GetLocation(), type.Name, generatedName));
            }
            var notPartial = declarations.FirstOrDefault(d => !d.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (notPartial is not null)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticCatalogue.TypeNotPartial, notPartial.Identifier.GetLocation(), type.Name, generatedName));
            }
        }
    }

    /// <summary>
    /// SG0017 when a member of the type or a base type already has <paramref name="generated"/>, a name the contract
    /// fixes (inherited members count too: the generated member would hide them, CS0108): at that member when it is
    /// declared in the method's own type, else at the method (so that each diagnostic lies in the type that reports it).
    /// </summary>
    private static void CheckTakenName(IMethodSymbol method, string generated, Location methodLocation, List<Diagnostic> diagnostics)
    {
        for (var type = method.ContainingType; type is not null; type = type.BaseType)
        {
            var member = type.GetMembers(generated).FirstOrDefault();
            if (member is null) continue;
            var at = SymbolEqualityComparer.Default.Equals(type, method.ContainingType)
                ? member.Locations.FirstOrDefault(l => l.IsInSource) ?? methodLocation
                : methodLocation;
            diagnostics.Add(Diagnostic.Create(DiagnosticCatalogue.NameConflict, at, generated, generated, $"a member of '{type.Name}'"));
            return;
        }
    }

    /// <summary>A [Differentiable] tensor function or model method of the same name declared before <paramref name="method"/>.</summary>
    private static IMethodSymbol? EarlierOverload(IMethodSymbol method) =>
        method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>()
            .TakeWhile(m => !SymbolEqualityComparer.Default.Equals(m, method))
            .FirstOrDefault(m => IsDifferentiable(m) && !TensorTypes.IsTensorType(m.ReturnType) && MethodClassifier.Classify(m) != MethodKind.ScalarFunction);

    /// <summary>SG0017 at a parameter whose gradient's name (<c>dX</c>) is already a parameter's, or an earlier gradient's.</summary>
    private static void CheckGradientNames(MethodKind kind, IMethodSymbol method, List<Diagnostic> diagnostics)
    {
        var names = new HashSet<string>(method.Parameters.Select(p => p.Name));
        foreach (var parameter in method.Parameters)
        {
            if (!HasGradient(kind, parameter)) continue;
            string gradientName = GradientName(parameter.Name);
            if (names.Add(gradientName)) continue;
            var at = parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax().GetLocation() ?? Location.None;
            // Said as the generated signature declares it: an array's gradient is a span added into, a scalar's an out.
            string generated = kind != MethodKind.ScalarFunction ? gradientName
                : ArrayTypes.ElementKind(parameter.Type) is { } element ? $"Span<{element.Keyword()}> {gradientName}"
                : $"out {gradientName}";
            diagnostics.Add(Diagnostic.Create(DiagnosticCatalogue.NameConflict, at, generated, gradientName, "another parameter"));
        }
    }
}
